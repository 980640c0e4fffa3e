from functools import cache

from wijkverband.mywork.selectors import asked_count_kept
from wijkverband.work.context_processors import page_notice_tally


def my_work(request):
    """The header's "Mijn werk" count, only on pages that show it (templates call it): kept for a
    while per person (selectors.asked_count_kept), counted again when something new is asked. The
    person's newest notice, which tells, comes with the header's unread count (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def my_work_count() -> int:
        return asked_count_kept(user=user, stamp=page_notice_tally(request).newest_id)

    return {"my_work_count": my_work_count}
