from django.conf import settings

from haven.web.nav import nav_for


def shell(request):
    """Header facts for every page: who is signed in, as what, for which force or agency."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {
        "nav": nav_for(user),
        "role_label": user.get_role_display(),
        "organisation": user.organisation,
        # Read by haven/static/haven/idle.mjs: warn before the idle sign-out.
        "idle_timeout_seconds": settings.HAVEN_IDLE_TIMEOUT_SECONDS,
        "idle_warning_seconds": min(settings.HAVEN_IDLE_WARNING_SECONDS,
                                    settings.HAVEN_IDLE_TIMEOUT_SECONDS // 2),
    }
