from functools import cache

from wijkverband.work.selectors import unread_notice_count


def notifications(request):
    """The header's count of unread notices: one indexed count, only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notifications() -> int:  # templates call it; cached for the page
        return unread_notice_count(user=user)

    return {"unread_notifications": unread_notifications}
