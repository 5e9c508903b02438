from rest_framework import serializers

from haven.people.models import Person


class PersonSerializer(serializers.ModelSerializer):
    addresses = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "forename", "middle_names", "surname", "date_of_birth", "gender",
                  "addresses", "version"]

    def get_addresses(self, person):
        from haven.people.access import visible_addresses

        rows = visible_addresses(self.context["request"].user, person)
        return [{k: v for k, v in row.items() if k != "recorded_at"} for row in rows]
