"""Reads for "Mijn werk": everything that waits on one person, across all their teams and regions.

This app sits above the feature apps (docs/architecture.md) because it gathers their work; each
feature answers its own part in its selectors (one queryset each, scoped by the person's own rows):

| section | kind | from |
|---|---|---|
| asked of me | endorse | agreements.selectors.endorsements_asked_of |
| | own | bottlenecks.selectors.ownership_asked_of |
| | confirm | threads.selectors.confirmations_asked_of |
| | respond (overseers) | bottlenecks.selectors.escalations_to_answer |
| | correction | wijkcard.selectors.corrections_asked_of |
| | map_correction | socialmap.selectors.corrections_asked_of |
| | signal (coordinators) | signals.selectors.to_triage_for |
| mine | owned | bottlenecks.selectors.owned_by |
| | review | agreements.selectors.reviews_due_for |
| | reconfirm | wijkcard.selectors.reconfirm_due_for |
| | map_reconfirm | socialmap.selectors.reconfirm_due_for |
| | regional | regional.selectors.owned_items |
| | signal_answer (representatives) | signals.selectors.answers_unread_by |
| waiting on others | endorsements | agreements.selectors.endorsements_awaited_by |
| | ownership | bottlenecks.selectors.ownership_awaited_by |
| | escalation | bottlenecks.selectors.escalations_awaited_by |
| | suggestion | wijkcard.selectors.suggestions_awaited_by |
| | signal_waiting (representatives) | signals.selectors.awaited_by |

The page costs the same number of queries whatever the number of teams and of items of a kind
(but for a kind with more items than the page shows, which also counts them: one query more):
one that says which kinds the person has anything of (kinds_with_items), one per such kind the
person's roles allow (Roles), one for those roles, the team filter's choices, one for the teams'
response targets; the kinds that depend on the date (reviews due, entries due to be confirmed
again) are always asked.
The header's count is one query.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from wijkverband.agreements import selectors as agreements
from wijkverband.agreements.notices import ENDORSEMENT_REMINDER_DAYS
from wijkverband.bottlenecks import selectors as bottlenecks
from wijkverband.core import rows
from wijkverband.core.workdays import add_working_days, past_due, working_days_between
from wijkverband.regional import selectors as regional
from wijkverband.signals import selectors as signals
from wijkverband.socialmap import selectors as socialmap
from wijkverband.tenancy.models import Membership, RegionRole, Team
from wijkverband.tenancy.selectors import PROFESSIONAL_ROLES, user_region_roles
from wijkverband.threads import selectors as threads
from wijkverband.wijkcard import selectors as wijkcard
from wijkverband.work.selectors import newest_notice_id

logger = logging.getLogger(__name__)

#: Working days an organisation has to endorse or decline: the reminders' interval, one number.
ENDORSEMENT_TARGET_DAYS = ENDORSEMENT_REMINDER_DAYS
#: At most this many items of one kind are shown (the oldest first); the page says how many more.
KIND_LIMIT = 25

ASKED, MINE, WAITING = "asked", "mine", "waiting"
#: Kinds the person owns: they are open, not waiting on them (WorkItem.age).
OWNED_KINDS = frozenset({"owned", "regional"})
#: Sorts after every moment (an item without one).
_LATEST = datetime.max.replace(tzinfo=UTC)

KIND_LABELS = {
    "endorse": _("Endorse"),
    "own": _("Asked to own"),
    "confirm": _("Confirm"),
    "respond": _("Answer for the region"),
    "owned": _("You own it"),
    "unowned": _("No owner yet"),
    "review": _("Review"),
    "map_reconfirm": socialmap.RECONFIRM_LABEL,
    "map_correction": socialmap.CORRECTION_LABEL,
    "endorsements": _("Awaiting endorsements"),
    "ownership": _("Awaiting an owner"),
    "escalation": _("Awaiting the region"),
    **wijkcard.WORK_KIND_LABELS,
    **regional.WORK_KIND_LABELS,
    "signal": _("Signal to answer"),
    "signal_answer": _("Your signal was answered"),
    "signal_waiting": _("Your signal"),
}


#: The section each kind shows in (the items carry it too; a kind with items left out has none shown
#: on the page to say it).
KIND_SECTIONS = {
    **dict.fromkeys(("endorse", "own", "confirm", "respond", "correction", "map_correction", "signal"), ASKED),
    **dict.fromkeys(("owned", "unowned", "review", "reconfirm", "map_reconfirm", "regional", "signal_answer"), MINE),
    **dict.fromkeys(("endorsements", "ownership", "escalation", "suggestion", "signal_waiting"), WAITING),
}


@dataclass(frozen=True)
class Roles:
    """The roles a kind of work needs, as far as they decide whether it can have any item for this
    person (anywhere, or in one team). Each kind's selector scopes by these roles itself; a kind the
    roles rule out is not asked at all, which spares its query (most people hold one or two roles).
    Kinds that follow from what the person did or owns (their bottlenecks, agreements, signals,
    suggestions) are always asked: they outlive a change of role."""

    #: a member, coordinator or external party: endorsements are asked of their organisation
    decides: bool = True
    #: a member or coordinator: confirmations, wijk card corrections and confirmations
    professional: bool = True
    #: a coordinator: client representatives' signals to answer
    coordinates: bool = True
    #: a region's overseer or administrator: escalations to answer, regional items
    oversees: bool = True

    @classmethod
    def from_rights(cls, rights) -> "Roles":
        """From the person's rights in one team (a team page has them already: no query)."""
        return cls(
            decides=rights.can_endorse,
            professional=rights.can_contribute,
            coordinates=rights.can_coordinate,
            oversees=rights.can_oversee,
        )


_DECIDING = {Membership.Role.MEMBER, Membership.Role.COORDINATOR, Membership.Role.EXTERNAL_PARTY}
_OVERSEEING = {RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN}


def roles_of(*, user, team=None) -> Roles:
    """The person's roles in all their teams and regions (or in one team and its region): one query."""
    memberships = Membership.objects.across_teams().filter(user=user)  # the person's own rows
    region_roles = RegionRole.objects.filter(user=user)
    if team is not None:
        memberships = memberships.filter(team=team)
        region_roles = region_roles.filter(region_id=team.region_id)
    rows = (
        memberships.order_by()
        .values_list(Value("team"), "role")
        .union(region_roles.order_by().values_list(Value("region"), "role"))
    )
    held = set(rows)
    team_roles = {role for where, role in held if where == "team"}
    return Roles(
        decides=bool(team_roles & _DECIDING),
        professional=bool(team_roles & set(PROFESSIONAL_ROLES)),
        coordinates=Membership.Role.COORDINATOR in team_roles,
        oversees=any(where == "region" and role in _OVERSEEING for where, role in held),
    )


@dataclass
class WorkItem:
    section: str  # ASKED, MINE or WAITING
    # endorse, own, confirm, respond, correction, map_correction, owned, unowned, review, reconfirm (wijk card),
    # map_reconfirm (sociale kaart), regional (a regional item you own), endorsements, ownership, escalation, suggestion
    kind: str
    team: object
    title: str
    url: str
    since: date | None = None  # when the wait began
    #: ... to the moment: of two items due the same day that began to wait the same day, the older
    #: comes first (they sorted by title: "Vraag 11, 12, …, 2, 20").
    started: datetime | None = None
    due: date | None = None  # the target date, when the kind has one
    today: date | None = None
    who: str = ""  # who asked, or whom it waits on (a name; never free text)
    # For the actions in place: the item's id and the version the form was built from.
    object_id: int | None = None
    version: int | None = None
    thread_id: int | None = None
    pending: int | None = None  # endorsements: parties that have not endorsed yet
    parties: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.team.pk}-{self.object_id}"

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    # Cached: templates and the sort read them several times per item.
    @cached_property
    def overdue(self) -> bool:
        """Past its target as its wait line counts it: more working days waited than the target
        ("Wacht 5 werkdagen (termijn: 5 werkdagen)" on the Saturday after a Friday target is not yet late). That
        is the rule of the item's own page and lists too (core.workdays.past_due): a bottleneck due
        on Friday was "te laat" on its page on Sunday and not here. A date that is not a wait's
        target (a review date) is past the day after."""
        if self.due is None:
            return False
        if self.since is not None:
            return past_due(self.due, self.today)
        return self.today > self.due

    @cached_property
    def waited_days(self) -> int | None:
        """Working days it has waited (since the ask), None when it is not a wait (a review date)."""
        return working_days_between(self.since, self.today) if self.since is not None else None

    @cached_property
    def target_days(self) -> int | None:
        if self.due is None or self.since is None:
            return None
        return working_days_between(self.since, self.due)

    @property  # not cached: it is in the language of the moment
    def age(self) -> str:
        """How long it has waited, against its target: "Wacht 3 werkdagen (termijn: 5 werkdagen)"; what the person
        owns is not waiting on them but open: "Staat 3 werkdagen open". No working day yet reads as
        the day it began ("Wacht sinds vandaag", "sinds zaterdag" when asked at the weekend), not
        "Wacht 0 werkdagen"."""
        owned, days = self.kind in OWNED_KINDS, self.waited_days
        if days == 0 and self.since >= self.today:
            said = gettext("Open since today") if owned else gettext("Waiting since today")
        elif days == 0:  # begun on a day off, at most a long weekend ago: its weekday says which
            day = {"day": date_format(self.since, "l")}
            said = (gettext("Open since %(day)s") if owned else gettext("Waiting since %(day)s")) % day
        elif owned:
            said = ngettext("Open for %(counter)s working day", "Open for %(counter)s working days", days) % {
                "counter": days
            }
        else:
            said = ngettext("Waiting %(counter)s working day", "Waiting %(counter)s working days", days) % {
                "counter": days
            }
        if self.target_days is None:
            return said
        # With its unit, as the dashboard says it: "Wacht sinds vandaag (termijn: 5)" left it to be guessed.
        target = ngettext("(target %(counter)s working day)", "(target %(counter)s working days)", self.target_days) % {
            "counter": self.target_days
        }
        return f"{said} {target}"

    @property  # not cached: it is in the language of the moment
    def wait_line(self) -> str:
        """The line under the title: how long it waited against its target, its date, who asked or
        is waited on, the endorsements missing. Made here rather than in the template: a heavy
        list shows hundreds of items, and four `blocktranslate` tags an item, each localising its
        numbers, were a quarter of the page's time (bench/my_work.py)."""
        parts = [self.age] if self.waited_days is not None else []
        if self.due:
            when = {"date": date_format(self.due)}
            parts.append((gettext("review date %(date)s") if self.kind == "review" else gettext("due %(date)s")) % when)
        if self.who:
            name = {"name": self.who}
            if self.section == WAITING:
                said = gettext("waiting on %(name)s")
            elif self.kind == "signal_answer":  # the coordinator who answered the person's signal
                said = gettext("answered by %(name)s")
            else:
                said = gettext("asked by %(name)s")
            parts.append(said % name)
        if self.pending is not None:
            parts.append(
                ngettext(
                    "%(pending)s of %(parties)s parties has not endorsed",
                    "%(pending)s of %(parties)s parties have not endorsed",
                    self.pending,
                )
                % {"pending": self.pending, "parties": self.parties}
            )
        return " · ".join(parts)

    @property
    def sort_key(self):
        return (
            not self.overdue,
            self.due or date.max,
            self.since or date.max,
            self.started or _LATEST,
            self.object_id or 0,
            self.title,
        )


@dataclass
class MyWork:
    asked: list[WorkItem] = field(default_factory=list)
    mine: list[WorkItem] = field(default_factory=list)
    waiting: list[WorkItem] = field(default_factory=list)
    #: (slug, name) of the teams the person can filter on
    teams: list[tuple[str, str]] = field(default_factory=list)
    #: {kind: items of it left out past KIND_LIMIT}
    left_out: dict[str, int] = field(default_factory=dict)
    #: whether the person is a professional somewhere, and whether they oversee a region (the
    #: empty sections speak to their roles: an overseer owns regional items, not bottlenecks)
    professional: bool = True
    oversees: bool = False

    @property
    def mine_empty(self) -> str:
        """What "Yours" says when it is empty: what the person could own, by their roles."""
        if self.professional and self.oversees:
            return gettext("You own no open bottleneck, no agreement that is due for review and no open regional item.")
        if self.professional:
            return gettext("You own no open bottleneck and no agreement that is due for review.")
        if self.oversees:
            return gettext("You own no open regional item.")
        return gettext("Nothing of yours waits right now.")

    @property
    def more(self) -> int:
        return sum(self.left_out.values())

    def _more_in(self, section: str) -> list[tuple[str, int]]:
        """(the kind's label, how many of it are left out) for a section's kinds with more."""
        return [
            (str(KIND_LABELS.get(kind, kind)), count)
            for kind, count in self.left_out.items()
            if count and KIND_SECTIONS.get(kind) == section
        ]

    @property
    def asked_more(self) -> list[tuple[str, int]]:
        return self._more_in(ASKED)

    @property
    def mine_more(self) -> list[tuple[str, int]]:
        return self._more_in(MINE)

    @property
    def waiting_more(self) -> list[tuple[str, int]]:
        return self._more_in(WAITING)

    @property
    def asked_total(self) -> int:
        """The section's items, those the page leaves out counted too ("Van jou (130)", not 50)."""
        return len(self.asked) + sum(count for _label, count in self.asked_more)

    @property
    def mine_total(self) -> int:
        return len(self.mine) + sum(count for _label, count in self.mine_more)

    @property
    def waiting_total(self) -> int:
        return len(self.waiting) + sum(count for _label, count in self.waiting_more)

    @property
    def total(self) -> int:
        return len(self.asked) + len(self.mine) + len(self.waiting)

    @property
    def overdue_count(self) -> int:
        return sum(item.overdue for item in self.asked + self.mine + self.waiting)


def _local(moment) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _name(user) -> str:
    return (user.name or user.email) if user is not None else ""


def _where_they_are(user) -> Q:
    """Items of the teams the person is in, or whose region they have a role in (and of no team: a
    region-wide social map entry). What follows from what they did (the bottlenecks they
    escalated, the agreements they own) outlives a change of role, but not their leaving the team:
    its pages are a 404 to them, and Mijn werk listed them with those links."""
    teams = Membership.objects.across_teams().filter(user=user).values("team_id")  # the person's own rows
    regions = RegionRole.objects.filter(user=user).values("region_id")
    return Q(team_id__in=teams) | Q(team__region_id__in=regions) | Q(team__isnull=True)


def _for_team(queryset: QuerySet, team, user) -> QuerySet:
    return queryset.filter(_where_they_are(user)) if team is None else queryset.filter(team=team)


def _agreement_url(a) -> str:
    return reverse("agreement_detail", kwargs={"team_slug": a.team.slug, "agreement_id": a.pk})


def _bottleneck_url(b) -> str:
    return reverse("bottleneck_detail", kwargs={"team_slug": b.team.slug, "bottleneck_id": b.pk})


def _entry_url(entry, team=None) -> str:
    url = reverse("wijkcard", kwargs={"team_slug": (team or entry.team).slug})
    return f"{url}#entry-{entry.pk}"


def _signal_url(s) -> str:
    return reverse("signal_detail", kwargs={"team_slug": s.team.slug, "signal_id": s.pk})


def _map_entry_url(e) -> str:
    """A social map entry's page, in its team's kaart or its region's."""
    if e.team_id is not None:
        return reverse("socialmap_detail", kwargs={"team_slug": e.team.slug, "entry_id": e.pk})
    return reverse("socialmap_region_detail", kwargs={"region_slug": e.region.slug, "entry_id": e.pk})


def _suggestion_url(s) -> str:
    return reverse("wijkcard_suggestion", kwargs={"team_slug": s.team.slug, "suggestion_id": s.pk})


#: What a kind the person's roles rule out adds: no items, none left out.
_NOTHING: tuple[list, int] = ([], 0)


def _limited(queryset: QuerySet, *order) -> tuple[list, int]:
    """The first KIND_LIMIT items of a kind, and how many more there are: counted (one more query)
    only when there are more ("Nog 1 item" was said of 58)."""
    rows = list(queryset.order_by(*order)[: KIND_LIMIT + 1])
    if len(rows) <= KIND_LIMIT:
        return rows, 0
    return rows[:KIND_LIMIT], queryset.order_by().count() - KIND_LIMIT


def gated_querysets(*, user) -> dict[str, QuerySet]:
    """Each kind of GATED_KINDS (in that order) and the feature's queryset of it for this person:
    the kinds whose query depends on the person alone, not on the date."""
    return {
        "endorse": agreements.endorsements_asked_of(user=user),
        "own": bottlenecks.ownership_asked_of(user=user),
        "confirm": threads.confirmations_asked_of(user=user),
        "respond": bottlenecks.escalations_to_answer(user=user),
        "correction": wijkcard.corrections_asked_of(user=user),
        "map_correction": socialmap.corrections_asked_of(user=user),
        "signal": signals.to_triage_for(user=user),
        "owned": bottlenecks.owned_by(user=user),
        "regional": regional.owned_items(user=user),
        "signal_answer": signals.answers_unread_by(user=user),
        "endorsements": agreements.endorsements_awaited_by(user=user),
        "ownership": bottlenecks.ownership_awaited_by(user=user),
        "escalation": bottlenecks.escalations_awaited_by(user=user),
        "suggestion": wijkcard.suggestions_awaited_by(user=user),
        "signal_waiting": signals.awaited_by(user=user),
    }


@rows.compiled
def _kinds_with_items(user_id: int) -> QuerySet:
    """Whether the person has anything of each kind of gated_querysets, in any team: one row of
    booleans, compiled once per process (core.rows.Compiled), like the header's count. It depends
    on the person only through their id, as a parameter (tests/mywork/test_roles.py holds it to
    that and to the selectors' own answers)."""
    kinds = gated_querysets(user=get_user_model()(pk=user_id))
    present = {kind: Exists(queryset.order_by()) for kind, queryset in kinds.items()}
    return get_user_model().objects.filter(pk=user_id).annotate(**present).values_list(*present)


#: The kinds _kinds_with_items answers for, in its order.
GATED_KINDS = (
    "endorse",
    "own",
    "confirm",
    "respond",
    "correction",
    "map_correction",
    "signal",
    "owned",
    "regional",
    "signal_answer",
    "endorsements",
    "ownership",
    "escalation",
    "suggestion",
    "signal_waiting",
)


def kinds_with_items(*, user) -> frozenset[str]:
    """The kinds of GATED_KINDS the person has any item of, in any team (one query).

    Most people have one or two kinds with items. Building each kind's queryset is most of what
    Mijn werk costs (the ORM compiles about 70 columns a query through select_related: 39 ms of a
    team home's 72 ms of CPU), so my_work first asks this, and builds and runs only those kinds."""
    row = rows.run(rows.Compiled(_kinds_with_items, user.pk))[0]
    return frozenset(kind for kind, present in zip(GATED_KINDS, row or (), strict=False) if present)


def my_work(*, user, team=None, asked_only: bool = False, roles: Roles | None = None) -> MyWork:
    """Everything that waits on the person (or only in one team), overdue first in each section.

    asked_only: only what is asked of them (the start page), without the other sections' queries.
    roles: the person's roles there, when the caller knows them (Roles.from_rights); else read
    in one query. A kind the roles rule out, or of which the person has nothing in any team
    (kinds_with_items), costs no query of its own."""
    today = timezone.localdate()
    work = MyWork()
    left = work.left_out
    roles = roles or roles_of(user=user, team=team)
    work.professional, work.oversees = roles.professional, roles.oversees
    present = kinds_with_items(user=user)

    def item(section, kind, obj_team, title, url, at=None, **values) -> WorkItem:
        """at: when the wait began (a moment); its day is the item's `since` unless given."""
        if at is not None:
            values.setdefault("since", _local(at))
        return WorkItem(
            section=section, kind=kind, team=obj_team, title=title, url=url, today=today, started=at, **values
        )

    # Asked of me -------------------------------------------------------------------------------
    rows, extra = (
        _limited(_for_team(agreements.endorsements_asked_of(user=user), team, user), "asked_at", "pk")
        if roles.decides and "endorse" in present
        else _NOTHING
    )
    left["endorse"] = extra
    for a in rows:
        since = _local(a.asked_at)
        work.asked.append(
            item(
                ASKED,
                "endorse",
                a.team,
                a.current_version.title,
                _agreement_url(a),
                since=since,
                at=a.asked_at,
                due=add_working_days(since, ENDORSEMENT_TARGET_DAYS),
                object_id=a.pk,
                version=a.version_count,
            )
        )
    owns, extra = (
        _limited(_for_team(bottlenecks.ownership_asked_of(user=user), team, user), "owner_requested_at", "pk")
        if "own" in present
        else _NOTHING
    )
    left["own"] = extra
    waits, extra = (
        _limited(_for_team(bottlenecks.ownership_awaited_by(user=user), team, user), "owner_requested_at", "pk")
        if "ownership" in present and not asked_only
        else _NOTHING
    )
    left["ownership"] = extra
    targets = bottlenecks.targets_of_teams(team_ids={b.team_id for b in owns + waits}) if owns or waits else {}
    for b in owns:
        since = _local(b.owner_requested_at)
        work.asked.append(
            item(
                ASKED,
                "own",
                b.team,
                b.title,
                _bottleneck_url(b),
                since=since,
                at=b.owner_requested_at,
                due=add_working_days(since, targets[b.team_id][b.impact][0]),
                who=_name(b.owner_requested_by),
                object_id=b.pk,
                version=b.version,
            )
        )
    rows, extra = (
        _limited(_for_team(threads.confirmations_asked_of(user=user), team, user), "created_at", "pk")
        if roles.professional and "confirm" in present
        else _NOTHING
    )
    left["confirm"] = extra
    for m in rows:
        url = reverse("thread_detail", kwargs={"team_slug": m.team.slug, "thread_id": m.thread_id})
        work.asked.append(
            item(
                ASKED,
                "confirm",
                m.team,
                m.thread.title,
                f"{url}?at={m.seq}#message-{m.pk}",
                at=m.created_at,
                who=_name(m.author),
                object_id=m.pk,
                thread_id=m.thread_id,
            )
        )
    rows, extra = (
        _limited(_for_team(bottlenecks.escalations_to_answer(user=user), team, user), "escalated_at", "pk")
        if roles.oversees and "respond" in present
        else _NOTHING
    )
    left["respond"] = extra
    for b in rows:
        since = _local(b.escalated_at)
        work.asked.append(
            item(
                ASKED,
                "respond",
                b.team,
                b.title,
                _bottleneck_url(b),
                since=since,
                at=b.escalated_at,
                due=add_working_days(since, b.team.region.escalation_response_days),
                object_id=b.pk,
            )
        )

    rows, extra = (
        _limited(_for_team(wijkcard.corrections_asked_of(user=user), team, user), "created_at", "pk")
        if roles.professional and "correction" in present
        else _NOTHING
    )
    left["correction"] = extra
    for s in rows:
        work.asked.append(
            item(
                ASKED,
                "correction",
                s.team,
                s.entry.title,
                _suggestion_url(s),
                at=s.created_at,
                who=_name(s.author),
                object_id=s.pk,
            )
        )

    # Suggested corrections on the social map entries the person keeps (a region-wide entry's
    # under its region; a team filter leaves those out).
    rows, extra = (
        _limited(
            socialmap.corrections_asked_of(user=user).filter(**({} if team is None else {"entry__team": team})),
            "created_at",
            "pk",
        )
        if "map_correction" in present
        else _NOTHING
    )
    left["map_correction"] = extra
    for s in rows:
        entry = s.entry
        work.asked.append(
            item(
                ASKED,
                "map_correction",
                entry.team if entry.team_id is not None else entry.region,
                entry.name,
                _map_entry_url(entry) + "#suggestions-heading",
                at=s.created_at,
                who=_name(s.author),
                object_id=s.pk,
            )
        )

    rows, extra = (
        _limited(_for_team(signals.to_triage_for(user=user), team, user), "created_at", "pk")
        if roles.coordinates and "signal" in present
        else _NOTHING
    )
    left["signal"] = extra
    for s in rows:
        work.asked.append(
            item(
                ASKED,
                "signal",
                s.team,
                s.title,
                _signal_url(s),
                at=s.created_at,
                who=_name(s.author),
                object_id=s.pk,
            )
        )

    if asked_only:
        work.asked.sort(key=lambda i: i.sort_key)
        return work

    # Mine --------------------------------------------------------------------------------------
    rows, extra = (
        _limited(_for_team(bottlenecks.owned_by(user=user), team, user), "resolve_due", "pk")
        if "owned" in present
        else _NOTHING
    )
    left["owned"] = extra
    for b in rows:
        work.mine.append(
            item(
                MINE,
                "owned",
                b.team,
                b.title,
                _bottleneck_url(b),
                at=b.clock_started_at,
                due=b.resolve_due,
                object_id=b.pk,
            )
        )
    # Bottlenecks of the teams the person coordinates that nobody took on by their target (depends
    # on the date: asked of coordinators only, one query).
    rows, extra = (
        _limited(_for_team(bottlenecks.unowned_past_target_for(user=user, today=today), team, user), "accept_due", "pk")
        if roles.coordinates
        else _NOTHING
    )
    left["unowned"] = extra
    for b in rows:
        work.mine.append(
            item(
                MINE,
                "unowned",
                b.team,
                b.title,
                _bottleneck_url(b),
                at=b.clock_started_at,
                # Let go by an owner who left: accepted once, what is due now is its resolution.
                due=b.accept_due if b.first_accepted_at is None else b.resolve_due,
                object_id=b.pk,
            )
        )
    rows, extra = _limited(_for_team(agreements.reviews_due_for(user=user), team, user), "current_version__review_date")
    left["review"] = extra
    for a in rows:
        work.mine.append(
            item(
                MINE,
                "review",
                a.team,
                a.current_version.title,
                _agreement_url(a),
                due=a.current_version.review_date,
                object_id=a.pk,
            )
        )

    entries = wijkcard.reconfirm_due_for(user=user, team=team, today=today) if roles.professional else []
    left["reconfirm"] = max(0, len(entries) - KIND_LIMIT)
    for entry in entries[:KIND_LIMIT]:
        work.mine.append(
            item(MINE, "reconfirm", entry.team, entry.title, _entry_url(entry), due=entry.due_on, object_id=entry.pk)
        )
    # Social map entries the person keeps whose confirmation is due (region-wide ones show
    # under their region; a team filter leaves them out).
    rows, extra = _limited(_for_team(socialmap.reconfirm_due_for(user=user), team, user), "confirmed_on", "pk")
    left["map_reconfirm"] = extra
    for e in rows:
        home = e.team if e.team_id is not None else e.region
        work.mine.append(item(MINE, "map_reconfirm", home, e.name, _map_entry_url(e), due=e.due_on, object_id=e.pk))
    # Regional items the person owns, under their region (with a team filter: those linking that
    # team's bottlenecks).
    rows, extra = (
        _limited(regional.owned_items(user=user, team=team), "updated_at", "pk")
        if roles.oversees and "regional" in present
        else _NOTHING
    )
    left["regional"] = extra
    for r in rows:
        url = reverse("regional_item_detail", kwargs={"region_slug": r.region.slug, "item_id": r.pk})
        work.mine.append(item(MINE, "regional", r.region, r.title, url, at=r.created_at, object_id=r.pk))

    # A representative's signals that were answered since they last looked.
    rows, extra = (
        _limited(_for_team(signals.answers_unread_by(user=user), team, user), "triaged_at", "pk")
        if "signal_answer" in present
        else _NOTHING
    )
    left["signal_answer"] = extra
    for s in rows:
        work.mine.append(
            item(MINE, "signal_answer", s.team, s.title, _signal_url(s), who=_name(s.triaged_by), object_id=s.pk)
        )

    # Waiting on others -------------------------------------------------------------------------
    rows, extra = (
        _limited(_for_team(agreements.endorsements_awaited_by(user=user), team, user), "asked_at", "pk")
        if "endorsements" in present
        else _NOTHING
    )
    left["endorsements"] = extra
    for a in rows:
        since = _local(a.asked_at)
        work.waiting.append(
            item(
                WAITING,
                "endorsements",
                a.team,
                a.current_version.title,
                _agreement_url(a),
                since=since,
                at=a.asked_at,
                due=add_working_days(since, ENDORSEMENT_TARGET_DAYS),
                object_id=a.pk,
                pending=a.party_count - a.endorsed_count,
                parties=a.party_count,
            )
        )
    for b in waits:
        since = _local(b.owner_requested_at)
        work.waiting.append(
            item(
                WAITING,
                "ownership",
                b.team,
                b.title,
                _bottleneck_url(b),
                since=since,
                at=b.owner_requested_at,
                due=add_working_days(since, targets[b.team_id][b.impact][0]),
                who=_name(b.owner_candidate),
                object_id=b.pk,
            )
        )
    rows, extra = (
        _limited(_for_team(bottlenecks.escalations_awaited_by(user=user), team, user), "escalated_at", "pk")
        if "escalation" in present
        else _NOTHING
    )
    left["escalation"] = extra
    for b in rows:
        since = _local(b.escalated_at)
        work.waiting.append(
            item(
                WAITING,
                "escalation",
                b.team,
                b.title,
                _bottleneck_url(b),
                since=since,
                at=b.escalated_at,
                due=add_working_days(since, b.team.region.escalation_response_days),
                object_id=b.pk,
            )
        )

    rows, extra = (
        _limited(_for_team(wijkcard.suggestions_awaited_by(user=user), team, user), "created_at", "pk")
        if "suggestion" in present
        else _NOTHING
    )
    left["suggestion"] = extra
    for s in rows:
        work.waiting.append(
            item(
                WAITING,
                "suggestion",
                s.team,
                s.entry.title,
                _entry_url(s.entry, team=s.team),
                at=s.created_at,
                who=_name(s.entry.maintainer),
                object_id=s.pk,
            )
        )

    rows, extra = (
        _limited(_for_team(signals.awaited_by(user=user), team, user), "created_at", "pk")
        if "signal_waiting" in present
        else _NOTHING
    )
    left["signal_waiting"] = extra
    for s in rows:
        work.waiting.append(
            item(WAITING, "signal_waiting", s.team, s.title, _signal_url(s), at=s.created_at, object_id=s.pk)
        )

    for section in (work.asked, work.mine, work.waiting):
        section.sort(key=lambda i: i.sort_key)
    return work


def filter_teams(*, user) -> list:
    """The teams to filter on: those whose work the page lists (_where_they_are), the person's
    teams and those of every region they hold a role in (an overseer, an administrator, and a
    client representative of the region, who had no team to choose), by name (one query)."""
    if not user.is_authenticated:
        return []
    teams = Membership.objects.across_teams().filter(user=user).values("team_id")  # the person's own rows
    regions = RegionRole.objects.filter(user=user).values("region_id")
    return list(
        Team.objects.filter(Q(pk__in=teams) | Q(region_id__in=regions))
        .annotate(in_their_region=Exists(RegionRole.objects.filter(user=user, region_id=OuterRef("region_id"))))
        .order_by("name", "pk")
    )


def offers_team_choice(teams: list) -> bool:
    """Whether the page offers its team filter (teams: filter_teams). Not to a person in one team
    and no region: "All teams" and their team showed the same. A region's people keep it with one
    team too: their "All teams" holds the region's own work (regional items, region-wide entries),
    which a team leaves out."""
    return len(teams) > 1 or any(team.in_their_region for team in teams)


class _Count(Func):
    """COUNT(*) as a plain function: a scalar subquery that counts without a GROUP BY."""

    function = "COUNT"
    template = "%(function)s(*)"
    output_field = IntegerField()


def _count(queryset: QuerySet) -> Coalesce:
    return Coalesce(Subquery(queryset.order_by().annotate(n=_Count()).values("n")[:1]), Value(0))


@rows.compiled
def _asked_counts(user_id: int) -> QuerySet:
    """The person's seven counts of what is asked of them, as one row: the ORM's query, which
    asked_count compiles once per process (core.rows.Compiled). It depends on the person only
    through their id, as a parameter (tests/mywork/test_my_work.py holds it to that)."""
    user = get_user_model()(pk=user_id)
    counts = {
        "endorse": _count(agreements.endorsements_asked_of(user=user)),
        "own": _count(bottlenecks.ownership_asked_of(user=user)),
        "confirm": _count(threads.confirmations_asked_of(user=user)),
        "respond": _count(bottlenecks.escalations_to_answer(user=user)),
        "correction": _count(wijkcard.corrections_asked_of(user=user)),
        "map_correction": _count(socialmap.corrections_asked_of(user=user)),
        "signal": _count(signals.to_triage_for(user=user)),
    }
    return get_user_model().objects.filter(pk=user_id).annotate(**counts).values_list(*counts)


def asked_count(*, user) -> int:
    """How many things are asked of the person (the header's "Mijn werk" count): one query, built
    once per process (building it took 19 ms of CPU on every page that counted; it runs in 0.7 ms)."""
    if not user.is_authenticated:
        return 0
    row = rows.run(rows.Compiled(_asked_counts, user.pk))[0]
    return sum(row) if row else 0


#: The kept count of a person: (their newest notice's id when counted, the count).
_COUNT_KEY = "mywork:asked:{}"


def asked_count_kept(*, user, fresh: bool = False, stamp: int | None = None) -> int:
    """asked_count, kept in the cache for MY_WORK_COUNT_SECONDS (0: counted on every page).

    The count is seven subqueries over the person's teams: on every page, in the header, it was a
    good part of a page's time (docs/my-work.md). Kept with the id of the person's newest notice, so
    it is counted again at once when something new is asked of them (every ask comes with a
    notice), and dropped after each of their own writes (AskedCountMiddleware), so what they just
    did shows at once. What others settle for them (another coordinator triaged the signal) shows
    within MY_WORK_COUNT_SECONDS, or at once where a page hears of a notice (the live refresh asks
    with fresh=True). A cache that cannot be read only costs the count. `stamp`: newest_notice_id,
    where the page has read it already (the header, one query with its unread count)."""
    seconds = settings.MY_WORK_COUNT_SECONDS
    if seconds <= 0 or not user.is_authenticated:
        return asked_count(user=user)
    if stamp is None:
        stamp = newest_notice_id(user=user)
    key = _COUNT_KEY.format(user.pk)
    try:
        kept = None if fresh else cache.get(key)
    except Exception:  # noqa: BLE001 - the cache (Redis) is away: count as if nothing was kept
        logger.warning("mywork: could not read the kept count", exc_info=True)
        return asked_count(user=user)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp:
        return kept[1]
    count = asked_count(user=user)
    try:
        cache.set(key, (stamp, count), seconds)
    except Exception:  # noqa: BLE001
        logger.warning("mywork: could not keep the count", exc_info=True)
    return count


def asked_count_forget(*, user_id: int) -> None:
    """Count again on the person's next page (after a write of theirs)."""
    try:
        cache.delete(_COUNT_KEY.format(user_id))
    except Exception:  # noqa: BLE001
        logger.warning("mywork: could not drop the kept count", exc_info=True)


@dataclass
class RegionQueue:
    region: object
    rows: list
    count: int
    #: Some of its first rows are listed elsewhere on the page (the start page: under what is asked).
    above: bool = False


def region_queues(*, user, rows: int) -> list[RegionQueue]:
    """The escalation queue of each region the person oversees (its first rows, overdue first).

    Two queries a region: overseers hold one or a few regions."""
    queues = []
    for role in user_region_roles(user=user):
        if role.role not in (RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN):
            continue
        queue = bottlenecks.region_escalations(region=role.region)
        queues.append(
            RegionQueue(role.region, bottlenecks.escalation_waits(queue[:rows], region=role.region), queue.count())
        )
    return queues
