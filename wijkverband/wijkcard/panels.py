"""The wijk card's places on other pages: a team tab, the leading panel of the team home ("whom to
call now" and what is stale), a column in the region's table of teams, and a section of the public
postcode lookup."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wijkverband.core.registry import (
    Cell,
    NavItem,
    Panel,
    RegionColumn,
    register_public_section,
    register_region_column,
    register_team_nav,
    register_team_panel,
)

#: The panel shows this many stale entries by name (the rest as a number).
STALE_ROWS = 5


def team_panel_context(*, request, team, rights):
    from wijkverband.wijkcard import policy, selectors

    return {
        "team": team,
        "summary": selectors.summary(team=team),
        "stale_rows": STALE_ROWS,
        "can_edit": policy.can_edit(rights),
    }


def region_cells(*, teams) -> dict:
    """{team id: Cell} with "8 of 10 current" (constant queries: one)."""
    from wijkverband.wijkcard.selectors import teams_freshness

    cells = {}
    for team_id, (current, total) in teams_freshness(teams=teams).items():
        if not total:
            cells[team_id] = Cell(str(_("no entries yet")), "warning")
            continue
        text = ngettext("%(current)d of %(total)d current", "%(current)d of %(total)d current", total) % {
            "current": current,
            "total": total,
        }
        cells[team_id] = Cell(text, "ok" if current == total else "warning")
    return cells


def public_context(*, teams) -> dict:
    """{team id: {"entries": [PublicEntry]}} for the teams with public entries: nothing about a
    person, nothing the team did not mark public (selectors.PublicEntry holds only public fields)."""
    from wijkverband.wijkcard.selectors import public_entries

    return {team_id: {"entries": entries} for team_id, entries in public_entries(teams=teams).items()}


def register() -> None:
    register_team_nav(NavItem(key="wijkcard", label=_("Neighbourhood card"), url_name="wijkcard", order=5))
    # Ordered before "Voor jou" (0): the issue makes the card the first thing on the team home.
    register_team_panel(
        Panel(key="wijkcard", template="wijkcard/panel_team.html", context=team_panel_context, order=-1)
    )
    register_region_column(RegionColumn(key="wijkcard", label=_("Neighbourhood card"), values=region_cells, order=10))
    register_public_section(
        Panel(key="wijkcard", template="wijkcard/public_section.html", context=public_context, order=10)
    )
