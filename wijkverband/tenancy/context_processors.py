from functools import cache

from wijkverband.tenancy.selectors import switcher_places


def navigation(request):
    """The team switcher: the teams and regions the signed-in person belongs to, read only on
    pages that show it (templates call it), in one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def nav_places():
        return switcher_places(user=user)

    return {"nav_places": nav_places}
