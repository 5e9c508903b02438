"""The demo has matches with other forces waiting (issue 19): a reviewer signing in to a
fresh demo finds them, and the permission matrix has a proposal to probe that West Mercia is
not party to."""

import pytest
from django.apps import apps
from django.test import Client

from haven.people.models import Person
from haven.people.models_national import CrossForceProposal
from haven.web.tests.permission_matrix import MATRIX

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from haven.web.demo import seed

    context, _ = seed(people_per_force=6, password="demo password")
    return context


def test_the_demo_reviewers_find_a_waiting_match_with_the_other_force(demo):
    alliance = CrossForceProposal.objects.get(force_a__code="WARKS", force_b__code="WMERC")
    assert alliance.decision_a == alliance.decision_b == ""
    # the same man in both forces, each force's person its own (nothing merged)
    assert alliance.record_a.person.force.code == "WARKS"
    assert alliance.record_b.person.force.code == "WMERC"
    assert alliance.record_a.surname == alliance.record_b.surname
    for force in ("WARKS", "WMERC"):
        client = Client()
        client.force_login(demo.users[(force, "hau")])
        assert "Matches with other forces (" in client.get("/people/review/").content.decode()
        listing = client.get("/people/review/other-forces/").content.decode()
        assert f'href="/people/review/other-forces/{alliance.pk}/"' in listing
        assert client.get(f"/people/review/other-forces/{alliance.pk}/").status_code == 200


def test_the_outside_force_match_is_not_shared_and_is_the_one_the_matrix_probes(demo):
    outside = CrossForceProposal.objects.get(force_a__code="STAFFS")
    assert outside.force_b.code == "WARKS"
    assert not Person.objects.filter(force__code="STAFFS").exclude(
        pk=outside.record_a.person_id).exists()
    client = Client()
    client.force_login(demo.users[("WARKS", "darm")])
    html = client.get(f"/people/review/other-forces/{outside.pk}/").content.decode()
    assert "STAFFS's details are not shared with your force" in html
    for theirs in (outside.record_a.postcode, outside.record_a.address_line):
        assert theirs and theirs not in html

    obj = MATRIX["people/review/other-forces/<int:proposal_id>/"].obj
    probed = apps.get_model(obj.model).objects.filter(
        **{f"{obj.force}__code": "WARKS"}).order_by("pk").first()
    assert probed == outside  # West Mercia is not party to it: its users must get 404
