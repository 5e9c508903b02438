from django.urls import re_path
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from haven.people.access import access_person
from haven.people.lookup import LookupCriteriaError, find_candidates
from haven.people.serializers import PersonSerializer, candidate_data


class PersonViewSet(viewsets.ViewSet):
    """A person, scoped to the caller's force or shared cases; every read is logged."""

    serializer_class = PersonSerializer

    def retrieve(self, request, pk=None):
        person = access_person(request.user, pk, reason=request.query_params.get("reason", ""))
        return Response(PersonSerializer(person, context={"request": request}).data)

    @action(detail=False, methods=["get"], url_path="lookup")
    def lookup(self, request):
        """Ranked candidates for a caller's details: any of forename, surname, date_of_birth
        (YYYY-MM-DD, or day first as DD/MM/YYYY), phone, postcode. 400 names the field
        (`non_field_errors` when only placeholders such as "Unknown" are given); the lookup
        is logged."""
        params = request.query_params
        try:
            candidates = find_candidates(
                request.user, forename=params.get("forename", ""),
                surname=params.get("surname", ""), date_of_birth=params.get("date_of_birth"),
                phone=params.get("phone", ""), postcode=params.get("postcode", ""),
                reason=params.get("reason", ""),
            )
        except LookupCriteriaError as error:
            return Response({error.field: [str(error)]}, status=400)
        return Response({"results": [candidate_data(c) for c in candidates]})


def register(router):
    router.register("people", PersonViewSet, basename="person")
    # The issue names the endpoint without a trailing slash; serve both spellings.
    get_urls = router.get_urls

    def get_urls_with_lookup():
        view = PersonViewSet.as_view({"get": "lookup"})
        return [re_path(r"^people/lookup$", view, name="person-lookup-bare"), *get_urls()]

    router.get_urls = get_urls_with_lookup
