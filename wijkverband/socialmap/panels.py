"""The kaart's places on other pages: a team tab, a region-home panel (the region-wide kaart), a
column in the region's table of teams, and a section of the public postcode lookup."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wijkverband.core.registry import (
    Cell,
    NavItem,
    Panel,
    RegionColumn,
    register_public_section,
    register_region_column,
    register_region_panel,
    register_team_nav,
)


def coverage_cells(*, teams) -> dict:
    """{team id: Cell}: the entries on the team's kaart, its meeting places, how many are stale.
    Two queries, whatever the number of teams."""
    from wijkverband.socialmap.selectors import team_coverage

    cells = {}
    for team_id, c in team_coverage(teams=teams).items():
        parts = [
            ngettext("%(count)d entry", "%(count)d entries", c.entries) % {"count": c.entries},
            ngettext("%(count)d meeting place", "%(count)d meeting places", c.meeting_places)
            % {"count": c.meeting_places},
        ]
        if c.stale:
            parts.append(ngettext("%(count)d stale", "%(count)d stale", c.stale) % {"count": c.stale})
            tone = "warning"
        elif c.entries and c.meeting_places:
            parts.append(_("all current"))
            tone = "ok"
        else:
            tone = "warning"
        cells[team_id] = Cell(text=" · ".join(parts), tone=tone)
    return cells


def region_panel_context(*, request, region, rights):
    from wijkverband.socialmap.selectors import region_wide_count

    return {"region": region, "rights": rights, "count": region_wide_count(region=region)}


def public_context(*, teams) -> dict:
    """{team id: {"entries": [...], "more": n}} with only what the teams marked public (no person)."""
    from wijkverband.socialmap.selectors import public_entries

    return {
        team_id: {"entries": found.entries, "more": found.more, "more_by_kind": found.more_by_kind}
        for team_id, found in public_entries(teams=teams).items()
        if found.entries
    }


def register() -> None:
    register_team_nav(NavItem(key="socialmap", label=gettext_lazy("Social map"), url_name="socialmap_list", order=40))
    register_region_panel(
        Panel(key="socialmap", template="socialmap/panel_region.html", context=region_panel_context, order=40)
    )
    register_region_column(
        RegionColumn(key="socialmap", label=gettext_lazy("Social map"), values=coverage_cells, order=40)
    )
    register_public_section(
        Panel(key="socialmap", template="socialmap/public_section.html", context=public_context, order=40)
    )
