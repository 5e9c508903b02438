"""Registration fails loudly: an installed room's api.py, urls.py or demo.py with an error in
it stops start-up; it is never skipped as a room "not built yet"."""

import importlib.abc
import importlib.util
import sys
from importlib import import_module

import pytest
from django.urls import NoReverseMatch, clear_url_caches, get_resolver

from haven.core.rooms import installed_rooms, room_modules


class BrokenModule(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Stands in for one room module whose file has a typo in an import."""

    def __init__(self, name: str):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(f"import {self.name}_typo", module.__dict__)  # noqa: S102 - the planted typo


@pytest.fixture
def plant(monkeypatch):
    """plant("haven.tasks.api"): from now on importing that module fails as a typo would."""

    def planted(name):
        import_module("haven.urls")  # loaded now, so that it is put back afterwards
        monkeypatch.setattr(sys, "meta_path", [BrokenModule(name), *sys.meta_path])
        monkeypatch.delitem(sys.modules, name, raising=False)
        monkeypatch.delitem(sys.modules, "haven.urls", raising=False)
        clear_url_caches()

    yield planted
    clear_url_caches()


@pytest.mark.parametrize("broken", ["haven.tasks.api", "haven.intake.urls"])
def test_a_typo_in_an_installed_rooms_api_or_urls_fails_url_loading(plant, broken):
    plant(broken)
    with pytest.raises(ModuleNotFoundError, match=f"{broken}_typo"):
        get_resolver().url_patterns  # noqa: B018 - what the first request (and `manage.py check`) does


def test_the_url_map_has_every_installed_rooms_pages_and_api():
    clear_url_caches()
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert {"account/", "people/", "tasks/", "intake/", "risk/"} <= set(patterns)
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")
    api_routes = " ".join(str(p.pattern) for p in api.url_patterns)
    assert all(room in api_routes for room in ("people", "tasks", "incidents", "risk"))


def test_a_room_without_the_file_is_skipped_and_the_rest_are_imported_in_order():
    labels = [label for label, _ in installed_rooms()]
    assert labels.index("people") < labels.index("intake") < labels.index("risk")
    with_urls = [room for room, _ in room_modules("urls")]
    assert [r for r in with_urls if r in {"access", "people", "tasks", "intake", "risk",
                                          "chronology", "forces"}] == [
        "access", "people", "tasks", "intake", "risk"]  # chronology and forces have none
    with_demo = [room for room, _ in room_modules("demo", exclude=("web",))]
    assert [r for r in with_demo if r in {"people", "intake", "risk", "tasks", "access"}] == [
        "people", "intake", "risk"]
    assert with_urls == [label for label in labels if label in with_urls]  # in room order


@pytest.mark.django_db
def test_a_typo_in_a_rooms_demo_fails_the_demo_seed(plant):
    from haven.web import demo

    plant("haven.people.demo")
    with pytest.raises(ModuleNotFoundError, match="haven.people.demo_typo"):
        demo.seed(people_per_force=1, password="x")


def test_a_nav_item_with_a_wrong_page_name_fails_loudly_and_a_room_not_installed_is_left_out(
        monkeypatch):
    from haven.web import nav

    monkeypatch.setattr(nav, "NAV", [("Home", "home", None),
                                     ("Body-worn video", "bodycam:list", None)])
    assert nav.nav_for(object()) == [{"label": "Home", "url": "/"}]
    monkeypatch.setattr(nav, "NAV", [("Assessments", "risk:lisst", None)])
    with pytest.raises(NoReverseMatch):
        nav.nav_for(object())
