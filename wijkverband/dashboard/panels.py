"""The dashboard's place on the region home: a short summary for overseers with the way in."""

from wijkverband.core.registry import Panel, register_region_panel


def region_panel_context(*, request, region, rights):
    # Only overseers and administrators have a dashboard; the panel hides itself for the rest.
    return {"show": rights.can_oversee, "region": region}


def register() -> None:
    # Ordered first (below 10): an overseer's way to the steering view opens the region home.
    register_region_panel(
        Panel(key="dashboard", template="dashboard/panel_region.html", context=region_panel_context, order=1)
    )
