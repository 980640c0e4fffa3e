"""The heads the socket's hub reads (threads.selectors.thread_heads): each thread's current number,
for threads of any team, in one query however many (the hub asks about every followed thread)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.threads.helpers import post, topic
from wijkverband.threads.selectors import thread_heads


def test_each_thread_s_current_number_in_one_query_across_teams(world):
    a = topic(world)
    quiet = topic(world, title="Stil")
    b = topic(world, team=world.team_b, actor=world.bram)
    for body in ("een", "twee", "drie"):
        post(a, world.carla, body)
    post(b, world.bram)
    with CaptureQueriesContext(connection) as queries:
        heads = thread_heads(thread_ids=[a.pk, quiet.pk, b.pk, 999_999])
    assert heads == {a.pk: 3, quiet.pk: 0, b.pk: 1}  # an id that is no thread is left out
    assert len(queries) == 1
    many = [topic(world, title=f"Onderwerp {i}").pk for i in range(30)]
    with CaptureQueriesContext(connection) as queries:
        assert thread_heads(thread_ids=iter(many)) == dict.fromkeys(many, 0)
    assert len(queries) == 1


def test_no_threads_asks_nothing(world):
    with CaptureQueriesContext(connection) as queries:
        assert thread_heads(thread_ids=[]) == {}
    assert not queries
