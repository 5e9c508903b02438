"""Labels take their numbers from the force's policy (issue 9 item 5): "Repeat victim (last 12
months)" says the force's window, and the call screen reads the policy table once however
many people it shows."""

import datetime as dt

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.forces.models import PolicySetting


def _set(force, **values):
    for key, value in values.items():
        PolicySetting.objects.create(force=force, key=key, value=value,
                                     effective_from=dt.date(2000, 1, 1))


def _repeat_log(make_incident, make_person, days_ago):
    victim = make_person(forename="Rae", surname="Okafor")
    make_incident(victim=victim, opened_at=timezone.now() - dt.timedelta(days=days_ago))
    return make_incident(victim=victim)


def test_the_log_page_says_the_repeat_window_of_the_force(client_as, make_incident,
                                                           make_person):
    log = _repeat_log(make_incident, make_person, 30)
    page = client_as("call_handler").get(reverse("intake:detail", args=[log.pk]))
    assert "Repeat victim (last 12 months)" in page.content.decode()


def test_changing_the_forces_repeat_window_changes_the_label(client_as, make_incident,
                                                             make_person, forces):
    log = _repeat_log(make_incident, make_person, 500)  # outside 12 months, inside 2 years
    client = client_as("call_handler")
    assert "Repeat victim" not in client.get(reverse("intake:detail", args=[log.pk])
                                             ).content.decode()
    _set(forces["WARKS"], repeat_window_days=730)
    page = client.get(reverse("intake:detail", args=[log.pk])).content.decode()
    assert "Repeat victim (last 2 years)" in page


def test_the_call_screen_flag_uses_the_persons_force_window(client_as, findable_person,
                                                           make_incident, forces):
    dana = findable_person(forename="Dana", surname="Whitfield", date_of_birth="1988-04-12")
    make_incident(victim=dana, opened_at=timezone.now() - dt.timedelta(days=200))
    _set(forces["WARKS"], repeat_window_days=270)
    page = client_as("call_handler").get(reverse("intake:lookup"), {
        "forename": "Dana", "surname": "Whitfield", "date_of_birth": "1988-04-12"},
        HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="repeat-victim">Repeat victim (last 270 days)' in page


def test_history_windows_in_templates_come_from_policy(forces):
    _set(forces["WARKS"], history_lookback_days=180, stalking_screen_min_incidents=3)
    text = Template(
        '{% load policy_tags %}DASH ({% policy_period force "history_lookback_days" %}); '
        '{% policy_value force.pk "stalking_screen_min_incidents" %} or more; '
        'default {% policy_period other "history_lookback_days" %}'
    ).render(Context({"force": forces["WARKS"], "other": forces["WMERC"]}))
    assert text == "DASH (180 days); 3 or more; default 12 months"


def test_the_call_screen_reads_the_policy_table_once_for_everyone_it_shows(
        client_as, findable_person, make_incident):
    for n, forename in enumerate(["Dana", "Dina", "Donna"]):
        person = findable_person(forename=forename, surname="Whitfield",
                                 date_of_birth=f"198{n}-04-12")
        make_incident(victim=person, opened_at=timezone.now() - dt.timedelta(days=40))
    client = client_as("call_handler")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("intake:lookup"), {"surname": "Whitfield"},
                          HTTP_HX_REQUEST="true").content.decode()
    assert page.count('data-testid="candidate"') == 3
    reads = [q for q in queries.captured_queries if "forces_policysetting" in q["sql"]]
    assert len(reads) == 1
