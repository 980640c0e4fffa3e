"""Regional work's places on other pages: a panel on the region home, the region's offers on the
team home, and the regional item on each linked bottleneck's page (core/registry.py)."""

from wijkverband.core.registry import Panel, register_item_panel, register_region_panel, register_team_panel


def region_panel_context(*, request, region, rights):
    from wijkverband.regional.selectors import region_summary

    return {"region": region, "rights": rights, "summary": region_summary(region=region)}


def team_panel_context(*, request, team, rights):
    from wijkverband.regional.selectors import team_open_offers

    return {"team": team, "rights": rights, "offers": team_open_offers(team=team)}


def bottleneck_panel_context(*, request, team, rights, item):
    """Only what is meant for teams: title, status, owner, how many teams, the progress updates."""
    from wijkverband.regional.selectors import team_view_of

    view = team_view_of(bottleneck=item, sees_internal=rights.can_see_internal)
    return {"team": team, "view": view} if view is not None else {}


def agreement_panel_context(*, request, team, rights, item):
    """The region's offer an agreement was adopted from, on the team's agreement page."""
    from wijkverband.regional.selectors import adoption_of

    adoption = adoption_of(agreement=item)
    return {"team": team, "adoption": adoption} if adoption is not None else {}


def register() -> None:
    register_region_panel(
        Panel(key="regional", template="regional/panel_region.html", context=region_panel_context, order=25)
    )
    register_team_panel(
        Panel(key="regional_offers", template="regional/panel_team.html", context=team_panel_context, order=45)
    )
    register_item_panel(
        "bottleneck",
        Panel(key="regional_item", template="regional/panel_bottleneck.html", context=bottleneck_panel_context),
    )
    register_item_panel(
        "agreement",
        Panel(key="regional_offer", template="regional/panel_agreement.html", context=agreement_panel_context),
    )
