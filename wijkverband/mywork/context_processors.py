from functools import cache

from wijkverband.mywork.selectors import asked_count


def my_work(request):
    """The header's "Mijn werk" count: one query, only on pages that show it (templates call it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def my_work_count() -> int:
        return asked_count(user=user)

    return {"my_work_count": my_work_count}
