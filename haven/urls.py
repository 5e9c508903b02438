"""URL map: one prefix per room; the API under /api/v1/ with the same access rules."""

from importlib import import_module

from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from haven.access import views as access_views
from haven.core.api import Router
from haven.web import views as web_views

# Rooms with an api.py expose `register(router)`; rooms with urls.py get a prefix.
API_ROOMS = ["people", "tasks", "intake", "risk"]
UI_ROOMS = ["access", "people", "tasks", "intake", "risk"]

router = Router()  # haven.core.api: no .json format-suffix routes
for room in API_ROOMS:
    try:
        module = import_module(f"haven.{room}.api")
    except ModuleNotFoundError:
        continue  # room not built yet
    module.register(router)

urlpatterns = [
    path("", web_views.home, name="home"),
    path("account/login/", access_views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", access_views.two_factor, name="two_factor"),
    path("account/enrol/<str:token>/", access_views.enrol, name="enrol"),
    path("account/ping/", access_views.ping, name="ping"),
    path("account/drafts/", web_views.draft, name="draft"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
for room in UI_ROOMS:
    try:
        import_module(f"haven.{room}.urls")
    except ModuleNotFoundError:
        continue
    prefix = {"access": "account/"}.get(room, f"{room}/")
    urlpatterns.append(path(prefix, include(f"haven.{room}.urls")))
