from functools import cache

from wijkverband.tenancy.second_factor import PAGE_SWITCHER
from wijkverband.tenancy.selectors import switcher_places


def navigation(request):
    """The team switcher: the teams and regions the signed-in person belongs to, read only on
    pages that show it (templates call it), in one query; on a page (a GET) in the same trip to
    the database as the second-factor check (tenancy.second_factor)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def nav_places():
        places = getattr(request, PAGE_SWITCHER, None)  # read with the page's second-factor check
        return places if places is not None else switcher_places(user=user)

    return {"nav_places": nav_places}
