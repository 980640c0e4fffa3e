"""The postcode areas on the region home: a column in its table of teams and a panel with the link
to the region's areas page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkverband.core.registry import Cell, Panel, RegionColumn, register_region_column, register_region_panel


def region_panel_context(*, request, region, rights):
    from wijkverband.tenancy.selectors import region_area_overlaps, region_postcode_areas

    areas = region_postcode_areas(region=region)
    return {
        "region": region,
        "rights": rights,
        "without": [item.team for item in areas if not item.codes],
        "overlaps": region_area_overlaps(region=region, areas=areas),
    }


def areas_column(*, teams):
    from wijkverband.tenancy.postcodes import display_code, sort_key
    from wijkverband.tenancy.selectors import postcode_codes_by_team

    codes = postcode_codes_by_team(teams=teams)
    cells = {}
    for team in teams:
        mine = sorted(codes.get(team.pk, []), key=sort_key)
        cells[team.pk] = (
            Cell(", ".join(display_code(code) for code in mine)) if mine else Cell(_("none yet"), tone="warning")
        )
    return cells


def register() -> None:
    register_region_column(
        RegionColumn(key="postcode_areas", label=gettext_lazy("Postcode areas"), values=areas_column, order=50)
    )
    register_region_panel(
        Panel(key="postcode_areas", template="lookup/panel_region.html", context=region_panel_context, order=50)
    )
