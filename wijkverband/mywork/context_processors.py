from functools import cache

from wijkverband.mywork.selectors import asked_count_kept


def my_work(request):
    """The header's "Mijn werk" count, only on pages that show it (templates call it): kept for a
    while per person (selectors.asked_count_kept), counted again when something new is asked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def my_work_count() -> int:
        return asked_count_kept(user=user)

    return {"my_work_count": my_work_count}
