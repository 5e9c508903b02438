"""Sharing a case with the other force of the alliance: with a reason, logged, withdrawable."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.safeguarding import sharing
from haven.safeguarding.services import scoped_cases

pytestmark = pytest.mark.django_db


def test_a_shared_case_is_seen_by_the_other_force_until_withdrawn(make_case, persona,
                                                                  client_as, make_person):
    case = make_case(person=make_person(forename="Mo", surname="Ving"))
    wmerc_darm = persona("darm", "WMERC")
    url = reverse("safeguarding:detail", args=[case.pk])
    assert client_as("darm", "WMERC").get(url).status_code == 404
    refused = client_as("hau").post(reverse("safeguarding:share", args=[case.pk]),
                       {"with_force": wmerc_darm.force_id, "reason": ""})
    assert refused.status_code == 400 and "Say why the case is shared" in refused.content.decode()
    client_as("hau").post(reverse("safeguarding:share", args=[case.pk]),
             {"with_force": wmerc_darm.force_id, "reason": "Victim moved to Worcester"})
    share = case.shares.get()
    assert AccessLogEntry.objects.filter(record_type="safeguarding_case_share",
                                         action="disclosure").exists()
    assert list(scoped_cases(wmerc_darm)) == [case]
    page = client_as("darm", "WMERC").get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "shared by Warwickshire" in text and "High risk" in text
    # The people room does not yet scope another force's person to this force: no name.
    assert "Mo Ving" not in text and "Name held by the sharing force" in text
    # the client is signed in as one persona at a time (client_as switches it)
    # the other force reads it but does not manage it
    assert client_as("darm", "WMERC").get(
        reverse("safeguarding:close", args=[case.pk])).status_code == 404
    with pytest.raises(sharing.ShareRefused):
        sharing.do_withdraw_case_share(share, version=share.version, reason=" ",
                                       actor=persona("hau"))
    client_as("hau").post(reverse("safeguarding:withdraw_share", args=[case.pk, share.pk]),
             {"version": share.version, "reason": "Victim returned"})
    share.refresh_from_db()
    assert share.withdrawn_at is not None and share.withdraw_reason == "Victim returned"
    assert client_as("darm", "WMERC").get(url).status_code == 404


def test_only_an_alliance_force_can_be_chosen(make_case, persona):
    case = make_case()
    with pytest.raises(sharing.ShareRefused):
        sharing.do_share_case(case, with_force_id=case.force_id, reason="Same force",
                              actor=persona("hau"))
