from functools import cache

from wijkverband.core.header import header_read
from wijkverband.work.selectors import NoticeTally


def notifications(request):
    """The header's count of unread notices: only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notifications() -> int:  # templates call it; cached for the page
        return page_notice_tally(request).unread

    return {"unread_notifications": unread_notifications}


def page_notice_tally(request) -> NoticeTally:
    """The person's notice tally, read once for the page with the header's other reads (core.header;
    registered in WorkConfig.ready): the header's unread count and its "Mijn werk" count
    (mywork.context_processors) both come from it."""
    return header_read(request, "notice_tally")
