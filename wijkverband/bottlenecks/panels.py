"""The log's places on other pages: a team tab, a team-home panel and two region-home panels."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from wijkverband.core.registry import NavItem, Panel, register_region_panel, register_team_nav, register_team_panel

QUEUE_PANEL_ROWS = 10


def team_panel_context(*, request, team, rights):
    from wijkverband.bottlenecks.selectors import team_summary

    return {"team": team, "rights": rights, "summary": team_summary(team=team, rights=rights)}


def region_queue_context(*, request, region, rights):
    from wijkverband.bottlenecks.selectors import escalation_waits, region_escalations

    if not rights.can_oversee:
        return {"region": region, "show": False}
    queue = region_escalations(region=region)
    # Always two queries (a page of rows and the counts), however long the queue. The queue lists
    # the answered and taken-up items too (marked so); the sentence counts those still waiting.
    rows = escalation_waits(queue[:QUEUE_PANEL_ROWS], region=region)
    counts = queue.order_by().aggregate(
        listed=Count("pk"), waiting=Count("pk", filter=Q(answered=False, taken_up_regionally=False))
    )
    return {"region": region, "show": True, "rows": rows, "count": counts["listed"], "waiting": counts["waiting"]}


def region_patterns_context(*, request, region, rights):
    from wijkverband.bottlenecks.selectors import region_patterns

    patterns = region_patterns(region=region, can_see_internal=rights.can_oversee)
    return {"region": region, "patterns": patterns, "multi": [p for p in patterns if p.multi_team]}


def register() -> None:
    register_team_nav(NavItem(key="bottlenecks", label=_("Bottlenecks"), url_name="bottleneck_list", order=20))
    register_team_panel(
        Panel(key="bottlenecks", template="bottlenecks/panel_team.html", context=team_panel_context, order=20)
    )
    register_region_panel(
        Panel(
            key="bottleneck_escalations",
            template="bottlenecks/panel_region_escalations.html",
            context=region_queue_context,
            order=20,
        )
    )
    register_region_panel(
        Panel(
            key="bottleneck_patterns",
            template="bottlenecks/panel_region_patterns.html",
            context=region_patterns_context,
            order=30,
        )
    )
