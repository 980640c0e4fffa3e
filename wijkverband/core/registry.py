"""Where feature apps plug into the team and region pages without those pages knowing them.

An app registers, in its AppConfig.ready():
- a team navigation item (a tab on every team page),
- a panel on the team home or on the region home: a template plus a function that builds its
  context. Panel functions must use a constant number of queries (list pages assert it);
- a line on the person's start page card of each of their teams (say, "3 unread messages");
- a section on the person's start page (say, what waits on them), before their teams;
- a column in the region's table of teams (say, how fresh each team's wijk card is);
- a section of the public postcode lookup (say, the public part of a team's wijk card).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str  # reversed with team_slug
    order: int = 100
    #: the TeamRights attribute a person needs to see the tab (the right its page asks for)
    needs: str = "can_view"


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[..., dict]  # called with request=, team= / region=, rights=
    order: int = 100


_team_nav: dict[str, NavItem] = {}
_team_panels: dict[str, Panel] = {}
_region_panels: dict[str, Panel] = {}
# key -> function(user=, teams=) returning {team id: a short line of text} for the start page.
_team_card_lines: dict[str, Callable[..., dict[int, str]]] = {}
# Sections on the start page: Panel whose context is called with request= (and returns {} to hide).
_start_panels: dict[str, Panel] = {}


@dataclass(frozen=True)
class RegionColumn:
    """A column in the region home's table of teams.

    values(teams=) returns {team id: Cell} for the given teams in a constant number of queries.
    """

    key: str
    label: str  # a lazy translation
    values: Callable[..., dict]
    order: int = 100


@dataclass(frozen=True)
class Cell:
    text: str
    #: "ok", "warning" or "" (how the cell is marked; the text must say it too)
    tone: str = ""


_region_columns: dict[str, RegionColumn] = {}
# Sections of the public postcode lookup: Panel whose context is called with teams= (the teams
# serving the postcode, no user) and returns {team id: context} for the teams it has something for.
_public_sections: dict[str, Panel] = {}


def register_region_column(column: RegionColumn) -> None:
    _region_columns[column.key] = column


def region_columns() -> list[RegionColumn]:
    return sorted(_region_columns.values(), key=lambda column: column.order)


def region_column_cells(*, teams) -> list[tuple[RegionColumn, dict]]:
    """Each plugged-in column with its cells for these teams ({team id: Cell})."""
    return [(column, column.values(teams=teams)) for column in region_columns()]


def register_public_section(panel: Panel) -> None:
    """Everything a public section shows is public: no person, nothing a team did not mark public."""
    _public_sections[panel.key] = panel


def public_sections() -> list[Panel]:
    return sorted(_public_sections.values(), key=lambda panel: panel.order)


def register_team_nav(item: NavItem) -> None:
    _team_nav[item.key] = item


def register_team_panel(panel: Panel) -> None:
    _team_panels[panel.key] = panel


def register_region_panel(panel: Panel) -> None:
    _region_panels[panel.key] = panel


def register_start_panel(panel: Panel) -> None:
    _start_panels[panel.key] = panel


def register_team_card_line(key: str, lines: Callable[..., dict[int, str]]) -> None:
    _team_card_lines[key] = lines


def team_card_lines(*, user, teams) -> dict[int, list[str]]:
    """Each plugged-in app's line for each of these teams' start-page cards (teams without one: [])."""
    found: dict[int, list[str]] = {team.pk: [] for team in teams}
    for key in sorted(_team_card_lines):
        for team_id, line in _team_card_lines[key](user=user, teams=teams).items():
            found.setdefault(team_id, []).append(line)
    return found


def team_nav() -> list[NavItem]:
    return sorted(_team_nav.values(), key=lambda item: item.order)


def team_panels() -> list[Panel]:
    return sorted(_team_panels.values(), key=lambda panel: panel.order)


def region_panels() -> list[Panel]:
    return sorted(_region_panels.values(), key=lambda panel: panel.order)


@dataclass(frozen=True)
class RenderedPanel:
    template: str
    context: dict
    order: int = 100

    @property
    def leads(self) -> bool:
        """Panels ordered below 10 open the page (the team home starts with what waits on you)."""
        return self.order < 10


def render_team_panels(*, request, team, rights) -> list[RenderedPanel]:
    return [
        RenderedPanel(panel.template, panel.context(request=request, team=team, rights=rights), panel.order)
        for panel in team_panels()
    ]


def render_region_panels(*, request, region, rights) -> list[RenderedPanel]:
    return [
        RenderedPanel(panel.template, panel.context(request=request, region=region, rights=rights), panel.order)
        for panel in region_panels()
    ]


# Panels on one item's own page (say, the regional item a bottleneck belongs to, on the bottleneck's
# page): subject -> {key: Panel}; the context function is called with request=, team=, rights=,
# item= and returns {} to show nothing.
_item_panels: dict[str, dict[str, Panel]] = {}


def register_item_panel(subject: str, panel: Panel) -> None:
    _item_panels.setdefault(subject, {})[panel.key] = panel


def render_item_panels(*, subject: str, request, team, rights, item) -> list[RenderedPanel]:
    """The plugged-in panels of this item's page that have something to show."""
    rendered = []
    for panel in sorted(_item_panels.get(subject, {}).values(), key=lambda p: p.order):
        context = panel.context(request=request, team=team, rights=rights, item=item)
        if context:
            rendered.append(RenderedPanel(panel.template, context, panel.order))
    return rendered


def render_start_panels(*, request) -> list[RenderedPanel]:
    """The start page's sections that have something to show (a context function returns {} to hide)."""
    rendered = []
    for panel in sorted(_start_panels.values(), key=lambda p: p.order):
        context = panel.context(request=request)
        if context:
            rendered.append(RenderedPanel(panel.template, context))
    return rendered


# --- indicator sources ----------------------------------------------------------------------------
# An agreement's indicator can be fed from figures another app keeps (say, the Welzijn op Recept
# feedback rate), without agreements knowing that app: the app registers a source, the indicator
# stores its key, and the agreements app asks the source for its monthly values.


@dataclass(frozen=True)
class IndicatorSource:
    """values(team=, months=None) -> {first day of a month: Decimal or None} for that team: every
    month with figures when months is None, else just those months (None: no value for the month,
    such as a rate without referrals). A constant number of queries."""

    key: str  # stored on the indicator: "<app>.<name>"
    label: str  # a lazy translation, shown in the indicator form
    unit: str  # a lazy translation: the unit the values are in
    values: Callable[..., dict]


_indicator_sources: dict[str, IndicatorSource] = {}


def register_indicator_source(source: IndicatorSource) -> None:
    _indicator_sources[source.key] = source


def indicator_sources() -> list[IndicatorSource]:
    return sorted(_indicator_sources.values(), key=lambda source: source.key)


def indicator_source(key: str) -> IndicatorSource | None:
    return _indicator_sources.get(key)


# --- external parties -----------------------------------------------------------------------------
# An external party's account (tenancy's role "external party") is tied to an organisation that is
# party to the team's agreements. Tenancy sits below agreements, so agreements registers the answer.

_external_party_organisations: list[Callable[..., set[int]]] = []


def register_external_party_organisations(organisation_ids: Callable[..., set[int]]) -> None:
    """organisation_ids(team=) -> the ids of the external organisations party to the team's agreements."""
    _external_party_organisations.append(organisation_ids)


def external_party_organisation_ids(*, team) -> set[int]:
    found: set[int] = set()
    for organisation_ids in _external_party_organisations:
        found |= organisation_ids(team=team)
    return found


@dataclass(frozen=True)
class MembershipEnd:
    """What an app does when someone leaves a team or is removed from it: what they hold there
    (their open bottlenecks, say) is let go, so that it does not wait on someone who can no longer
    open it. holdings(team=, user=, actor=, role=) -> sentences for the question before, as the
    person who asks it reads them (empty: nothing held; a SafeString may link what it names, its
    facts escaped); release(team=, user=, actor=) runs inside the removal's transaction, before its
    audit row. actor: who leaves (actor is user) or removes them. role: None when they leave; else
    they stay, given this role, one in which they can own nothing (a client representative, an
    external party): the question before that role change says what it lets go (by rights_narrowed,
    which takes the path release takes)."""

    key: str
    holdings: Callable[..., list[str]]
    release: Callable[..., None]


_membership_ends: dict[str, MembershipEnd] = {}


def register_membership_end(end: MembershipEnd) -> None:
    _membership_ends[end.key] = end


def membership_holdings(*, team, user, actor, role: str | None = None) -> list[str]:
    return [
        line
        for key in sorted(_membership_ends)
        for line in _membership_ends[key].holdings(team=team, user=user, actor=actor, role=role)
    ]


def membership_release(*, team, user, actor) -> None:
    for key in sorted(_membership_ends):
        _membership_ends[key].release(team=team, user=user, actor=actor)


# --- a membership that starts ------------------------------------------------------------------------
# Someone joins a team, or takes a role there in which they act for an organisation (a client
# representative who becomes a member): what waits on that organisation now waits on them too, and
# the app that keeps it tells them as it told the others (agreements: a pending request to endorse).
# started(team=, user=) runs inside the service's transaction, before its audit row.

_membership_starts: dict[str, Callable[..., None]] = {}


def register_membership_start(key: str, started: Callable[..., None]) -> None:
    _membership_starts[key] = started


def membership_started(*, team, user) -> None:
    for key in sorted(_membership_starts):
        _membership_starts[key](team=team, user=user)


# --- a role given up ---------------------------------------------------------------------------------
# Someone in a team is given another role (tenancy's membership_change_role): what only the role they
# give up held is let go as when they leave (agreements: the last account of an external party, whose
# consent is the coordinators' to record after it). given_up(team=, user=, actor=, role=) runs inside
# the change's transaction, before the new role is written, so it still reads the one given up; role:
# the new one. What the new role may no longer read or do goes after, by rights_narrowed.

_roles_given_up: dict[str, Callable[..., None]] = {}


def register_role_given_up(key: str, given_up: Callable[..., None]) -> None:
    _roles_given_up[key] = given_up


def role_given_up(*, team, user, actor, role: str) -> None:
    for key in sorted(_roles_given_up):
        _roles_given_up[key](team=team, user=user, actor=actor, role=role)


# --- rights that narrow ----------------------------------------------------------------------------
# Someone may read or do less in some teams than before: their role in a team changed to one that
# reads less (a member made client representative or external party) or does less (a coordinator
# made member), or their role in the teams' region ended, became one that reads less or does less
# (an administrator made overseer). What told them of items they may no longer read goes, as when
# they leave (work: their notices; agreements: an external party's notices of agreements it is no
# party to), and what they held that their new role may not hold is let go as when they leave
# (bottlenecks: what they own or were asked to own, once their role may own nothing).
# narrowed(user=, team_ids=, actor=) runs inside the service's transaction, once the new rights are
# written, before its audit row. actor: who changed the role (None: a service or an import).

_rights_narrowed: dict[str, Callable[..., None]] = {}


def register_rights_narrowed(key: str, narrowed: Callable[..., None]) -> None:
    _rights_narrowed[key] = narrowed


def rights_narrowed(*, user, team_ids, actor=None) -> None:
    team_ids = list(team_ids)
    if not team_ids:
        return
    for key in sorted(_rights_narrowed):
        _rights_narrowed[key](user=user, team_ids=team_ids, actor=actor)
