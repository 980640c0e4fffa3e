from wijkverband.tenancy.selectors import user_memberships, user_region_roles


def navigation(request):
    """The team switcher: the teams and regions the signed-in person belongs to (lazy)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_memberships": user_memberships(user=user),
        "nav_region_roles": user_region_roles(user=user),
    }
