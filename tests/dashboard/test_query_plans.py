"""The dashboard's queries read what they need through an index: plans, not timings (what a query
reads does not depend on the machine). PostgreSQL in CI, SQLite in a plain run."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dashboard.test_figures import _adopt, _new
from wijkverband.agreements.selectors import region_team_agreement_figures
from wijkverband.dashboard import periods


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test data is a few rows, which PostgreSQL would rather read whole: ask which index it
            # takes when it cannot, as it cannot for a region's hundreds of thousands of events.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _event_lines(plan: str) -> list[str]:
    """The lines that read the events table (PostgreSQL: "… Scan …", SQLite: "SCAN …" or "SEARCH …")."""
    return [
        line
        for line in plan.splitlines()
        if "agreements_agreementevent" in line and ("SCAN" in line.upper() or "SEARCH" in line)
    ]


@pytest.mark.django_db
def test_the_adoptions_in_the_period_are_read_from_their_own_index(world, clock):
    """The dashboard's "adopted in the period" counts the adoption events of the region's teams in the
    period. Through the team index PostgreSQL read every event of those teams and kept the few
    adoptions (500,000 rows read for 1,600 in a region of 50 teams); the partial index holds the
    adoptions only, and holds the columns the count needs (an index-only scan)."""
    for title in ("Een", "Twee"):
        _adopt(world, _new(world, title=title))
    period = periods.parse("2026-Q1")
    with CaptureQueriesContext(connection) as queries:
        figures = region_team_agreement_figures(
            team_ids=[world.team_a.pk, world.team_b.pk], start=period.start_at, end=period.end_at
        )
    assert figures[world.team_a.pk].adopted_in_period == 2
    (query,) = queries.captured_queries
    plan = _plan(query["sql"])
    (events,) = _event_lines(plan)
    if connection.vendor == "postgresql":
        assert "Index Only Scan using agreement_event_adoption" in events, plan
    else:
        assert "USING INDEX agreement_event_adoption" in events, plan
