from rest_framework import viewsets
from rest_framework.response import Response

from haven.people.access import access_person
from haven.people.serializers import PersonSerializer


class PersonViewSet(viewsets.ViewSet):
    """A person, scoped to the caller's force or shared cases; every read is logged."""

    serializer_class = PersonSerializer

    def retrieve(self, request, pk=None):
        person = access_person(request.user, pk, reason=request.query_params.get("reason", ""))
        return Response(PersonSerializer(person, context={"request": request}).data)


def register(router):
    router.register("people", PersonViewSet, basename="person")
