from functools import cache

from wijkverband.work.selectors import NoticeTally, notice_tally


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
    """The person's notice tally, read once for the page: the header's unread count and its
    "Mijn werk" count (mywork.context_processors) both come from it."""
    tally = getattr(request, "_notice_tally", None)
    if tally is None:
        tally = request._notice_tally = notice_tally(user=request.user)
    return tally
