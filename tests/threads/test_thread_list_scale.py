"""The thread list's one query counts each thread's messages and unread messages per thread, not
per message: as a join of every message it once took 0.7 s for a team of ten threads and 3,000
messages, growing with the square of a thread's length (threads/selectors.py, _with_unread)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.threads.helpers import post, topic
from wijkverband.tenancy.policy import team_rights
from wijkverband.threads import selectors, services

pytestmark = pytest.mark.django_db


def test_counts_stay_right_and_the_query_joins_no_messages(world):
    long, short, _empty = topic(world, title="Lang"), topic(world, title="Kort"), topic(world, title="Leeg")
    for i in range(30):
        post(long, world.carla if i % 3 else world.maarten, f"bericht {i}")
    gone = post(short, world.carla, "weg ermee").message
    post(short, world.carla, "blijft")
    services.message_delete(actor=world.carla, message=gone)
    services.read_marker_set(actor=world.maarten, thread=long, seq=12, announce=False)

    rights = team_rights(user=world.maarten, team=world.team_a)
    with CaptureQueriesContext(connection) as queries:
        listed = {t.title: t for t in selectors.team_threads(user=world.maarten, team=world.team_a, rights=rights)}
    (query,) = [q["sql"] for q in queries.captured_queries]

    assert (listed["Lang"].message_count, listed["Kort"].message_count, listed["Leeg"].message_count) == (30, 1, 0)
    # Unread for Maarten: the others' messages after his marker (seq 12), not his own every third.
    unread_after_12 = sum(1 for i in range(12, 30) if i % 3)
    assert listed["Lang"].unread == unread_after_12
    assert listed["Kort"].unread == 1  # the deleted one is not counted
    assert listed["Leeg"].unread == 0
    # Messages are only read in the per-thread subqueries: the outer query joins none of them.
    assert 'JOIN "threads_message"' not in query
