"""Signals on other pages: a team tab, a column in the region's table of teams, and a panel on the
region home that leads to the region's figures."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wijkverband.core.registry import (
    Cell,
    NavItem,
    Panel,
    RegionColumn,
    register_region_column,
    register_region_panel,
    register_team_nav,
)


def region_cells(*, teams) -> dict:
    """{team id: Cell} with "2 waiting of 5" (one query)."""
    from wijkverband.signals.selectors import waiting_counts

    cells = {}
    for team_id, (waiting, total) in waiting_counts(teams=teams).items():
        if not total:
            cells[team_id] = Cell(str(_("none yet")))
            continue
        text = ngettext("%(waiting)d waiting of %(total)d", "%(waiting)d waiting of %(total)d", total) % {
            "waiting": waiting,
            "total": total,
        }
        cells[team_id] = Cell(text, "warning" if waiting else "ok")
    return cells


def region_panel_context(*, request, region, rights) -> dict:
    return {"region": region, "may_file": not rights.can_oversee}


def register() -> None:
    register_team_nav(NavItem(key="signals", label=_("Signals"), url_name="signal_list", order=60))
    register_region_column(RegionColumn(key="signals", label=_("Signals"), values=region_cells, order=40))
    register_region_panel(Panel(key="signals", template="signals/panel_region.html", context=region_panel_context))
