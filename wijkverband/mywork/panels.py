"""Where "Mijn werk" shows besides its own page: "Voor jou" at the top of each team home, and a
section on the start page (what is asked of you; an overseer's regions' escalation queues)."""

from dataclasses import replace

from wijkverband.core.registry import Panel, register_start_panel, register_team_panel

START_ROWS = 5
QUEUE_ROWS = 5


def team_panel_context(*, request, team, rights):
    from wijkverband.mywork.selectors import Roles, my_work

    # The page has the person's rights in the team already: the roles cost no query.
    return {"team": team, "work": my_work(user=request.user, team=team, roles=Roles.from_rights(rights))}


def start_panel_context(*, request):
    from wijkverband.mywork.selectors import my_work, region_queues

    work = my_work(user=request.user, asked_only=True)
    queues = region_queues(user=request.user, rows=QUEUE_ROWS)
    if not work.asked and not queues:
        return {}
    asked = work.asked[:START_ROWS]
    # An escalation the person is asked to answer is listed once, under what is asked of them: an
    # overseer saw each waiting escalation twice, as an item and again as a row of the queue.
    listed = {item.object_id for item in asked if item.kind == "respond"}
    queues = [
        replace(
            queue,
            rows=[row for row in queue.rows if row.pk not in listed],
            above=any(row.pk in listed for row in queue.rows),
        )
        for queue in queues
    ]
    return {"asked": asked, "asked_count": work.asked_total, "queues": queues}


def register() -> None:
    register_team_panel(Panel(key="my_work", template="mywork/panel_team.html", context=team_panel_context, order=0))
    register_start_panel(Panel(key="my_work", template="mywork/panel_start.html", context=start_panel_context))
