"""Reads of notices: a person's own, in all their teams."""

from wijkverband.work.models import Frequency, Notice, NoticePreference


def unread_notice_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    # A person's own notices, in all their teams (one indexed count).
    return Notice.objects.across_teams().filter(user=user, read_at__isnull=True).count()


def newest_notice_id(*, user) -> int:
    """The id of the person's newest notice (0: none): what changes whenever something new is
    asked of them (every ask comes with a notice). One index lookup."""
    if not user.is_authenticated:
        return 0
    newest = Notice.objects.across_teams().filter(user=user).order_by("-id").values_list("id", flat=True).first()
    return newest or 0


def user_notices(*, user, limit: int = 100) -> list[Notice]:
    return list(
        Notice.objects.across_teams()
        .filter(user=user)
        .select_related("team", "actor")
        .order_by("-created_at", "-id")[:limit]
    )


def notice_preference(*, user) -> NoticePreference:
    """The person's preferences, or the defaults (not saved) when they never changed them."""
    preference = NoticePreference.objects.filter(user=user).first()
    return preference if preference is not None else NoticePreference(user=user, digest=Frequency.DAILY)
