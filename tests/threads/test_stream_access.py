"""access_stream_rights (a subscribe's two written-out queries) answers exactly as access_stream_thread."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tests.threads.helpers import topic
from wijkverband.threads import services
from wijkverband.threads.access import access_stream_rights, access_stream_thread
from wijkverband.threads.models import Thread

PEOPLE = ["carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines"]


def _answer(fn, user, thread_id):
    try:
        return fn(user, thread_id)
    except Http404:
        return "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_the_same_answer_for_every_persona_and_kind_of_thread(world, name):
    threads = [
        topic(world, title="Gesloten"),
        topic(world, title="Open", open_to_representatives=True),
        topic(world, title="Zuid", team=world.team_b, actor=world.bram, open_to_representatives=True),
        topic(world, title="Eemland", team=world.team_c, actor=world.chris),
    ]
    internal = topic(world, title="Intern", open_to_representatives=True)
    Thread.objects.across_teams().filter(pk=internal.pk).update(internal=True)
    escalated = topic(world, title="Knelpunt")
    services.thread_set_escalated(actor=world.carla, thread=escalated, escalated=True)
    user = world.persona(name)
    for thread_id in [t.pk for t in [*threads, internal, escalated]] + [999_999, 0, "x"]:
        fresh = _answer(lambda u, t: access_stream_rights(user=u, thread_id=t), user, thread_id)
        full = _answer(lambda u, t: access_stream_thread(user=u, thread_id=t)[2], user, thread_id)
        assert fresh == full, (name, thread_id)


@pytest.mark.django_db
def test_two_queries(world):
    thread = topic(world)
    with CaptureQueriesContext(connection) as read:
        assert access_stream_rights(user=world.maarten, thread_id=thread.pk).can_post
    assert len(read.captured_queries) == 2
