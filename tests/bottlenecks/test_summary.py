"""The team home's bottleneck panel (selectors.team_summary): its counts come from one grouped query,
and they are the counts each asked on its own would give, for those who see internal items and for
those who do not."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.bottlenecks.helpers import report
from wijkverband.bottlenecks.models import OPEN_STATUSES, Bottleneck, Status
from wijkverband.bottlenecks.selectors import overdue_q, team_summary, visible_bottlenecks
from wijkverband.tenancy.policy import team_rights


def _mixed_log(world) -> None:
    """Items in every status, three categories, internal and not, overdue in both ways and not."""
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=3), today + datetime.timedelta(days=30)
    rows = [
        # (status, category, internal, owned, accept due, resolve due)
        (Status.REPORTED, "medicatie", False, False, past, future),  # overdue: unowned past acceptance
        (Status.REPORTED, "medicatie", True, False, future, future),
        (Status.PICKED_UP, "overdracht", False, True, past, future),  # owned: acceptance does not count
        (Status.IN_PROGRESS, "overdracht", True, True, future, past),  # overdue: past resolution
        (Status.ESCALATED, "ict", False, True, future, past),  # overdue
        (Status.RESOLVED, "medicatie", False, True, past, past),  # closed: never overdue
        (Status.RESOLVED, "ict", True, True, future, future),
    ]
    for number, (status, key, internal, owned, accept_due, resolve_due) in enumerate(rows):
        item = report(world, title=f"Knelpunt nummer {number} in de wijk", category_key=key)
        Bottleneck.objects.for_team(world.team_a).filter(pk=item.pk).update(
            status=status,
            internal=internal,
            owner=world.carla if owned else None,
            accept_due=accept_due,
            resolve_due=resolve_due,
        )
    # Another team's items count nowhere here.
    report(world, actor=world.bram, team=world.team_b, title="Een knelpunt van het andere team")


@pytest.mark.parametrize("persona", ["carla", "rosa"])
def test_the_panel_counts_are_each_count_on_its_own(world, persona):
    _mixed_log(world)
    user = getattr(world, persona)
    rights = team_rights(user=user, team=world.team_a)
    assert rights.can_see_internal == (persona == "carla")
    visible = visible_bottlenecks(team=world.team_a, rights=rights)
    today = timezone.localdate()

    summary = team_summary(team=world.team_a, rights=rights)

    by_status = dict(visible.order_by().values_list("status").annotate(n=Count("*")))
    assert summary.status_counts == [(s.value, s.label, by_status.get(s.value, 0)) for s in Status]
    assert summary.open_count == visible.filter(status__in=OPEN_STATUSES).count()
    by_category = dict(
        visible.filter(status__in=OPEN_STATUSES).order_by().values_list("category__key").annotate(n=Count("*"))
    )
    assert {category.key: n for category, n in summary.category_counts} == by_category
    assert summary.overdue_count == visible.filter(overdue_q(today)).count()
    assert summary.overdue_count == (3 if persona == "carla" else 2)
    assert {b.pk for b in summary.overdue} == set(visible.filter(overdue_q(today)).values_list("pk", flat=True))


def test_the_panel_takes_four_queries_however_many_items(world):
    rights = team_rights(user=world.carla, team=world.team_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            team_summary(team=world.team_a, rights=rights)
        return len(ctx.captured_queries)

    _mixed_log(world)
    # The counts (one grouped query), the categories' names, the oldest open items, the overdue ones.
    assert queries() == 4
    _mixed_log(world)
    assert queries() == 4
