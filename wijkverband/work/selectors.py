"""Reads of notices: a person's own, in all their teams."""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from wijkverband.core import rows
from wijkverband.tenancy.models import Membership, RegionRole
from wijkverband.work.models import Frequency, Notice, NoticePreference, WorkerCount


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


class NoticeTally(NamedTuple):
    unread: int  # unread_notice_count
    newest_id: int  # newest_notice_id


def notice_tally(*, user) -> NoticeTally:
    """unread_notice_count and newest_notice_id in one query: every page's header shows the one
    and keeps its "Mijn werk" count by the other (mywork.context_processors). Two subqueries of
    the person's row, each using its own index as the queries apart do; compiled once per process
    (core.rows.Compiled): the ORM took twice as long to build it as the two queries apart."""
    if not user.is_authenticated:
        return NoticeTally(0, 0)
    return notice_tally_from(rows.run(notice_tally_statement(user=user))[0])


def notice_tally_statement(*, user) -> rows.Compiled:
    """notice_tally's query, to run with others in one trip (core.rows.run: the page's header,
    core.header); its result goes to notice_tally_from."""
    return rows.Compiled(_notice_tally, user.pk)


def notice_tally_from(row) -> NoticeTally:
    return NoticeTally(*row) if row else NoticeTally(0, 0)


@rows.compiled
def _notice_tally(user_id: int) -> QuerySet:
    own = Notice.objects.across_teams().filter(user=user_id).order_by()
    unread = own.filter(read_at__isnull=True).values("user").annotate(n=Count("id")).values("n")
    newest = own.order_by("-id").values("id")[:1]
    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .order_by()
        .values_list(Coalesce(Subquery(unread), Value(0)), Coalesce(Subquery(newest), Value(0)))
    )


def user_notices(*, user, limit: int = 100, before: int | None = None) -> tuple[list[Notice], int | None]:
    """The person's newest notices (or those before the notice `before`), and the `before` of the
    next older page (None when these are the oldest)."""
    notices = Notice.objects.across_teams().filter(user=user)
    if before is not None:
        last = notices.filter(pk=before).values_list("created_at", flat=True).first()
        if last is None:
            return [], None
        notices = notices.filter(Q(created_at__lt=last) | Q(created_at=last, pk__lt=before))
    rows = list(notices.select_related("team", "actor").order_by("-created_at", "-id")[: limit + 1])
    return rows[:limit], (rows[limit - 1].pk if len(rows) > limit else None)


def user_notice(*, user, notice_id: int) -> Notice | None:
    """One of the person's own notices (as user_notices reads them), or None: another's is not theirs."""
    return Notice.objects.across_teams().filter(user=user, pk=notice_id).select_related("team", "actor").first()


def newer_page_before(*, user, first: Notice, limit: int = 100) -> int | None:
    """The `before` of the page of notices just newer than `first` (the top of an older page), or
    None when that page is the newest (it has no `before`). One query, on an older page only."""
    newer = (
        Notice.objects.across_teams()
        .filter(user=user)
        .filter(Q(created_at__gt=first.created_at) | Q(created_at=first.created_at, pk__gt=first.pk))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[: limit + 1]
    )
    newer = list(newer)
    return newer[limit] if len(newer) > limit else None


def notice_preference(*, user) -> NoticePreference:
    """The person's preferences, or the defaults (not saved) when they never changed them."""
    preference = NoticePreference.objects.filter(user=user).first()
    return preference if preference is not None else NoticePreference(user=user, digest=Frequency.DAILY)


def preferences_that_apply(*, user) -> set[str]:
    """The e-mail choices that can ever reach this person (the digest always can): a mention for
    whoever can be named in a team's thread, being asked to own for the team's professionals, an
    escalation for the region's overseers and administrators. A client representative, an external
    party or the privacy officer was offered all three."""
    roles = set(Membership.objects.across_teams().filter(user=user).values_list("role", flat=True))  # own rows
    applies = {"digest"}
    if roles & {Membership.Role.MEMBER, Membership.Role.COORDINATOR, Membership.Role.CLIENT_REPRESENTATIVE}:
        applies.add("email_mentions")
    if roles & {Membership.Role.MEMBER, Membership.Role.COORDINATOR}:
        applies.add("email_ownership")
    if RegionRole.objects.filter(user=user, role__in=[RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN]).exists():
        applies.add("email_escalations")
    return applies


def worker_count(*, name: str) -> int:
    """A running count of the task worker's (WorkerCount), 0 before it first counted."""
    return WorkerCount.objects.filter(name=name).values_list("value", flat=True).first() or 0
