"""URL map: one prefix per room; the API under /api/v1/ with the same access rules."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from haven.access import views as access_views
from haven.core import health
from haven.core.api import Router
from haven.core.rooms import room_modules
from haven.web import views as web_views

# Every installed room with an api.py exposes `register(router)`; with urls.py it gets a prefix.
# A room's module is imported when its file exists (haven.core.rooms): an error inside it
# stops start-up instead of silently removing the room's pages or API.
URL_PREFIXES = {"access": "account/"}

router = Router()  # haven.core.api: no .json format-suffix routes
for _room, module in room_modules("api"):
    module.register(router)

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
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
for room, module in room_modules("urls"):
    urlpatterns.append(path(URL_PREFIXES.get(room, f"{room}/"), include(module)))
