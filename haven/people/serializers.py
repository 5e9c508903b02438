from rest_framework import serializers

from haven.people.access import visible_addresses
from haven.people.models import Person


class PersonSerializer(serializers.ModelSerializer):
    addresses = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "forename", "middle_names", "surname", "date_of_birth", "gender",
                  "addresses", "version"]

    def get_addresses(self, person):

        rows = visible_addresses(self.context["request"].user, person)
        return [{k: v for k, v in row.items() if k not in {"recorded_at", "id"}} for row in rows]


def _iso(value):
    return value.isoformat() if value is not None else None


def history_data(history: dict) -> dict:
    """JSON form of a history summary (dates as ISO strings)."""
    da = history.get("da_incidents", {})
    marac = history.get("marac")
    return {
        **{k: v for k, v in history.items() if k not in {"da_incidents", "marac", "live_orders",
                                                           "warning_markers"}},
        "da_incidents": {"count": da.get("count", 0), "last_at": _iso(da.get("last_at"))},
        "marac": None if marac is None else {"referred_at": _iso(marac["referred_at"]),
                                             "heard_at": _iso(marac.get("heard_at"))},
        "live_orders": [{"kind": o["kind"], "role": o["role"], "starts_at": _iso(o["starts_at"]),
                         "ends_at": _iso(o["ends_at"])} for o in history.get("live_orders", [])],
        "warning_markers": [{"kind": m["kind"], "recorded_at": _iso(m["recorded_at"])}
                            for m in history.get("warning_markers", [])],
    }


def candidate_data(candidate) -> dict:
    person = candidate.person
    return {
        "person": {"id": person.pk, "forename": person.forename, "surname": person.surname,
                   "date_of_birth": _iso(person.date_of_birth), "gender": person.gender},
        "score": candidate.score,
        "band": candidate.band,
        "explanation": candidate.explanation,
        "matched_record": candidate.matched_record,
        "history": history_data(candidate.history),
    }
