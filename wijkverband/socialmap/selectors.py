"""Reads of the sociale kaart. Every read names its team or region (EntryManager.for_team /
for_region); the few that span teams (the daily check, a person's own entries) say why."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.core.freshness import stale_before
from wijkverband.core.sorting import name_order
from wijkverband.core.textsearch import text_matching
from wijkverband.socialmap.models import REGION_RECONFIRM_MONTHS, Entry, Kind, Suggestion
from wijkverband.tenancy.models import Membership, Region, RegionRole, Team
from wijkverband.tenancy.selectors import PROFESSIONAL_ROLES, team_professional_users

#: Team.reconfirm_months lies between these (its validators).
MONTHS = range(1, 25)

RELATED = ("team", "region", "maintainer", "confirmed_by")
#: How "Mijn werk" names an entry of the person's that is due to be confirmed again.
RECONFIRM_LABEL = _("Confirm again")


def _freshness_q(today: date, *, lookup: str) -> Q:
    """Entries whose confirmation is `lookup` ("lt": stale, "lte": due) their team's interval ago.

    One condition per possible interval (1 to 24 months) and one for region-wide entries: the
    interval is a column of the team, and month arithmetic is not portable SQL."""
    condition = Q(team__isnull=True, **{f"confirmed_on__{lookup}": stale_before(REGION_RECONFIRM_MONTHS, today)})
    for months in MONTHS:
        condition |= Q(team__reconfirm_months=months, **{f"confirmed_on__{lookup}": stale_before(months, today)})
    return condition


def stale_q(today: date | None = None) -> Q:
    """Past the date they should have been confirmed again."""
    return _freshness_q(today or timezone.localdate(), lookup="lt")


def due_q(today: date | None = None) -> Q:
    """Due to be confirmed again: the due date is today or has passed."""
    return _freshness_q(today or timezone.localdate(), lookup="lte")


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    kind: str = ""
    #: "": everything; "team": the team's own; "region": region-wide; or a team id (region lists)
    scope: str = ""
    dementia_friendly: bool = False
    wheelchair_accessible: bool = False
    free: bool = False
    public: bool = False
    stale: bool = False

    @property
    def any(self) -> bool:
        return self != ListFilters()


def _filtered(queryset: QuerySet, filters: ListFilters, *, team: Team | None = None) -> QuerySet:
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.scope == "region":
        queryset = queryset.filter(team__isnull=True)
    elif filters.scope == "team" and team is not None:
        queryset = queryset.filter(team_id=team.pk)
    elif filters.scope.isdigit():
        queryset = queryset.filter(team_id=int(filters.scope))
    if filters.dementia_friendly:
        queryset = queryset.filter(dementia_friendly=True)
    if filters.wheelchair_accessible:
        queryset = queryset.filter(wheelchair_accessible=True)
    if filters.free:
        queryset = queryset.filter(cost="free")
    if filters.public:
        queryset = queryset.filter(public=True)
    if filters.stale:
        queryset = queryset.filter(stale_q())
    # The words as the site's search reads them (core/textsearch): the same entries for the same words.
    return text_matching(queryset, kind="socialmap", text=filters.q)


def team_entries(*, team: Team, filters: ListFilters = ListFilters()) -> QuerySet[Entry]:
    """The team's kaart: its own entries and its region's region-wide ones, by name ("'t Hoekje" under H)."""
    return _filtered(Entry.objects.for_team(team), filters, team=team).order_by(*Entry._meta.ordering)


#: At most this many same-named entries are linked beside a new one's name (core.same_name).
SAME_NAME_LIMIT = 5


def same_name_entries(*, team: Team | None, region: Region, name: str, renamed: Entry | None = None) -> list[Entry]:
    """The entries with this name, case aside, on the kaart a new one is added to (a team's: its
    own and the region-wide ones; the region's: all of the region's, as its list shows them): a new
    one would be a second (core.same_name). Never another team's or region's. `renamed`: the entry
    given this name, which is no second of itself."""
    entries = Entry.objects.for_team(team) if team is not None else Entry.objects.for_region(region)
    found = entries.filter(name__iexact=name.strip()).select_related("team")
    if renamed is not None:
        found = found.exclude(pk=renamed.pk)
    return list(found.order_by("name", "id")[:SAME_NAME_LIMIT])


def region_entries(*, region: Region, filters: ListFilters = ListFilters()) -> QuerySet[Entry]:
    """The region's kaart: region-wide entries and those of every team of the region, by name."""
    return _filtered(Entry.objects.for_region(region), filters).order_by(*Entry._meta.ordering)


def entries_available_to(*, rights_by_team: dict) -> QuerySet[Entry]:
    """The entries on the kaart of each team (team id → TeamRights) the person sees: the team's own
    and its region's region-wide ones (EntryManager, the same rule as the team's kaart). For the search."""
    team_ids = [team_id for team_id, rights in rights_by_team.items() if rights.can_view]
    return Entry.objects.for_teams(team_ids)


def entries_in_order(*, queryset: QuerySet[Entry], ids: list[int]) -> list[Entry]:
    """One page's entries with what the list shows of them, in the page's order."""
    rows = {entry.pk: entry for entry in queryset.filter(pk__in=ids).select_related(*RELATED)}
    return [rows[pk] for pk in ids if pk in rows]


def region_teams(*, region: Region) -> list[Team]:
    return list(Team.objects.filter(region=region).order_by("name"))


def region_admin_users(*, region_id: int) -> QuerySet:
    """The region's administrators (they keep the region-wide entries), by name."""
    admins = RegionRole.objects.filter(region_id=region_id, role=RegionRole.Role.ADMIN, user__is_active=True)
    return get_user_model().objects.filter(pk__in=admins.values("user_id")).order_by("name")


def maintainer_choices(*, team: Team | None, region: Region) -> QuerySet:
    """Who may be responsible for an entry: the team's professionals, or the region's administrators."""
    if team is not None:
        return team_professional_users(team=team).filter(is_active=True)
    return region_admin_users(region_id=region.pk)


def first_team(*, region_id: int) -> Team | None:
    """The team a region-wide entry's notices are filed under (a notice belongs to a team)."""
    return Team.objects.filter(region_id=region_id).order_by("pk").first()


def team_coordinator_users(*, team: Team) -> list[int]:
    from wijkverband.tenancy.selectors import team_coordinator_ids

    return sorted(team_coordinator_ids(team=team))


# --- suggestions ----------------------------------------------------------------------------------


def entry_suggestions(*, entry: Entry, user, can_handle: bool) -> list[Suggestion]:
    """On the entry's page: all its suggestions for those who keep it, else the person's own."""
    rows = Suggestion.objects.for_region(entry.region_id).filter(entry=entry).select_related("author", "handled_by")
    if not can_handle:
        rows = rows.filter(author=user)
    return list(rows.order_by("-created_at", "-pk")[:50])


def open_suggestion_count(*, entry: Entry) -> int:
    return Suggestion.objects.for_region(entry.region_id).filter(entry=entry, status="open").count()


# --- freshness: the daily check and "Mijn werk" ---------------------------------------------------


def entries_due(*, today: date) -> list[Entry]:
    """Every entry due to be confirmed again, in all teams and regions: the daily check runs for all."""
    return list(Entry.objects.across_teams().filter(due_q(today)).select_related("team", "region").order_by("pk"))


def reconfirm_due_for(*, user) -> QuerySet[Entry]:
    """The person's own entries (they are responsible) that are due: scoped by the person."""
    return Entry.objects.across_teams().filter(due_q(), maintainer=user).select_related("team", "region")


#: What Mijn werk calls an open suggested correction on an entry the person keeps.
CORRECTION_LABEL = _("Suggested correction")


def corrections_asked_of(*, user) -> QuerySet[Suggestion]:
    """Open suggested corrections on the entries the person keeps (the notice goes to them), while
    they may still answer them: a member or coordinator of the entry's team, or an administrator of
    its region for a region-wide entry (policy.may_edit). Scoped by the person."""
    in_team = Membership.objects.across_teams().filter(  # the person's own rows
        team=OuterRef("entry__team"), user=user, role__in=PROFESSIONAL_ROLES
    )
    region_admin = RegionRole.objects.filter(region=OuterRef("entry__region"), user=user, role=RegionRole.Role.ADMIN)
    return (
        Suggestion.objects.across_teams()  # the person's own entries, in every team and region
        .filter(status=Suggestion.Status.OPEN, entry__maintainer=user)
        .filter(Q(Exists(in_team), entry__team__isnull=False) | Q(Exists(region_admin), entry__team__isnull=True))
        .select_related("entry__team", "entry__region", "author")
    )


# --- the region's table of teams ------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    entries: int = 0
    meeting_places: int = 0
    stale: int = 0


def team_coverage(*, teams) -> dict[int, Coverage]:
    """Per team: the entries on its kaart (its own and its region's region-wide ones), how many are
    meeting places and how many are stale. Two queries, whatever the number of teams."""
    teams = list(teams)
    if not teams:
        return {}
    counts = {
        "n": Count("pk"),
        "meeting": Count("pk", filter=Q(kind=Kind.MEETING_PLACE)),
        "stale": Count("pk", filter=stale_q()),
    }
    own = {
        row["team_id"]: row
        for row in Entry.objects.for_teams([t.pk for t in teams])
        .filter(team__isnull=False)
        .values("team_id")
        .annotate(**counts)
        .order_by()
    }
    regional = {
        row["region_id"]: row
        for row in Entry.objects.across_teams()  # the region-wide rows of these teams' regions
        .filter(team__isnull=True, region_id__in={t.region_id for t in teams})
        .values("region_id")
        .annotate(**counts)
        .order_by()
    }
    empty = {"n": 0, "meeting": 0, "stale": 0}
    found = {}
    for team in teams:
        a, b = own.get(team.pk, empty), regional.get(team.region_id, empty)
        found[team.pk] = Coverage(a["n"] + b["n"], a["meeting"] + b["meeting"], a["stale"] + b["stale"])
    return found


# --- the public postcode lookup -------------------------------------------------------------------


#: Entries the public lookup shows per team: a kaart of 10,000 public rows made one lookup 7 MB
#: and 6 s of a worker, open to anyone.
PUBLIC_LIMIT = 60


@dataclass
class PublicEntries:
    entries: list
    total: int
    #: [(the kind's label, how many of it are not shown)], in the kinds' order
    more_by_kind: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.entries)


#: The kinds in the order of their choices (meeting places first), not of their codes.
_KIND_ORDER = {kind: place for place, kind in enumerate(Kind.values)}


def _public_order(entry) -> tuple:
    """By kind, then by name as people read it: "aardig" before "Zorgcafé", "Éénhoorn" among the E's,
    "'t Hoekje" among the H's (core/sorting.py)."""
    return (_KIND_ORDER.get(entry.kind, len(_KIND_ORDER)), *name_order(entry.name), entry.pk)


def public_entries(*, teams) -> dict[int, PublicEntries]:
    """Per team: PUBLIC_LIMIT of the public entries of the team and the public region-wide ones of
    its region, shared fairly among the kinds (each kind's first by name in turn: a cut by kind and
    name left out every Welzijn op Recept offer of a kaart with many activities), shown by kind and
    name, and how many of each kind are not shown.

    One query: at most PUBLIC_LIMIT rows of each kind of each team and region are read, with their
    counts. Nothing about people is read (no maintainer, no confirmed_by)."""
    teams = list(teams)
    if not teams:
        return {}
    owner = [F("team_id"), F("region_id")]  # a team's own rows, or its region's (team NULL)
    rows = list(
        Entry.objects.across_teams()  # public rows of exactly these teams and their regions
        .filter(public=True)
        .filter(Q(team_id__in=[t.pk for t in teams]) | Q(team__isnull=True, region_id__in={t.region_id for t in teams}))
        .only(
            "pk",
            "team_id",
            "region_id",
            "kind",
            "name",
            "description",
            "street",
            "postcode",
            "place",
            "opening_hours",
            "dementia_friendly",
            "wheelchair_accessible",
            "cost",
            "price",
            "phone",
            "email",
            "website",
        )  # fmt: skip
        .annotate(
            # By the sort key, as the page sorts what it shows: by Lower("name") "Ácht uur wandelen"
            # came after "Zorgcafé" and fell out of the cut, and "'t Hoekje" came first.
            place_in_kind=Window(
                RowNumber(), partition_by=[*owner, F("kind")], order_by=[F("sort_name"), F("name"), F("pk")]
            ),
            kind_total=Window(Count("pk"), partition_by=[*owner, F("kind")]),
        )
        .filter(place_in_kind__lte=PUBLIC_LIMIT)
        .order_by()
    )
    own: dict[int, list[Entry]] = defaultdict(list)
    wide: dict[int, list[Entry]] = defaultdict(list)
    for entry in rows:
        (own[entry.team_id] if entry.team_id is not None else wide[entry.region_id]).append(entry)
    labels = dict(Kind.choices)
    found = {}
    for team in teams:
        both = own.get(team.pk, []) + wide.get(team.region_id, [])
        if not both:
            continue
        # Each kind's first, then each kind's second, …: every kind is seen before any fills the page.
        both.sort(key=lambda e: (e.place_in_kind, _public_order(e)))
        shown = sorted(both[:PUBLIC_LIMIT], key=_public_order)
        totals: dict[str, int] = defaultdict(int)
        for part in (own.get(team.pk, []), wide.get(team.region_id, [])):
            for kind, total in {e.kind: e.kind_total for e in part}.items():
                totals[kind] += total
        shown_by_kind: dict[str, int] = defaultdict(int)
        for entry in shown:
            shown_by_kind[entry.kind] += 1
        more_by_kind = [
            (labels.get(kind, kind), totals[kind] - shown_by_kind[kind])
            for kind in sorted(totals, key=lambda k: _KIND_ORDER.get(k, len(_KIND_ORDER)))
            if totals[kind] > shown_by_kind[kind]
        ]
        found[team.pk] = PublicEntries(entries=shown, total=sum(totals.values()), more_by_kind=more_by_kind)
    return found


def region_wide_count(*, region: Region) -> int:
    return Entry.objects.region_wide(region).count()


def suggestion_teams(entry: Entry) -> list[Team]:
    """The teams the suggestions to `entry` were made on (a region-wide entry's, each on a team of
    the region); their notices are filed under them (socialmap.notices.removed)."""
    made_on = Suggestion.objects.for_region(entry.region_id).filter(entry=entry, team__isnull=False)
    return [suggestion.team for suggestion in made_on.select_related("team")]
