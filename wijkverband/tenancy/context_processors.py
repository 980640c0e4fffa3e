from functools import cache

from wijkverband.core.header import header_read


def navigation(request):
    """The team switcher: the teams and regions the signed-in person belongs to, read only on
    pages that show it (templates call it), in one query, in the same trip to the database as the
    header's other reads (core.header; registered in TenancyConfig.ready)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def nav_places():
        return header_read(request, "switcher")

    return {"nav_places": nav_places}
