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
    }
