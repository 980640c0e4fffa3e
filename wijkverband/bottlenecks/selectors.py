"""Reads of the bottleneck log. Every list and panel here uses a constant number of queries and
aggregates in SQL (tests assert the counts)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Case, Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from wijkverband.bottlenecks.models import (
    DEFAULT_TARGETS,
    OPEN_STATUSES,
    AgreementLink,
    Bottleneck,
    BottleneckEvent,
    BottleneckLink,
    Category,
    EventKind,
    Impact,
    ResponseTarget,
    Signal,
    Status,
)
from wijkverband.core.textsearch import text_matching
from wijkverband.core.workdays import add_working_days, past_due_before, working_days_between
from wijkverband.tenancy.models import Membership, Region, RegionRole, Team
from wijkverband.tenancy.policy import TeamRights


def team_targets(*, team: Team) -> dict[int, tuple[int, int]]:
    """{impact: (working days to acceptance, to resolution)}: the team's own, else the defaults (one query)."""
    targets = dict(DEFAULT_TARGETS)
    for row in ResponseTarget.objects.for_team(team):
        targets[row.impact] = (row.accept_days, row.resolve_days)
    return targets


def due_dates(*, targets: dict[int, tuple[int, int]], impact: int, reported: datetime, clock: datetime):
    """(accept by, resolve by): acceptance counts from the report, resolution from when the clock (re)started."""
    accept_days, resolve_days = targets[impact]
    return (
        add_working_days(timezone.localdate(reported), accept_days),
        add_working_days(timezone.localdate(clock), resolve_days),
    )


SORTS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "impact": ("-impact", "created_at", "pk"),
    "signals": ("-signal_count", "created_at", "pk"),
}


@dataclass(frozen=True)
class ListFilters:
    status: str = "open"  # "", "open", "done" or one Status value
    category: int | None = None
    impact: int | None = None
    owner: str = ""  # "", "none" (unowned) or a user id
    affected: str = ""  # an OrganisationKind value
    overdue: bool = False
    mine: bool = False
    q: str = ""
    sort: str = "oldest"


def overdue_q(today: date) -> Q:
    """Open, and either never accepted past the acceptance target or past the resolution target
    (Bottleneck.acceptance_overdue: an item whose owner left was accepted). Past as
    core.workdays.past_due says, as on the item's page and in Mijn werk."""
    before = past_due_before(today)
    return Q(status__in=OPEN_STATUSES) & (
        Q(owner__isnull=True, first_accepted_at__isnull=True, accept_due__lt=before) | Q(resolve_due__lt=before)
    )


#: Not internal: what those who may not see internal items see (bottlenecks.policy, TeamRights.can_see_internal).
_NOT_INTERNAL = Q(internal=False)


def _visible_q(rights: TeamRights) -> Q:
    """Internal items only for those who see internal items (the team's professionals, overseers)."""
    return Q() if rights.can_see_internal else _NOT_INTERNAL


def visible_bottlenecks(*, team: Team, rights: TeamRights) -> QuerySet[Bottleneck]:
    return Bottleneck.objects.for_team(team).filter(_visible_q(rights))


#: At most this many same-titled bottlenecks are linked beside a new one's title (core.same_name).
SAME_NAME_LIMIT = 5


def same_title_open(*, team: Team, rights: TeamRights, title: str) -> list[Bottleneck]:
    """The team's open bottlenecks with this title, case aside, that this person sees: a new one
    would be a second (core.same_name), as a report sent again after Back is. The team's only."""
    found = visible_bottlenecks(team=team, rights=rights).filter(status__in=OPEN_STATUSES, title__iexact=title.strip())
    return list(found.order_by("created_at", "id")[:SAME_NAME_LIMIT])


def visible_bottlenecks_in(*, rights_by_team: dict[int, TeamRights]) -> QuerySet[Bottleneck]:
    """The same rule over several teams (team id → the person's TeamRights there): the search."""
    everything = [team_id for team_id, rights in rights_by_team.items() if rights.can_view and rights.can_see_internal]
    not_internal = [
        team_id for team_id, rights in rights_by_team.items() if rights.can_view and team_id not in everything
    ]
    visible = Q(pk__in=[])
    if everything:
        visible |= Q(team_id__in=everything)
    if not_internal:
        visible |= Q(team_id__in=not_internal) & _NOT_INTERNAL
    return Bottleneck.objects.for_teams(everything + not_internal).filter(visible)


def bottleneck_list(*, team: Team, rights: TeamRights, user, filters: ListFilters) -> QuerySet[Bottleneck]:
    queryset = visible_bottlenecks(team=team, rights=rights)
    if filters.status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status == "done":
        queryset = queryset.filter(status__in=[Status.RESOLVED, Status.CLOSED])
    elif filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.category is not None:
        queryset = queryset.filter(category_id=filters.category)
    if filters.impact is not None:
        queryset = queryset.filter(impact=filters.impact)
    if filters.owner == "none":
        queryset = queryset.filter(owner__isnull=True)
    elif filters.owner.isdigit():
        queryset = queryset.filter(owner_id=int(filters.owner))
    if filters.affected:
        queryset = queryset.filter(affected_kinds__contains=f",{filters.affected},")
    if filters.overdue:
        queryset = queryset.filter(overdue_q(timezone.localdate()))
    if filters.mine:
        queryset = queryset.filter(Q(owner=user) | Q(owner_candidate=user) | Q(reporter=user))
    # The words as the site's search reads them (core/textsearch): the same items for the same words.
    queryset = text_matching(queryset, kind="bottleneck", text=filters.q)
    return queryset.select_related("category", "owner", "owner_candidate", "reporter_organisation").order_by(
        *SORTS.get(filters.sort, SORTS["oldest"])
    )


def bottlenecks_in_order(*, team: Team, ids: list[int]) -> list[Bottleneck]:
    """The team's bottlenecks with these ids (already access-checked), in the order given, one query."""
    rows = (
        Bottleneck.objects.for_team(team)
        .filter(pk__in=ids)
        .select_related("category", "owner", "owner_candidate", "reporter_organisation")
    )
    by_id = {b.pk: b for b in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def signalling_professional_ids(*, bottleneck: Bottleneck) -> set[int]:
    """The team's professionals of every organisation that said "this affects us too"."""
    organisations = Signal.objects.for_team(bottleneck.team_id).filter(bottleneck=bottleneck).values("organisation_id")
    return set(
        Membership.objects.for_team(bottleneck.team_id)
        .filter(organisation_id__in=organisations, role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR])
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
    )


def team_categories(*, team: Team) -> list[Category]:
    return list(Category.objects.for_team(team))


def team_professionals(*, team: Team) -> list[Membership]:
    return list(
        Membership.objects.for_team(team)
        .filter(role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR])
        .select_related("user", "organisation")
        .order_by("user__name")
    )


# --- one item -------------------------------------------------------------------------------------


#: Events whose note is the reason an item was (or was) internal.
INTERNAL_NOTE_KINDS = {EventKind.REPORTED, EventKind.MARKED_INTERNAL, EventKind.MARKED_PUBLIC}


def bottleneck_timeline(*, bottleneck: Bottleneck, rights: TeamRights) -> list[BottleneckEvent]:
    events = list(
        BottleneckEvent.objects.for_team(bottleneck.team_id).filter(bottleneck=bottleneck).order_by("at", "pk")
    )
    if not rights.can_see_internal:
        # An item made visible again must not show representatives why it was internal.
        for event in events:
            if event.kind in INTERNAL_NOTE_KINDS:
                event.note = ""
        # Nor the internal items it was linked to or closed into ("#3", a link to a 404): to them
        # those items do not exist.
        hidden = internal_ids(team=bottleneck.team_id, ids=[other for e in events for other in _others(e)])
        events = [e for e in events if not hidden.intersection(_others(e))]
    return events


def _others(event: BottleneckEvent) -> list[int]:
    """The other items a timeline row names (linked, closed into, closed as its duplicate)."""
    data = event.data if isinstance(event.data, dict) else {}
    return [data[key] for key in ("target", "duplicate") if isinstance(data.get(key), int)]


def internal_ids(*, team, ids) -> set[int]:
    """Of these items of the team, the internal ones (no query without ids)."""
    ids = set(ids)
    if not ids:
        return set()
    return set(Bottleneck.objects.for_team(team).filter(pk__in=ids, internal=True).values_list("pk", flat=True))


def shown_duplicate_of(*, bottleneck: Bottleneck, rights: TeamRights) -> Bottleneck | None:
    """The item this one was closed into, if the person may see it (an internal original does not
    exist to a client representative)."""
    original = bottleneck.duplicate_of
    if original is None or (original.internal and not rights.can_see_internal):
        return None
    return original


REGION_ANSWER_KINDS = (EventKind.REGION_RESPONDED, EventKind.REGION_TOOK_UP, EventKind.REGION_HANDED_BACK)


def region_answers(*, bottleneck: Bottleneck, timeline: list[BottleneckEvent]) -> list[BottleneckEvent]:
    """The region's answers to the latest escalation (responses, taking it up, handing it back),
    newest first, from the item's timeline (no query): shown on top of the team's item."""
    if bottleneck.escalated_at is None:
        return []
    answers = [e for e in timeline if e.kind in REGION_ANSWER_KINDS and e.at >= bottleneck.escalated_at]
    return answers[::-1]


def bottleneck_signals(*, bottleneck: Bottleneck) -> list[Signal]:
    return list(
        Signal.objects.for_team(bottleneck.team_id).filter(bottleneck=bottleneck).select_related("organisation")
    )


@dataclass(frozen=True)
class LinkedItem:
    relation: str  # "duplicate_of", "duplicates", "related"
    other: Bottleneck


def bottleneck_links(*, bottleneck: Bottleneck, rights: TeamRights) -> list[LinkedItem]:
    """Links in both directions, leaving out items this person may not see."""
    links = (
        BottleneckLink.objects.for_team(bottleneck.team_id)
        .filter(Q(source=bottleneck) | Q(target=bottleneck))
        .select_related("source", "target")
        .order_by("created_at", "pk")
    )
    items = []
    for link in links:
        outgoing = link.source_id == bottleneck.pk
        other = link.target if outgoing else link.source
        if other.internal and not rights.can_see_internal:
            continue
        if link.kind == "duplicate":
            relation = "duplicate_of" if outgoing else "duplicates"
        else:
            relation = "related"
        items.append(LinkedItem(relation, other))
    return items


def bottleneck_agreements(*, bottleneck: Bottleneck) -> list[AgreementLink]:
    return list(
        AgreementLink.objects.for_team(bottleneck.team_id)
        .filter(bottleneck=bottleneck)
        .select_related("agreement__current_version")
        .order_by("created_at", "pk")
    )


# --- team home panel ------------------------------------------------------------------------------


@dataclass
class TeamSummary:
    open_count: int = 0
    status_counts: list[tuple[str, str, int]] = field(default_factory=list)  # (status, label, n)
    category_counts: list[tuple[Category, int]] = field(default_factory=list)  # open items per category
    oldest: list[Bottleneck] = field(default_factory=list)
    overdue: list[Bottleneck] = field(default_factory=list)
    overdue_count: int = 0


PANEL_ROWS = 5
OVERDUE_ROWS = 10


def team_summary(*, team: Team, rights: TeamRights) -> TeamSummary:
    visible = visible_bottlenecks(team=team, rights=rights)
    today = timezone.localdate()
    # The counts by status, the open items' by category and the overdue count: one query, grouped
    # by both (a handful of rows), instead of three.
    by_status: dict[str, int] = {}
    by_category: dict[int | None, int] = {}
    overdue_count = 0
    grouped = (
        visible.order_by()
        .values_list("status", "category_id")
        .annotate(n=Count("*"), overdue=Count("pk", filter=overdue_q(today)))
    )
    for status, category_id, n, late in grouped:
        by_status[status] = by_status.get(status, 0) + n
        if status in OPEN_STATUSES:
            by_category[category_id] = by_category.get(category_id, 0) + n
        overdue_count += late
    categories = {c.pk: c for c in Category.objects.for_team(team).filter(pk__in=list(by_category))}
    related = ("category", "owner")
    overdue = list(
        visible.filter(overdue_q(today)).select_related(*related).order_by("created_at", "pk")[:OVERDUE_ROWS]
    )
    summary = TeamSummary(
        open_count=sum(by_status.get(s, 0) for s in OPEN_STATUSES),
        status_counts=[(s.value, s.label, by_status.get(s.value, 0)) for s in Status],
        category_counts=sorted(
            ((categories[pk], n) for pk, n in by_category.items() if pk in categories),
            key=lambda item: (-item[1], str(item[0].label)),
        ),
        oldest=list(
            visible.filter(status__in=OPEN_STATUSES).select_related(*related).order_by("created_at", "pk")[:PANEL_ROWS]
        ),
        overdue=overdue,
        overdue_count=overdue_count,
    )
    return summary


# --- time checks: what waits, past its target (wijkverband.bottlenecks.notices) -------------------


def bottlenecks_waiting(*, today: date) -> list[Bottleneck]:
    """Every team's open items that wait on someone or are past a target (the hourly job): asked to
    own, escalated, or overdue. `answered`: the region responded since the escalation; `taken_up_at`:
    when the region last took it up (None: never). One query."""
    events = BottleneckEvent.objects.across_teams().filter(bottleneck=OuterRef("pk"))
    answered = events.filter(
        kind__in=[EventKind.REGION_RESPONDED, EventKind.REGION_TOOK_UP], at__gte=OuterRef("escalated_at")
    )
    taken_up_at = events.filter(kind=EventKind.REGION_TOOK_UP).order_by("-at", "-pk").values("at")[:1]
    return list(
        Bottleneck.objects.across_teams()  # the job reads every team's items
        .filter(
            Q(status__in=OPEN_STATUSES)
            & (Q(owner_candidate__isnull=False) | Q(status=Status.ESCALATED) | overdue_q(today))
        )
        .annotate(answered=Exists(answered), taken_up_at=Subquery(taken_up_at))
        .select_related("team", "team__region")
        .order_by("pk")
    )


def teams_targets(*, team_ids) -> dict[int, dict[int, tuple[int, int]]]:
    """team_targets for several teams in one query: {team id: {impact: (accept days, resolve days)}}."""
    targets = {team_id: dict(DEFAULT_TARGETS) for team_id in team_ids}
    for row in ResponseTarget.objects.for_teams(list(targets)):
        targets[row.team_id][row.impact] = (row.accept_days, row.resolve_days)
    return targets


# --- region ---------------------------------------------------------------------------------------


def region_escalations(*, region: Region) -> QuerySet[Bottleneck]:
    """Escalated items of the region's teams: those past the region's answer target first (marked
    `overdue`), then the longest waiting, then those the region answered or took up (`answered`
    when it has responded since the escalation). Rows go through `escalation_waits` for how long each has waited."""
    # Read by region: the region's teams, whichever scope is active.
    answered = _answered_since_escalation()
    waiting = Q(answered=False, taken_up_regionally=False)
    overdue = Case(
        When(waiting & Q(escalated_at__lt=escalation_overdue_before(region=region)), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    settled = Case(When(waiting, then=Value(False)), default=Value(True), output_field=BooleanField())
    return (
        Bottleneck.objects.across_teams()
        .filter(team__region=region, status=Status.ESCALATED)
        .annotate(answered=answered)
        .annotate(escalation_overdue=overdue, escalation_settled=settled)
        .select_related("team", "category", "owner")
        # Those still waiting first (past the target first), then those answered or taken up.
        .order_by("-escalation_overdue", "escalation_settled", "escalated_at", "pk")
    )


def escalation_waits(rows, *, region: Region) -> list[Bottleneck]:
    """Sets `waited_days` (working days since the escalation) and `target_days` (the region's
    promise) on each row of region_escalations."""
    today = timezone.localdate()
    rows = list(rows)
    for b in rows:
        b.waited_days = working_days_between(timezone.localdate(b.escalated_at), today) if b.escalated_at else 0
        b.target_days = region.escalation_response_days
    return rows


@dataclass
class PatternTeam:
    team: Team
    count: int


@dataclass
class Pattern:
    category: Category
    total: int
    teams: list[PatternTeam]

    @property
    def multi_team(self) -> bool:
        return len(self.teams) > 1


def region_patterns(*, region: Region, can_see_internal: bool) -> list[Pattern]:
    """Open items by category across the region's teams, in three queries whatever the numbers.
    A category open in several teams at once comes first."""
    teams = {team.pk: team for team in Team.objects.filter(region=region)}
    # Team ids rather than a join on the region, and COUNT(*): PostgreSQL then answers from the
    # (status, team, category) index alone, twice as fast on 100,000 rows.
    queryset = Bottleneck.objects.for_teams(teams).filter(status__in=OPEN_STATUSES)
    if not can_see_internal:
        queryset = queryset.filter(internal=False)
    rows = list(queryset.order_by().values_list("category_id", "team_id").annotate(n=Count("*")))
    categories = {c.pk: c for c in Category.objects.for_teams(teams).filter(pk__in={row[0] for row in rows})}
    by_category: dict[int, list[PatternTeam]] = {}
    for category_id, team_id, n in rows:
        if team_id in teams and category_id in categories:
            by_category.setdefault(category_id, []).append(PatternTeam(teams[team_id], n))
    patterns = [
        Pattern(
            categories[pk],
            sum(t.count for t in team_rows),
            sorted(team_rows, key=lambda t: (-t.count, t.team.name)),
        )
        for pk, team_rows in by_category.items()
    ]
    return sorted(patterns, key=lambda p: (-len(p.teams), -p.total, str(p.category.label)))


IMPACT_LABELS = dict(Impact.choices)


# --- "Mijn werk" (wijkverband.mywork): one person's bottlenecks across all their teams and regions --
# Each returns one queryset (one query, whatever the number of teams): the person's own rows and
# roles scope it, so these read across teams like the header's notice count.

_MY_WORK_RELATED = ("team__region", "category")


def _answered_since_escalation() -> Exists:
    return Exists(
        BottleneckEvent.objects.across_teams().filter(
            bottleneck=OuterRef("pk"),
            kind__in=[EventKind.REGION_RESPONDED, EventKind.REGION_TOOK_UP],
            at__gte=OuterRef("escalated_at"),
        )
    )


def ownership_asked_of(*, user) -> QuerySet[Bottleneck]:
    """Open items the person has been asked to own (and has not answered)."""
    return (
        Bottleneck.objects.across_teams()
        .filter(status__in=OPEN_STATUSES, owner_candidate=user, owner_requested_at__isnull=False)
        .select_related(*_MY_WORK_RELATED, "owner_requested_by")
    )


def ownership_awaited_by(*, user) -> QuerySet[Bottleneck]:
    """Open items whose owner the person asked for and who has not answered yet."""
    return (
        Bottleneck.objects.across_teams()
        .filter(status__in=OPEN_STATUSES, owner_requested_by=user, owner_candidate__isnull=False)
        .select_related(*_MY_WORK_RELATED, "owner_candidate")
    )


def owned_by(*, user) -> QuerySet[Bottleneck]:
    """Open items the person owns, with their due dates."""
    return (
        Bottleneck.objects.across_teams().filter(status__in=OPEN_STATUSES, owner=user).select_related(*_MY_WORK_RELATED)
    )


#: Someone who owned the item, or was asked to, left the team or was removed (membership_release), or
#: was given a role that owns nothing (rights_narrowed).
LET_GO_KINDS = (
    EventKind.OWNER_LEFT,
    EventKind.CANDIDATE_LEFT,
    EventKind.OWNER_REMOVED,
    EventKind.CANDIDATE_REMOVED,
    EventKind.OWNER_ROLE_CHANGED,
    EventKind.CANDIDATE_ROLE_CHANGED,
)


def let_go_by(*, bottleneck: Bottleneck) -> set[int]:
    """The people who left the team (or were removed) and let go of this item as its owner or the
    one asked to own it."""
    events = BottleneckEvent.objects.for_team(bottleneck.team_id).filter(bottleneck=bottleneck, kind__in=LET_GO_KINDS)
    return {actor_id for actor_id in events.values_list("actor_id", flat=True) if actor_id}


def let_go_needing_owner(*, team, user_id: int) -> bool:
    """Whether an open item this person let go of when they left still has nobody who owns it or is
    asked to."""
    let_go = BottleneckEvent.objects.for_team(team).filter(
        bottleneck=OuterRef("pk"), kind__in=LET_GO_KINDS, actor_id=user_id
    )
    return (
        Bottleneck.objects.for_team(team)
        .filter(Exists(let_go), status__in=OPEN_STATUSES, owner__isnull=True, owner_candidate__isnull=True)
        .exists()
    )


def unowned_past_target_for(*, user, today: date) -> QuerySet[Bottleneck]:
    """Open items of the teams the person coordinates that nobody owns or is asked to own, past
    their acceptance target, or let go by someone who left the team (at once: those had an owner, or
    someone asked, and the team was told so): the coordinators' to find an owner for (the hourly job
    and the leaving tell them, bottlenecks.notices; Mijn werk keeps them in view until someone owns
    the item or is asked to)."""
    coordinates = Membership.objects.across_teams().filter(
        team=OuterRef("team"), user=user, role=Membership.Role.COORDINATOR
    )
    let_go = BottleneckEvent.objects.across_teams().filter(bottleneck=OuterRef("pk"), kind__in=LET_GO_KINDS)
    return (
        Bottleneck.objects.across_teams()  # the person's own rows say which teams
        .filter(
            Exists(coordinates),
            Q(accept_due__lt=past_due_before(today)) | Exists(let_go),
            status__in=OPEN_STATUSES,
            owner__isnull=True,
            owner_candidate__isnull=True,
        )
        .select_related(*_MY_WORK_RELATED)
    )


def escalations_to_answer(*, user) -> QuerySet[Bottleneck]:
    """Escalated items of the teams of every region the person oversees that the region has not
    answered yet (the overseers' and administrators' queue)."""
    regions = RegionRole.objects.filter(user=user, role__in=[RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN]).values(
        "region_id"
    )
    return (
        Bottleneck.objects.across_teams()
        .filter(status=Status.ESCALATED, team__region__in=regions, taken_up_regionally=False)
        .exclude(_answered_since_escalation())
        .select_related(*_MY_WORK_RELATED)
    )


def escalated_by(*, bottleneck: Bottleneck) -> int | None:
    """Who made the item's latest escalation (they wait for the region's answer), or None."""
    return (
        BottleneckEvent.objects.for_team(bottleneck.team_id)
        .filter(bottleneck=bottleneck, kind=EventKind.ESCALATED)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def bottlenecks_answered_to(*, user, team_ids) -> QuerySet:
    """The ids of these teams' bottlenecks whose region's answer this person hears of as more than a
    coordinator (notices.region_answered): they own it, reported it, or escalated it."""
    escalated = (
        BottleneckEvent.objects.for_teams(list(team_ids))
        .filter(kind=EventKind.ESCALATED, actor=user)
        .values("bottleneck_id")
    )
    return (
        Bottleneck.objects.for_teams(list(team_ids))
        .filter(Q(owner=user) | Q(reporter=user) | Q(pk__in=escalated))
        .values("pk")
    )


def escalations_awaited_by(*, user) -> QuerySet[Bottleneck]:
    """Items the person escalated that the region has not answered yet."""
    mine = BottleneckEvent.objects.across_teams().filter(
        bottleneck=OuterRef("pk"), kind=EventKind.ESCALATED, actor=user, at__gte=OuterRef("escalated_at")
    )
    return (
        Bottleneck.objects.across_teams()
        .filter(status=Status.ESCALATED, taken_up_regionally=False)
        .filter(Exists(mine))
        .exclude(_answered_since_escalation())
        .select_related(*_MY_WORK_RELATED)
    )


def targets_of_teams(*, team_ids) -> dict[int, dict[int, tuple[int, int]]]:
    """team_targets for several teams at once (one query): {team id: {impact: (accept, resolve)}}."""
    found = {team_id: dict(DEFAULT_TARGETS) for team_id in team_ids}
    for row in ResponseTarget.objects.for_teams(list(team_ids)):
        found.setdefault(row.team_id, dict(DEFAULT_TARGETS))[row.impact] = (row.accept_days, row.resolve_days)
    return found


def escalation_overdue_before(*, region: Region, today: date | None = None) -> datetime:
    """Escalations made before this moment are past the region's answer target (in working days):
    they have waited more working days than the target, as the wait column counts them (on the
    Saturday after a Friday target "5 of 5 working days" is not yet past it; Monday is)."""
    today = today or timezone.localdate()
    day = today
    # The latest day from which more working days than the target have passed by today.
    while add_working_days(day, region.escalation_response_days + 1) > today:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# --- the region dashboard (wijkverband.dashboard): figures per team and per category --------------
# Each is one aggregate query over the region's teams (GROUP BY team or category), whatever the
# number of teams or items: tests assert the query count, bench/region_dashboard.py the time.

#: Age bands of open items, in days since reporting: under 30, 30 to 90, over 90.
AGE_BANDS = (30, 90)


@dataclass
class TeamBottleneckFigures:
    open: int = 0
    overdue: int = 0
    #: open items by age band (AGE_BANDS): young, middle, old
    young: int = 0
    middle: int = 0
    old: int = 0
    #: in the period
    reported: int = 0
    resolved: int = 0


def _age_filters(today: date) -> tuple[Q, Q, Q]:
    """Open items reported less than 30 days ago, 30 to 90 days ago, more than 90 days ago, in
    days as an item's page counts them (Bottleneck.age_days: today's date less the day it was
    reported): one reported on the day 30 days ago is 30 days old, not under 30."""
    young_from = timezone.make_aware(datetime.combine(today - timedelta(days=AGE_BANDS[0] - 1), time.min))
    old_before = timezone.make_aware(datetime.combine(today - timedelta(days=AGE_BANDS[1]), time.min))
    is_open = Q(status__in=OPEN_STATUSES)
    return (
        is_open & Q(created_at__gte=young_from),
        is_open & Q(created_at__lt=young_from, created_at__gte=old_before),
        is_open & Q(created_at__lt=old_before),
    )


def _dashboard_items(team_ids, *, include_internal: bool) -> QuerySet[Bottleneck]:
    queryset = Bottleneck.objects.for_teams(list(team_ids))
    return queryset if include_internal else queryset.filter(internal=False)


@dataclass
class CategoryFigures:
    category: Category
    open: int = 0
    overdue: int = 0
    #: in how many teams the category has open items
    teams: int = 0
    young: int = 0
    middle: int = 0
    old: int = 0


def region_bottleneck_figures(
    *, team_ids, include_internal: bool, start: datetime, end: datetime, today: date | None = None
) -> tuple[dict[int, TeamBottleneckFigures], list[CategoryFigures]]:
    """Per team ({team id: figures}) and per category (most open first): open, overdue and open by
    age now; per team also reported and resolved in [start, end). Internal items count only when
    include_internal (never for client representatives).

    One scan of the teams' items, grouped by (team, category), then two queries' worth of work in
    one: the few hundred groups are added up per team and per category here (rows of counts, not
    items). Two queries (the second reads the categories' names)."""
    today = today or timezone.localdate()
    young, middle, old = _age_filters(today)
    is_open = Q(status__in=OPEN_STATUSES)
    groups = list(
        _dashboard_items(team_ids, include_internal=include_internal)
        .order_by()
        .values("team_id", "category_id")
        .annotate(
            n_open=Count("pk", filter=is_open),
            n_overdue=Count("pk", filter=overdue_q(today)),
            n_young=Count("pk", filter=young),
            n_middle=Count("pk", filter=middle),
            n_old=Count("pk", filter=old),
            n_reported=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
            n_resolved=Count("pk", filter=Q(resolved_at__gte=start, resolved_at__lt=end)),
        )
    )
    teams = {team_id: TeamBottleneckFigures() for team_id in team_ids}
    open_categories = {g["category_id"] for g in groups if g["n_open"]}
    categories = {
        c.pk: CategoryFigures(category=c)
        for c in Category.objects.for_teams(list(team_ids)).filter(pk__in=open_categories)
    }
    for g in groups:
        figures = teams[g["team_id"]]
        figures.open += g["n_open"]
        figures.overdue += g["n_overdue"]
        figures.young += g["n_young"]
        figures.middle += g["n_middle"]
        figures.old += g["n_old"]
        figures.reported += g["n_reported"]
        figures.resolved += g["n_resolved"]
        category = categories.get(g["category_id"])
        if category is not None and g["n_open"]:
            category.open += g["n_open"]
            category.overdue += g["n_overdue"]
            category.teams += 1
            category.young += g["n_young"]
            category.middle += g["n_middle"]
            category.old += g["n_old"]
    return teams, sorted(categories.values(), key=lambda f: (-f.open, str(f.category.label)))


@dataclass
class TeamEscalationFigures:
    #: escalated, not answered or taken up yet
    waiting: int = 0
    #: of those, past the region's answer target
    overdue: int = 0
    #: when the longest waiting one was escalated (None: none waits)
    oldest: datetime | None = None
    #: in the period: escalations made, and the bottlenecks the region answered (responded, took up,
    #: handed back; answered twice counts once)
    escalated: int = 0
    answered: int = 0


def region_team_escalation_figures(
    *, region: Region, team_ids, include_internal: bool, start: datetime, end: datetime
) -> dict[int, TeamEscalationFigures]:
    """{team id: figures} of escalations: what waits for the region now (against its answer target)
    and, in [start, end), how many were escalated and answered. Two queries."""
    found = {team_id: TeamEscalationFigures() for team_id in team_ids}
    waiting = (
        _dashboard_items(team_ids, include_internal=include_internal)
        .filter(status=Status.ESCALATED, taken_up_regionally=False)
        .exclude(_answered_since_escalation())
        .order_by()
        .values("team_id")
        .annotate(
            n_waiting=Count("pk"),
            n_overdue=Count("pk", filter=Q(escalated_at__lt=escalation_overdue_before(region=region))),
            oldest=Min("escalated_at"),
        )
    )
    for row in waiting:
        figures = found[row["team_id"]]
        figures.waiting, figures.overdue, figures.oldest = row["n_waiting"], row["n_overdue"], row["oldest"]
    answers = [EventKind.REGION_RESPONDED, EventKind.REGION_TOOK_UP, EventKind.REGION_HANDED_BACK]
    events = BottleneckEvent.objects.for_teams(list(team_ids)).filter(
        at__gte=start, at__lt=end, kind__in=[EventKind.ESCALATED, *answers]
    )
    if not include_internal:
        events = events.filter(bottleneck__internal=False)
    for row in (
        events.order_by()
        .values("team_id")
        .annotate(
            n_escalated=Count("pk", filter=Q(kind=EventKind.ESCALATED)),
            # Bottlenecks answered: two replies to one escalation are one answer.
            n_answered=Count("bottleneck", filter=Q(kind__in=answers), distinct=True),
        )
    ):
        figures = found[row["team_id"]]
        figures.escalated, figures.answered = row["n_escalated"], row["n_answered"]
    return found


def region_escalations_waiting(*, region: Region, include_internal: bool, limit: int | None = 10) -> list[Bottleneck]:
    """The escalations that wait for the region's answer, past the target first, then the longest
    waiting, with `waited_days`, `target_days` and `escalation_overdue` set (one query; none for
    limit 0; limit None: all of them)."""
    rows = region_escalations(region=region).filter(answered=False, taken_up_regionally=False).select_related("team")
    if not include_internal:
        rows = rows.filter(internal=False)
    if limit == 0:
        return []
    return escalation_waits(rows if limit is None else rows[:limit], region=region)
