"""Letters: PDFs from per-force templates, to the victim and to the perpetrator; never a
confidential address, never the victim in the perpetrator's letter, never a DASH answer;
suppressed with a reason; stored with sender, time and SHA-256."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import reverse

from haven.chronology.models import Entry
from haven.people.models import Address
from haven.safeguarding.letters import (
    LetterRefused,
    TemplateError,
    do_load_letter_templates,
    do_send_letter,
    do_suppress_letter,
    template_for,
)
from haven.safeguarding.models import ContactPreferences
from haven.safeguarding.models_partners import Letter
from haven.safeguarding.tests.test_referrals_helpers import (  # noqa: F401 (fixtures)
    DASH_NARRATIVE,
    DASH_SECRET,
    _case_for_fixture,
    _dash_for_fixture,
    _make_incident_fixture,
    _victim_case_fixture,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def test_the_victim_letter_is_a_pdf_to_their_address_with_support_services(
        victim_case, persona, dash_for):
    dash_for(victim_case["incident"])
    hau = persona("hau")
    letter = do_send_letter(victim_case["case"], recipient="victim", actor=hau)
    text = pdf_text(bytes(letter.pdf))
    assert "Dear Dana Victim" in text and "1 Test Street" in text and "CV34 4AA" in text
    assert "0808 2000 247" in text  # the helpline it signposts
    assert DASH_SECRET not in text and DASH_NARRATIVE not in text
    assert letter.sha256 == hashlib.sha256(bytes(letter.pdf)).hexdigest()
    assert letter.by == hau and letter.at and letter.status == "sent"
    assert Entry.objects.filter(kind="letter_sent", person=victim_case["victim"]).exists()


def test_the_perpetrator_letter_says_nothing_about_the_victim(victim_case, persona, dash_for):
    dash_for(victim_case["incident"])
    letter = do_send_letter(victim_case["case"], recipient="perpetrator",
                            person_id=victim_case["perp"].pk, actor=persona("hau"))
    text = pdf_text(bytes(letter.pdf))
    assert "Dear Perry Harmer" in text and "12 Other Road" in text
    assert "0808 802 4040" in text
    for secret in ("Dana", "Victim", "1 Test Street", "CV34 4AA", DASH_SECRET, DASH_NARRATIVE,
                   victim_case["incident"].reference, f"Case {victim_case['case'].pk}"):
        assert secret not in text
    # On the perpetrator's own chronology, and nothing there about the victim.
    entry = Entry.objects.get(kind="letter_sent", person=victim_case["perp"])
    assert "victim" not in entry.summary.lower()


def test_only_a_suspect_of_the_victims_incidents_can_get_the_perpetrator_letter(
        victim_case, persona, make_person):
    stranger = make_person(forename="Not", surname="Involved")
    with pytest.raises(Http404):
        do_send_letter(victim_case["case"], recipient="perpetrator", person_id=stranger.pk,
                       actor=persona("hau"))


def test_no_letter_goes_to_a_confidential_address(victim_case, persona):
    Address.objects.create(person=victim_case["victim"], line="7 Refuge Row", town="Rugby",
                           postcode="CV21 1RF", confidential=True)
    with pytest.raises(LetterRefused) as e:
        do_send_letter(victim_case["case"], recipient="victim", actor=persona("hau"))
    assert "confidential" in str(e.value) and "Refuge" not in str(e.value)
    assert not Letter.objects.exists()


def test_the_page_says_there_is_no_letter_to_a_confidential_address(victim_case, client_as):
    Address.objects.create(person=victim_case["victim"], line="7 Refuge Row", town="Rugby",
                           postcode="CV21 1RF", confidential=True)
    page = client_as("hau").get(reverse("safeguarding:case_partners",
                                        args=[victim_case["case"].pk])).text
    assert "current address is confidential: no letter is sent to that address" in page
    assert "Refuge Row" not in page and "CV21 1RF" not in page
    assert "Send the letter to Dana Victim" not in page
    assert "Send the letter to Perry Harmer" in page


def test_a_template_that_would_print_a_confidential_address_is_refused(
        victim_case, persona, tmp_path, forces):
    Address.objects.create(person=victim_case["perp"], line="7 Refuge Row", town="Rugby",
                           postcode="CV21 1RF", confidential=True)
    Address.objects.create(person=victim_case["perp"], line="12 Other Road", town="Leamington",
                           postcode="CV35 9ZZ")  # the current, open address
    path = tmp_path / "warks.toml"
    path.write_text('[[letter]]\nkind = "perpetrator"\ntitle = "Hello"\n'
                    'body = "Dear {{ recipient_name }}, do not go to 7 REFUGE ROW."\n')
    do_load_letter_templates(path, force=forces["WARKS"])
    with pytest.raises(LetterRefused):
        do_send_letter(victim_case["case"], recipient="perpetrator",
                       person_id=victim_case["perp"].pk, actor=persona("hau"))
    assert not Letter.objects.exists()


def test_do_not_write_to_the_home_address_is_obeyed(victim_case, persona, client_as, forces):
    ContactPreferences.objects.create(force=forces["WARKS"], person_id=victim_case["victim"].pk,
                                      no_letters_home=True)
    with pytest.raises(LetterRefused) as e:
        do_send_letter(victim_case["case"], recipient="victim", actor=persona("hau"))
    assert "not to be written to at the home address" in str(e.value)
    page = client_as("hau").get(reverse("safeguarding:case_partners",
                                        args=[victim_case["case"].pk])).text
    assert "asked not to be written to at the home address" in page
    assert "Do not write to the home address" in page  # the contact preferences shown


def test_the_hau_suppresses_a_letter_with_a_reason(victim_case, persona):
    hau = persona("hau")
    with pytest.raises(LetterRefused):
        do_suppress_letter(victim_case["case"], recipient="perpetrator",
                           person_id=victim_case["perp"].pk, reason="", actor=hau)
    letter = do_suppress_letter(victim_case["case"], recipient="perpetrator",
                                person_id=victim_case["perp"].pk,
                                reason="He would learn she called us", actor=hau)
    assert letter.status == "suppressed" and not letter.pdf and letter.by == hau
    entry = Entry.objects.get(kind="letter_suppressed")
    assert entry.person == victim_case["victim"]  # never on the perpetrator's chronology
    assert entry.sensitivity == Entry.Sensitivity.CONFIDENTIAL


def test_the_page_sends_and_suppresses_and_serves_the_pdf(victim_case, client_as):
    client = client_as("hau")
    case = victim_case["case"]
    url = reverse("safeguarding:send_letter", args=[case.pk])
    client.post(url, {"recipient": "victim", "person_id": victim_case["victim"].pk,
                      "decision": "send"})
    bad = client.post(url, {"recipient": "perpetrator", "person_id": victim_case["perp"].pk,
                            "decision": "suppress", "reason": ""})
    assert bad.status_code == 400 and "professional-judgement reason" in bad.text
    page = client.post(url, {"recipient": "perpetrator", "person_id": victim_case["perp"].pk,
                             "decision": "suppress", "reason": "Risk of retaliation"},
                       follow=True).text
    assert "Risk of retaliation" in page and "Not sent" in page
    letter = Letter.objects.get(status="sent")
    pdf = client.get(reverse("safeguarding:letter_pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf" and "Dana Victim" in pdf_text(pdf.content)


@pytest.mark.parametrize("role,force", [("snt_officer", "WARKS"), ("idva", "WARKS"),
                                        ("hau", "WMERC")])
def test_a_letter_pdf_is_404_for_the_wrong_role_or_force(victim_case, persona, client_as,
                                                         role, force):
    letter = do_send_letter(victim_case["case"], recipient="victim", actor=persona("hau"))
    response = client_as(role, force).get(reverse("safeguarding:letter_pdf", args=[letter.pk]))
    assert response.status_code == 404


def test_the_other_forces_hau_cannot_send_a_letter(victim_case, persona):
    with pytest.raises(Http404):
        do_send_letter(victim_case["case"], recipient="victim", actor=persona("hau", "WMERC"))


def test_a_force_loads_its_own_wording_which_wins_over_the_default(
        victim_case, persona, tmp_path, forces):
    path = tmp_path / "warks.toml"
    path.write_text('[[letter]]\nkind = "victim"\ntitle = "From Warwickshire"\n'
                    'body = """Dear {{ recipient_name }},\n\nCall Refuge Warwickshire."""\n')
    call_command("letters", "load", str(path), "--force", "WARKS")
    assert template_for(forces["WARKS"], "victim").title == "From Warwickshire"
    assert template_for(forces["WMERC"], "victim").title == "Support is available to you"
    letter = do_send_letter(victim_case["case"], recipient="victim", actor=persona("hau"))
    assert "Call Refuge Warwickshire" in pdf_text(bytes(letter.pdf))
    assert letter.template.force == forces["WARKS"]


def test_a_perpetrator_template_may_not_name_anything_about_the_victim(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[letter]]\nkind = "perpetrator"\ntitle = "x"\n'
                    'body = "You hurt {{ victim_name }}"\n')
    with pytest.raises(TemplateError, match="victim_name"):
        do_load_letter_templates(path)
    with pytest.raises(CommandError, match="victim_name"):
        call_command("letters", "load", str(path))


def test_the_perpetrator_letter_never_holds_the_victims_refuge(victim_case, persona):
    Address.objects.create(person=victim_case["victim"], line="7 Refuge Row", town="Rugby",
                           postcode="CV21 1RF", confidential=True)
    letter = do_send_letter(victim_case["case"], recipient="perpetrator",
                            person_id=victim_case["perp"].pk, actor=persona("hau"))
    text = pdf_text(bytes(letter.pdf))
    assert "Dear Perry Harmer" in text
    assert "Refuge Row" not in text and "CV21 1RF" not in text and "Rugby" not in text


def test_a_victim_who_left_the_refuge_gets_the_letter_at_the_new_address_only(
        victim_case, persona):
    victim = victim_case["victim"]
    victim.addresses.all().delete()
    Address.objects.create(person=victim, line="7 Refuge Row", town="Rugby",
                           postcode="CV21 1RF", confidential=True)
    Address.objects.create(person=victim, line="3 New Lane", town="Kenilworth",
                           postcode="CV8 1AB")
    letter = do_send_letter(victim_case["case"], recipient="victim", actor=persona("hau"))
    text = pdf_text(bytes(letter.pdf))
    assert "3 New Lane" in text and "CV8 1AB" in text
    assert "Refuge Row" not in text and "CV21 1RF" not in text
