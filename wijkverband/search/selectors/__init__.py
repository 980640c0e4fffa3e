"""The search: one question, "what may this person read that matches these words?".

Who may read what is not decided here: each feature's own selector gives the items a person reads
in a set of teams, from that feature's policy (the same rule as its pages):

| kind | from | rule |
|---|---|---|
| agreement | agreements.selectors.readable_versions | who sees the team: every version; an external party: its own |
| bottleneck | bottlenecks.selectors.visible_bottlenecks_in | internal items only for professionals and overseers |
| message | threads.selectors.readable_messages | threads.policy (closed, internal threads); not deleted, current text |
| wijkcard | wijkcard.selectors.readable_entries | everyone who sees the team |
| socialmap | socialmap.selectors.entries_available_to | the team's own and its region's region-wide entries |

The teams are those where tenancy.policy.team_rights says the person sees the team. Matching the
words is `backend.matching` (PostgreSQL full text, or "contains" on SQLite): the one module a
search cluster would replace. Every count shown is a count of these filtered rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.agreements import selectors as agreements
from wijkverband.agreements.models import Status as AgreementStatus
from wijkverband.bottlenecks import selectors as bottlenecks
from wijkverband.bottlenecks.models import DONE_STATUSES, OPEN_STATUSES
from wijkverband.core.markdown import markdown_text
from wijkverband.core.textsearch.backend import corrected, full_text, matching, widened
from wijkverband.core.textsearch.query import Query, parse
from wijkverband.search.highlight import snippet
from wijkverband.socialmap import selectors as socialmap
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import rights_prefetch, team_rights
from wijkverband.tenancy.selectors import professional_users_of_teams
from wijkverband.threads import selectors as threads
from wijkverband.wijkcard import selectors as wijkcard

KINDS = ("agreement", "bottleneck", "message", "wijkcard", "socialmap")
KIND_LABELS = {
    "agreement": _("Agreements"),
    "bottleneck": _("Bottlenecks"),
    "message": _("Messages"),
    "wijkcard": _("Neighbourhood card"),
    "socialmap": _("Social map"),
}
STATUS_CHOICES = (("open", _("Open or in force")), ("done", _("Done or ended")))
#: Results of a kind on the overview (all kinds), and on a page of one kind.
OVERVIEW_ROWS, PAGE_ROWS = 5, 25
#: Counts stop here ("500+"): counting every match of a common word costs more than it tells.
COUNT_CAP = 500

#: Per kind: the date filtered on and shown, and who wrote it (None: the kind has no author).
_DATE = {
    "agreement": "created_at",
    "bottleneck": "created_at",
    "message": "created_at",
    "wijkcard": "updated_at",
    "socialmap": "updated_at",
}
_AUTHOR = {"agreement": "created_by_id", "bottleneck": "reporter_id", "message": "author_id"}


@dataclass
class Filters:
    q: str = ""
    kind: str = ""  # "" (all) or one of KINDS
    team: str = ""  # a team's slug; "" (or not one of the person's): all their teams
    author: int | None = None
    since: date | None = None
    until: date | None = None
    status: str = ""  # "", "open" or "done" (agreements and bottlenecks)
    page: int = 1


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: str
    team: str
    when: datetime | None = None
    who: str = ""
    note: str = ""
    title_html: str = ""  # the title with the matching words marked


@dataclass
class Group:
    kind: str
    hits: list[Hit]
    count: int  # capped at COUNT_CAP + 1

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


@dataclass
class Results:
    query: Query
    groups: list[Group] = field(default_factory=list)
    full_text: bool = True
    has_next: bool = False
    #: the page shown (one kind): the last one when the asked page is past the end
    page: int = 1

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


# --- whose teams -------------------------------------------------------------------------------


def readable_teams(*, user) -> list[Team]:
    """The teams the person reads something of (tenancy.policy.team_rights), by name: their own
    teams and those of the regions they hold a role in, as far as the policy lets them see the
    team; for an external party's account, the teams whose agreements it reads (only those)."""
    if not user.is_authenticated:
        return []
    candidates = list(
        Team.objects.filter(Q(memberships__user=user) | Q(region__roles__user=user))
        .select_related("region")
        .distinct()
        .order_by("name")
    )
    rights_prefetch(user=user, teams=candidates)
    return [team for team in candidates if team_rights(user=user, team=team).can_view_agreements]


def author_choices(*, user, teams: list[Team]) -> list[tuple[int, str]]:
    """The professionals of these teams (the people who write), by name; only of the teams the
    person sees (an external party reads a team's agreements, not who works in it)."""
    seen = [team for team in teams if team_rights(user=user, team=team).can_view]
    if not seen:
        return []
    people = professional_users_of_teams(teams=seen).only("pk", "name", "email")
    return sorted(((person.pk, person.name or person.email) for person in people), key=lambda item: item[1])


# --- the search --------------------------------------------------------------------------------


_RELATED = {
    "agreement": ("team", "agreement", "created_by"),
    "bottleneck": ("team", "reporter"),
    "message": ("team", "thread", "author"),
    "wijkcard": ("team", "organisation"),
    "socialmap": ("team", "region"),
}


def _readable(kind: str, rights_by_team: dict) -> QuerySet:
    if kind == "agreement":
        return agreements.readable_versions(rights_by_team=rights_by_team).select_related(
            "team", "agreement", "agreement__adopted_version", "created_by"
        )
    if kind == "bottleneck":
        return bottlenecks.visible_bottlenecks_in(rights_by_team=rights_by_team).select_related("team", "reporter")
    if kind == "message":
        return threads.readable_messages(rights_by_team=rights_by_team).select_related("team", "thread", "author")
    if kind == "wijkcard":
        return wijkcard.readable_entries(rights_by_team=rights_by_team).select_related("team", "organisation")
    return socialmap.entries_available_to(rights_by_team=rights_by_team).select_related("team", "region")


def _filtered(queryset: QuerySet, kind: str, filters: Filters) -> QuerySet | None:
    """The filters of the form; None when a filter rules the whole kind out."""
    if filters.author is not None:
        if kind not in _AUTHOR:
            return None
        queryset = queryset.filter(**{_AUTHOR[kind]: filters.author})
    if filters.status:
        if kind == "agreement":
            ended = Q(agreement__status=AgreementStatus.ENDED)
            queryset = queryset.filter(ended if filters.status == "done" else ~ended)
        elif kind == "bottleneck":
            queryset = queryset.filter(status__in=DONE_STATUSES if filters.status == "done" else OPEN_STATUSES)
        else:
            return None
    zone = timezone.get_current_timezone()
    if filters.since is not None:
        queryset = queryset.filter(**{f"{_DATE[kind]}__gte": datetime.combine(filters.since, time.min, zone)})
    if filters.until is not None:
        queryset = queryset.filter(**{f"{_DATE[kind]}__lte": datetime.combine(filters.until, time.max, zone)})
    return queryset


def _capped_count(queryset: QuerySet, column: str = "pk") -> int:
    return len(queryset.order_by().values_list(column, flat=True).distinct()[: COUNT_CAP + 1])


def _agreement_hits(matches: QuerySet, query: Query, offset: int, rows: int) -> list[Hit]:
    """One hit per agreement: the version in force when it matches, else the newest text, else the
    newest earlier version that matches (it says so). Of an ended agreement, in the words of its
    versions page: the version in force until the end, and a newest version that was never adopted
    (linked to its comparison with the version in force, where its text is shown: the agreement's
    page shows the version in force)."""
    preference = Case(
        When(pk=F("agreement__adopted_version_id"), then=Value(2)),
        When(pk=F("agreement__current_version_id"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    ranked = (
        matches.annotate(preference=preference)
        .order_by()
        .values("agreement_id")
        .annotate(best=Max("preference"), top=Max("search_rank"))
        .order_by("-best", "-top", "-agreement_id")[offset : offset + rows]
    )
    order = [row["agreement_id"] for row in ranked]
    chosen = {}
    for version in matches.filter(agreement_id__in=order).annotate(preference=preference):
        best = chosen.get(version.agreement_id)
        if best is None or (version.preference, version.number) > (best.preference, best.number):
            chosen[version.agreement_id] = version
    hits = []
    for agreement_id in order:
        v = chosen[agreement_id]
        url = reverse("agreement_detail", kwargs={"team_slug": v.team.slug, "agreement_id": agreement_id})
        ended = v.agreement.status == AgreementStatus.ENDED
        if v.preference == 2:
            note = _("In force until the end") if ended else _("In force")
        elif v.preference == 1 and v.agreement.ended_with_pending_version:
            compare = reverse("agreement_compare", kwargs={"team_slug": v.team.slug, "agreement_id": agreement_id})
            in_force = v.agreement.adopted_version.number
            url = f"{compare}?a={in_force}&b={v.number}"
            note = _("Never adopted (version %(number)s)") % {"number": v.number}
        elif v.preference == 1:
            note = v.agreement.get_status_display()
        else:
            url = reverse("agreement_versions", kwargs={"team_slug": v.team.slug, "agreement_id": agreement_id})
            note = _("An earlier text (version %(number)s)") % {"number": v.number}
        # The need and the text are Markdown (agreements/detail.html renders them): a snippet reads as they show.
        text = " ".join([
            markdown_text(v.need), markdown_text(v.body),
            v.gain_quality, v.gain_accessibility, v.gain_affordability, v.change_note,
        ])  # fmt: skip
        hits.append(
            Hit(
                kind="agreement",
                title=v.title,
                url=url,
                snippet=snippet(f"{v.title} {text}", query.marks),
                team=v.team.name,
                when=v.created_at,
                who=_name(v.created_by),
                note=note,
            )
        )
    return hits


def _name(user) -> str:
    return (user.name or user.email) if user is not None else ""


def _hit(kind: str, row, query: Query, teams_by_region: dict) -> Hit:
    if kind == "bottleneck":
        url = reverse("bottleneck_detail", kwargs={"team_slug": row.team.slug, "bottleneck_id": row.pk})
        text = f"{markdown_text(row.description)} {markdown_text(row.resolution_summary)}"
        return Hit(
            kind, row.title, url, snippet(text, query.marks) if text.strip() else "", row.team.name,
            row.created_at, _name(row.reporter), row.get_status_display(),
        )  # fmt: skip
    if kind == "message":
        url = reverse("thread_detail", kwargs={"team_slug": row.team.slug, "thread_id": row.thread_id})
        url = f"{url}?at={row.seq}#message-{row.pk}"
        return Hit(
            kind, row.thread.title, url, snippet(markdown_text(row.body), query.marks), row.team.name, row.created_at,
            _name(row.author),
        )  # fmt: skip
    if kind == "wijkcard":
        url = reverse("wijkcard", kwargs={"team_slug": row.team.slug}) + f"?entry={row.pk}"
        text = f"{row.contact_point} {row.notes} {row.lead_arrangement}"
        return Hit(kind, row.title, url, snippet(text, query.marks), row.team.name, row.updated_at)
    # socialmap: a region-wide entry is opened on the kaart of one of the person's teams in its region.
    team = row.team or teams_by_region[row.region_id]
    url = reverse("socialmap_detail", kwargs={"team_slug": team.slug, "entry_id": row.pk})
    where = row.team.name if row.team_id else row.region.name
    return Hit(
        kind, row.name, url, snippet(f"{row.description} {row.place}", query.marks), where, row.updated_at,
        note=row.get_kind_display(),
    )  # fmt: skip


def _page_rows(matches: QuerySet, kind: str, offset: int, rows: int) -> list:
    """The page's rows: first their ids, ranked, without the joins (so only the rows shown are
    joined to their team, thread and author, not every match), then the rows (two queries)."""
    ids = list(
        matches.order_by("-search_rank", f"-{_DATE[kind]}", "-pk")
        .select_related(None)
        .values_list("pk", flat=True)[offset : offset + rows]
    )
    if not ids:
        return []
    # The ids come from the person's readable rows above; these are those rows with their relations.
    shown = matches.model.objects.across_teams().filter(pk__in=ids).select_related(*_RELATED[kind])
    by_id = {row.pk: row for row in shown}
    return [by_id[pk] for pk in ids]


def _found(kinds, rights_by_team, filters: Filters, query: Query) -> list[tuple]:
    """(kind, its matching rows, their count capped) for each kind with a match."""
    found = []
    for kind in kinds:
        queryset = _filtered(_readable(kind, rights_by_team), kind, filters)
        if queryset is None:
            continue
        matches = matching(queryset, kind=kind, query=query)
        count = _capped_count(matches, "agreement_id" if kind == "agreement" else "pk")
        if count:
            found.append((kind, matches, count))
    return found


def search(*, user, filters: Filters, teams: list[Team] | None = None) -> Results:
    """What the person may read that matches, grouped by kind (all kinds, or one kind a page at a time).

    `teams`: the person's readable teams when the caller already has them (readable_teams)."""
    query = parse(filters.q)
    results = Results(query=query, full_text=full_text())
    if not query:
        return results
    teams = readable_teams(user=user) if teams is None else teams
    chosen = [t for t in teams if t.slug == filters.team] or teams
    rights_by_team = {team.pk: team_rights(user=user, team=team) for team in chosen}
    if not rights_by_team:
        return results
    query = widened(query)  # the compounds that end in a word (PostgreSQL's word list)
    teams_by_region = {}
    for team in chosen:
        teams_by_region.setdefault(team.region_id, team)
    one_kind = filters.kind in KINDS
    rows = PAGE_ROWS if one_kind else OVERVIEW_ROWS
    results.page = max(filters.page, 1) if one_kind else 1
    kinds = [filters.kind] if one_kind else list(KINDS)
    found = _found(kinds, rights_by_team, filters, query)
    if not found and (typo := corrected(query)):
        # Nothing as written anywhere: perhaps a typo. Again with the most similar known words
        # (PostgreSQL's word list), marked in the results as the words found.
        query = typo
        found = _found(kinds, rights_by_team, filters, query)
    if one_kind and found:
        # A page past the end (an old link, a hand-typed ?page=5 of two): the last page, not a
        # count above an empty list.
        results.page = min(results.page, max(1, -(-found[0][2] // rows)))
    offset = (results.page - 1) * rows if one_kind else 0
    for kind, matches, count in found:
        if kind == "agreement":
            hits = _agreement_hits(matches, query, offset, rows)
        else:
            hits = [_hit(kind, row, query, teams_by_region) for row in _page_rows(matches, kind, offset, rows)]
        for hit in hits:
            hit.title_html = snippet(hit.title, query.marks)
        results.groups.append(Group(kind=kind, hits=hits, count=count))
        if one_kind:
            results.has_next = count > offset + rows
    return results
