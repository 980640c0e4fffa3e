"""Reads of the wijk card. Every function costs a fixed number of queries, whatever the number of
entries, teams or suggestions (the card page, the team-home panel, the region column, the public
lookup and "Mijn werk" assert it)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.core.freshness import add_months, confirm_due_on, is_stale
from wijkverband.core.phones import dial_phone
from wijkverband.core.sorting import name_order
from wijkverband.core.workdays import dutch_public_holidays
from wijkverband.tenancy.models import CORE_KINDS, Team
from wijkverband.tenancy.selectors import PROFESSIONAL_ROLES
from wijkverband.wijkcard.models import SLOTS, ContactEntry, Suggestion, SuggestionStatus
from wijkverband.wijkcard.phones import display_phone

#: Core players first (GP, pharmacy, district nursing, social domain), then the partners.
KIND_ORDER = {kind.value: n for n, kind in enumerate(CORE_KINDS)}

# The times of day, by the clock: by day is 08:00 to 17:00, the evening until 23:00, the night until
# 08:00. The evening and the night are the same every day (evening and night services, the GP
# out-of-hours service and the duty pharmacy work all week); on Saturday, Sunday and the national
# holidays the day is the weekend's.
DAY_STARTS, EVENING_STARTS, NIGHT_STARTS = 8, 17, 23


def is_weekend_day(day: date) -> bool:
    """Saturday, Sunday or a national holiday."""
    return day.weekday() >= 5 or day in dutch_public_holidays(day.year)


def slot_at(moment: datetime | None = None) -> str:
    """Which time of day it is in the Netherlands: "day", "evening", "night" or "weekend" (the
    day of a Saturday, a Sunday or a holiday; its evening and night are the evening and night)."""
    moment = timezone.localtime(moment)
    if DAY_STARTS <= moment.hour < EVENING_STARTS:
        return "weekend" if is_weekend_day(moment.date()) else "day"
    if EVENING_STARTS <= moment.hour < NIGHT_STARTS:
        return "evening"
    return "night"


def _weekend_around(day: date) -> bool:
    """Whether the evening and the night that begin on `day` touch a weekend day or a holiday: on
    it, or before it (a GP's out-of-hours service, "Fri 17:00 – Mon 08:00 and holidays", answers
    from the evening before)."""
    return is_weekend_day(day) or is_weekend_day(day + timedelta(days=1))


def slots_to_try(moment: datetime | None = None) -> tuple[str, ...]:
    """The times of day whose number answers now, in order: an entry without an evening or night
    number is reached on its weekend number in an evening or a night that begins on a weekend day or
    a holiday or on the day before one; never on its number by day, which is for working days."""
    moment = timezone.localtime(moment)
    slot = slot_at(moment)
    if slot == "evening":
        weekend = _weekend_around(moment.date())
    elif slot == "night":
        began = moment.date() if moment.hour >= NIGHT_STARTS else moment.date() - timedelta(days=1)
        weekend = _weekend_around(began)
    else:
        weekend = False
    return (slot, "weekend") if weekend else (slot,)


def answering_slot(entry: ContactEntry, slots: tuple[str, ...]) -> str | None:
    """The time of day whose number to call for this entry now: the first of `slots` (from
    `slots_to_try`) it has a number for, or None. The team home's panel and the card's "(now)" both
    ask this, so they never disagree."""
    return next((slot for slot in slots if getattr(entry, f"{slot}_phone")), None)


def slot_label(key: str):
    return dict(SLOTS)[key]


def _sort_key(entry: ContactEntry):
    return (
        KIND_ORDER.get(entry.organisation.kind, len(KIND_ORDER)),
        *name_order(entry.organisation.name),  # "'t Hoekje" under H (core/sorting.py)
        *name_order(entry.contact_point),
        entry.pk,
    )


def _mark(entries: list[ContactEntry], *, months: int, today: date) -> list[ContactEntry]:
    """Each entry learns whether it is stale and when it is due to be confirmed again."""
    for entry in entries:
        entry.stale = is_stale(entry.confirmed_on, months, today)
        entry.due_on = confirm_due_on(entry.confirmed_on, months)
    return sorted(entries, key=_sort_key)


#: What only professionals read of an entry (policy.can_see_professional_lines).
PROFESSIONAL_FIELDS = ("direct_phone", "secure_mail")


def hide_professional_lines(entries):
    """The entries without their direct line for professionals and secure-mail address, for a
    reader who is not a professional (a client representative): in memory, never saved."""
    for entry in entries:
        for name in PROFESSIONAL_FIELDS:
            setattr(entry, name, "")
    return entries


def team_entries(*, team: Team, today: date | None = None, professional_lines: bool = True) -> list[ContactEntry]:
    """The card's entries, core players first, each marked stale or not (one query); without the
    professionals' lines unless `professional_lines`."""
    today = today or timezone.localdate()
    entries = list(ContactEntry.objects.for_team(team).select_related("organisation", "maintainer", "confirmed_by"))
    if not professional_lines:
        hide_professional_lines(entries)
    return _mark(entries, months=team.reconfirm_months, today=today)


def entry_page(*, team: Team, entry_id: int | None, per_page: int) -> int | None:
    """The page of the card on screen that holds this entry of the team, or None when the team's
    card has no such entry (one query, of the columns the card's order needs)."""
    if entry_id is None:
        return None
    rows = ContactEntry.objects.for_team(team).select_related("organisation")
    rows = rows.only("pk", "contact_point", "organisation__kind", "organisation__name")
    order = [entry.pk for entry in sorted(rows, key=_sort_key)]
    return order.index(entry_id) // per_page + 1 if entry_id in order else None


def current_lead(*, team: Team, other_than: ContactEntry | None = None) -> ContactEntry | None:
    """The entry that takes the lead between two chairs, if another than `other_than` (one query):
    the entry form names it, since ticking the lead takes it over."""
    rows = ContactEntry.objects.for_team(team).filter(takes_lead=True).select_related("organisation")
    if other_than is not None:
        rows = rows.exclude(pk=other_than.pk)
    return rows.order_by("pk").first()


@dataclass
class OrganisationGroup:
    organisation: object
    entries: list = field(default_factory=list)


@dataclass
class Card:
    team: Team
    entries: list
    today: date
    #: suggestions shown with their entry: all open ones for the team's members, the person's own
    #: (with their answer) for a client representative
    suggestions: dict[int, list] = field(default_factory=dict)

    #: the page of entries shown on screen (`show_page`); None: every entry (the printed card)
    page: object = None

    def show_page(self, page, *, per_page: int, path: str) -> None:
        """Show `page` of the entries (a core.paging page of `entries`); each entry learns the link
        that reaches it from this page (the facts at the card's top name entries of any page)."""
        self.page = page
        for index, entry in enumerate(self.entries):
            number = index // per_page + 1
            if number == page.number:
                entry.card_href = f"#entry-{entry.pk}"
            else:
                entry.card_href = f"{f'?page={number}' if number > 1 else path}#entry-{entry.pk}"

    @property
    def shown(self) -> list:
        return list(self.page.object_list) if self.page is not None else self.entries

    @property
    def groups(self) -> list[OrganisationGroup]:
        """The entries shown, by organisation (an organisation whose entries span two pages heads both)."""
        groups: dict[int, OrganisationGroup] = {}
        for entry in self.shown:
            groups.setdefault(entry.organisation_id, OrganisationGroup(entry.organisation)).entries.append(entry)
        return list(groups.values())

    @property
    def stale(self) -> list:
        return [entry for entry in self.entries if entry.stale]

    @property
    def current_count(self) -> int:
        return len(self.entries) - len(self.stale)

    @property
    def nursing(self) -> list:
        return [entry for entry in self.entries if entry.serves_wijk]

    @property
    def lead(self):
        return next((entry for entry in self.entries if entry.takes_lead), None)

    @property
    def open_suggestion_count(self) -> int:
        return sum(1 for items in self.suggestions.values() for s in items if s.is_open)


def card(
    *, team: Team, user, can_edit: bool, can_suggest: bool, professional_lines: bool, moment: datetime | None = None
) -> Card:
    """The card page: the entries (one query; the professionals' lines only for professionals) and
    the suggestions the person sees (one query). Each entry learns which of its times of day is now
    (`now_slot`): the one whose number answers now, as on the team home, or, without such a number,
    the time of day it is (where the card then says "no number")."""
    moment = moment or timezone.now()
    today = timezone.localdate(moment)
    entries = team_entries(team=team, today=today, professional_lines=professional_lines)
    slots = slots_to_try(moment)
    for entry in entries:
        entry.now_slot = answering_slot(entry, slots) or slots[0]
    suggestions: dict[int, list] = {}
    if can_edit or can_suggest:
        rows = Suggestion.objects.for_team(team).select_related("author", "answered_by").order_by("created_at", "pk")
        rows = rows.filter(status=SuggestionStatus.OPEN) if can_edit else rows.filter(author=user)
        for suggestion in rows:
            suggestions.setdefault(suggestion.entry_id, []).append(suggestion)
    return Card(team=team, entries=entries, today=today, suggestions=suggestions)


@dataclass
class CallNow:
    """One line of "whom to call now": an entry and its number for this time of day."""

    entry: ContactEntry
    phone: str  # for reading
    hours: str
    dial: str  # for a tel: link
    slot: str = ""  # the time of day whose number this is, when not the one of now (a fallback)

    @property
    def slot_label(self):
        return slot_label(self.slot) if self.slot else ""


@dataclass
class Summary:
    team: Team
    slot: str
    calls: list[CallNow]
    stale: list
    total: int
    #: The organisations on the card none of whose lines has a number now (a pharmacy at the
    #: weekend): named under the calls, so that their absence is not read as an oversight.
    silent: list[str] = field(default_factory=list)

    @property
    def slot_label(self):
        return slot_label(self.slot)


def summary(*, team: Team, moment: datetime | None = None) -> Summary:
    """The team home's panel: whom to call now (core players first), and what is stale (one query)."""
    moment = moment or timezone.now()
    entries = team_entries(team=team, today=timezone.localdate(moment))
    slots = slots_to_try(moment)
    calls = []
    silent: dict[int, str] = {}
    for entry in entries:
        slot = answering_slot(entry, slots)
        if slot is not None:
            phone, hours = entry.slot(slot)
            fallback = slot if slot != slots[0] else ""
            calls.append(CallNow(entry, phone, hours, dial_phone(getattr(entry, f"{slot}_phone")), fallback))
        else:
            silent.setdefault(entry.organisation_id, entry.organisation.name)
    for call in calls:
        silent.pop(call.entry.organisation_id, None)
    return Summary(
        team=team,
        slot=slots[0],
        calls=calls,
        stale=[e for e in entries if e.stale],
        total=len(entries),
        silent=list(silent.values()),
    )


# --- the region's column ---------------------------------------------------------------------------


def teams_freshness(*, teams) -> dict[int, tuple[int, int]]:
    """{team id: (entries confirmed in time, entries)} for these teams, in one query."""
    teams = list(teams)
    today = timezone.localdate()
    months = {team.pk: team.reconfirm_months for team in teams}
    # One row per team and day of confirmation, with how many entries were confirmed that day.
    rows = (
        ContactEntry.objects.for_teams(teams).order_by().values_list("team_id", "confirmed_on").annotate(n=Count("pk"))
    )
    current: Counter = Counter()
    total: Counter = Counter()
    for team_id, confirmed_on, n in rows:
        total[team_id] += n
        if not is_stale(confirmed_on, months[team_id], today):
            current[team_id] += n
    return {team.pk: (current[team.pk], total[team.pk]) for team in teams}


# --- the public lookup ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    """What the public may see of an entry: no person, no notes, no direct line, no secure mail."""

    organisation: str
    kind: str  # the organisation's kind, as its label
    contact_point: str
    serves_wijk: bool
    slots: tuple  # ((label, phone for display, dial, hours), ...) only the times of day with a number or hours
    # When the team last confirmed it, and whether that is longer ago than the team's own term: the
    # public sees a number the team itself marks stale as such, not as if it were current.
    confirmed_on: object = None
    stale: bool = False


def public_entries(*, teams) -> dict[int, list[PublicEntry]]:
    """{team id: [PublicEntry]} of the entries these teams marked public (one query; `teams` as
    Team instances, whose own term for reconfirming decides what is stale)."""
    teams = list(teams)
    months = {team.pk: team.reconfirm_months for team in teams}
    today = timezone.localdate()
    rows = (
        ContactEntry.objects.for_teams(teams)
        .filter(public=True)
        .select_related("organisation")
        .only(
            "team_id",
            "confirmed_on",
            "organisation__name",
            "organisation__kind",
            "contact_point",
            "serves_wijk",
            *[f"{key}_{part}" for key, _label in SLOTS for part in ("phone", "hours")],
        )
    )
    found: dict[int, list] = {}
    for entry in sorted(rows, key=_sort_key):
        slots = tuple(
            (label, display_phone(getattr(entry, f"{key}_phone")), dial_phone(getattr(entry, f"{key}_phone")),
             getattr(entry, f"{key}_hours"))
            for key, label in SLOTS
            if getattr(entry, f"{key}_phone") or getattr(entry, f"{key}_hours")
        )  # fmt: skip
        found.setdefault(entry.team_id, []).append(
            PublicEntry(
                organisation=entry.organisation.name,
                kind=str(entry.organisation.get_kind_display()),
                contact_point=entry.contact_point,
                serves_wijk=entry.serves_wijk,
                slots=slots,
                confirmed_on=entry.confirmed_on,
                stale=is_stale(entry.confirmed_on, months[entry.team_id], today),
            )
        )
    return found


# --- "Mijn werk" and the reconfirmation check ------------------------------------------------------

#: The wijk card's kinds in "Mijn werk" (wijkverband.mywork.selectors) and their labels.
WORK_KIND_LABELS = {
    "correction": _("Suggested correction"),  # asked of the responsible member
    "reconfirm": _("Confirm again"),  # theirs: an entry due to be confirmed again
    "suggestion": _("Your suggested correction"),  # a representative's, waiting for an answer
}


def _maybe_due(queryset: QuerySet, today: date) -> QuerySet:
    """A first cut in SQL: confirming again is due at least a month after the last confirmation
    (Team.reconfirm_months is 1 or more); the exact date per team's interval is checked in Python."""
    return queryset.filter(confirmed_on__lte=add_months(today, -1))


def due_for(entries, *, today: date) -> list[ContactEntry]:
    """Those of these entries (with their team loaded) whose confirmation is due (today or before)."""
    due = []
    for entry in entries:
        entry.due_on = confirm_due_on(entry.confirmed_on, entry.team.reconfirm_months)
        entry.stale = is_stale(entry.confirmed_on, entry.team.reconfirm_months, today)
        if entry.due_on <= today:
            due.append(entry)
    return due


def reconfirm_due_for(*, user, team=None, today: date | None = None) -> list[ContactEntry]:
    """The entries this person keeps whose confirmation is due, in all their teams (one query).

    Only in teams where they still contribute: a member who left is not asked."""
    today = today or timezone.localdate()
    rows = _maybe_due(
        ContactEntry.objects.across_teams().filter(  # the person's own entries, in every team
            maintainer=user,
            team__memberships__user=user,
            team__memberships__role__in=PROFESSIONAL_ROLES,
        ),
        today,
    ).select_related("team", "organisation")
    if team is not None:
        rows = rows.filter(team=team)
    return due_for(rows.order_by("confirmed_on", "pk"), today=today)


def corrections_asked_of(*, user) -> QuerySet[Suggestion]:
    """Open suggestions on the entries this person keeps, in the teams where they contribute."""
    return (
        Suggestion.objects.across_teams()  # the person's own entries, in every team
        .filter(
            status=SuggestionStatus.OPEN,
            entry__maintainer=user,
            team__memberships__user=user,
            team__memberships__role__in=PROFESSIONAL_ROLES,
        )
        .select_related("team", "entry__organisation", "author")
    )


def suggestions_awaited_by(*, user) -> QuerySet[Suggestion]:
    """The person's own suggestions that wait for an answer."""
    return (
        Suggestion.objects.across_teams()
        .filter(  # the person's own suggestions, in every team
            status=SuggestionStatus.OPEN, author=user
        )
        .select_related("team", "entry__organisation", "entry__maintainer")
    )


def entries_due(*, today: date) -> list[ContactEntry]:
    """Every team's entries whose confirmation is due: the reconfirmation check (one query)."""
    rows = _maybe_due(ContactEntry.objects.across_teams(), today).select_related("team", "organisation")
    return due_for(rows.order_by("team_id", "pk"), today=today)


def readable_entries(*, rights_by_team: dict) -> QuerySet[ContactEntry]:
    """The card entries of the teams (team id → TeamRights) where the person sees the team:
    everyone who sees a team reads its whole card (policy.py). For the search."""
    team_ids = [team_id for team_id, rights in rights_by_team.items() if rights.can_view]
    return ContactEntry.objects.for_teams(team_ids)


def entries_answered_by(*, user, team_ids) -> QuerySet:
    """The entries in these teams whose responsible member `user` is while a member or coordinator of
    the entry's team: the asks about them stay theirs (wijkcard.notices.rights_narrowed)."""
    return ContactEntry.objects.for_teams(team_ids).filter(
        maintainer=user, team__memberships__user=user, team__memberships__role__in=PROFESSIONAL_ROLES
    )
