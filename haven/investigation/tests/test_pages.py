"""The room's pages: what each role sees, and 404 for the wrong role and the other force."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.investigation import services
from haven.investigation.models import Crime, VictimNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def crime(make_crime, persona):
    crime = make_crime(["assault_with_injury", "criminal_damage"])
    services.do_reallocate_crime(crime, team="detective", officer=persona("detective"),
                                 reason="Serious injury", version=crime.version,
                                 actor=persona("sergeant"))
    crime.refresh_from_db()
    return crime


def _pages(crime):
    notice = VictimNotice.objects.filter(crime=crime).first()
    gets = [reverse("investigation:list"), reverse("investigation:detail", args=[crime.pk]),
            reverse("investigation:new") + f"?incident={crime.incident_id}",
            reverse("investigation:incident_evidence", args=[crime.incident_id])]
    posts = [reverse(f"investigation:{name}", args=[crime.pk])
             for name in ("allocate", "arrest", "add_event", "outcome", "crime_evidence")]
    if notice:
        posts.append(reverse("investigation:victim_told", args=[crime.pk, notice.pk]))
    return gets, posts


@pytest.mark.parametrize(("role", "force"), [
    ("call_handler", "WARKS"), ("idva", "WARKS"), ("childrens_services", "WARKS"),
    ("analyst", "WARKS"), ("detective", "WMERC"), ("sergeant", "WMERC"), ("hau", "WMERC")])
def test_every_page_is_not_found_for_the_wrong_role_and_the_other_force(
        crime, client_as, persona, role, force):
    services.do_record_case_event(crime, kind="charge", actor=persona("detective"))
    gets, posts = _pages(crime)
    client = client_as(role, force)
    if force == "WMERC":  # the other force has its own (empty) list: never this crime
        listed = client.get(gets.pop(0))
        assert listed.status_code == 200 and crime.reference not in listed.content.decode()
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"reason": "x", "kind": "charge", "outcome": "1",
                                 "arrested": "yes", "method": "phone"}).status_code == 404, url
    assert Crime.objects.get(pk=crime.pk).version == crime.version  # nothing changed
    assert VictimNotice.objects.filter(told_at__isnull=False).count() == 0


def test_measures_are_not_found_for_roles_without_them(client_as):
    for role in ("response_officer", "detective", "snt_officer", "idva"):
        assert client_as(role).get(reverse("investigation:measures")).status_code == 404


def test_a_neighbourhood_officer_reads_the_crime_but_not_its_evidence(crime, client_as):
    page = client_as("snt_officer").get(reverse("investigation:detail", args=[crime.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert crime.reference in text and "Evidence" not in text and "Record it" not in text


def test_the_detectives_crime_page_and_home_section(crime, client_as, persona):
    client = client_as("detective")
    home = client.get(reverse("home")).content.decode()
    assert "Crimes you are investigating" in home
    assert f"{crime.reference}: Assault with injury against Vic Tim" in home
    assert "Record the arrest, or why not" in home
    assert AccessLogEntry.objects.filter(record_type="home", person_id=crime.victim_id,
                                         username="detective.warks").exists()
    page = client.get(reverse("investigation:detail", args=[crime.pk])).content.decode()
    for words in ("Vic Tim", "Sus Pect", "Assault with injury", "Principal (counted)",
                  "Criminal damage", "Detectives: you", "Serious injury",
                  "Was the suspect arrested?", "Record the outcome"):
        assert words in page, words
    assert "Reallocate" not in page  # a detective does not reallocate


def test_recording_an_arrest_from_the_page_creates_the_victims_task(crime, client_as):
    client = client_as("detective")
    response = client.post(reverse("investigation:arrest", args=[crime.pk]),
                           {"arrested": "yes", "version": crime.version})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Arrest recorded." in page and "Arrested" in page
    assert "No safe-contact arrangements recorded" in page
    home = client.get(reverse("home")).content.decode()
    assert f"Tell the victim: Arrested ({crime.reference})" in home


def test_a_refused_change_shows_the_problem_on_the_page(crime, client_as):
    response = client_as("detective").post(reverse("investigation:arrest", args=[crime.pk]),
                                           {"arrested": "no", "version": crime.version})
    assert response.status_code == 400
    assert "Say why the suspect was not arrested" in response.content.decode()


def test_recording_a_crime_from_the_briefing(make_da_incident, client_as, persona):
    officer = persona("response_officer")
    incident = make_da_incident(officer=officer, state="dispatched")
    client = client_as("response_officer")
    briefing = client.get(reverse("intake:briefing", args=[incident.pk])).content.decode()
    assert "Evidence from the scene" in briefing
    assert 'accept="image/*,video/*,application/pdf" capture="environment"' in briefing
    assert "Record a crime from this incident" in briefing
    response = client.post(reverse("investigation:new"), {
        "incident": incident.pk, "offences": ["harassment", "stalking"],
        "principal": "stalking", "domestic_abuse": "yes"})
    crime = Crime.objects.get()
    assert response["Location"] == reverse("investigation:detail", args=[crime.pk])
    assert crime.team == "detective" and crime.principal.offence == "stalking"
    problem = client.post(reverse("investigation:new"), {"incident": incident.pk})
    assert problem.status_code == 400
    assert "Choose every offence the victim disclosed" in problem.content.decode()


def test_the_measures_page_shows_the_national_range(crime, client_as, persona):
    services.do_record_arrest(crime, arrested=True, version=crime.version,
                              actor=persona("detective"))
    page = client_as("superintendent").get(reverse("investigation:measures")).content.decode()
    assert "100.0" in page
    assert "For most forces the number is between 45 and 90: this is <strong>above" in page
    assert "The inspection found 63 here." in page


def test_the_crime_list_names_the_victim_and_when_to_tell_them(crime, client_as, persona):
    page = client_as("sergeant").get(reverse("investigation:list")).content.decode()
    assert "Vic Tim" in page and crime.reference in page and "Nothing due" in page
    event = services.do_record_case_event(crime, kind="interview", actor=persona("detective"))
    due = VictimNotice.objects.get(event=event).due_at
    page = client_as("sergeant").get(reverse("investigation:list")).content.decode()
    from django.utils import timezone

    assert timezone.localtime(due).strftime("%a %-d %b %H:%M") in page


def test_the_victims_safe_contact_arrangements_are_shown_beside_what_to_tell_them(
        crime, client_as, persona):
    # Written straight to safeguarding's table: a test fixture, not a reach-in of the room.
    from haven.safeguarding.models import ContactPreferences

    ContactPreferences.objects.create(force=crime.force, person_id=crime.victim_id,
                                      safe_number="07700 900111", safe_times="after 6pm",
                                      no_messages=True)
    services.do_record_case_event(crime, kind="charge", actor=persona("detective"))
    page = client_as("detective").get(reverse("investigation:detail", args=[crime.pk]))
    text = page.content.decode()
    for line in ("Safe number: 07700 900111", "Safe times: after 6pm", "Do not leave messages",
                 "Charged"):
        assert line in text, line
    other = client_as("snt_officer").get(reverse("investigation:detail", args=[crime.pk]))
    assert "07700 900111" not in other.content.decode()  # only for those who tell the victim


def test_a_standalone_crime_names_its_victim_without_an_incident(make_person, client_as):
    victim = make_person(forename="Front", surname="Desk")
    client = client_as("detective")
    form = client.get(reverse("investigation:new") + f"?victim={victim.pk}").content.decode()
    assert "Victim: Front Desk (no incident log)" in form
    client.post(reverse("investigation:new"), {"victim": victim.pk, "offences": ["stalking"],
                                               "domestic_abuse": "yes"})
    crime = Crime.objects.get()
    assert crime.victim == victim and crime.incident is None and crime.team == "detective"
    other = make_person("WMERC")
    assert client.get(reverse("investigation:new") + f"?victim={other.pk}").status_code == 404
