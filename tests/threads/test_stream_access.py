"""access_stream_rights (a subscribe's two written-out queries) answers exactly as access_stream_thread."""

import uuid

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


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_a_read_marker_over_the_socket_sees_the_thread_as_the_rights_queries_read_it(world, name):
    """ThreadStreams.read (a read marker over the socket) takes the bare thread of access_stream_bare:
    the same answer as access_stream_thread's, with the id, team and access fields the marker needs."""
    from wijkverband.threads.access import access_stream_bare

    thread = topic(world, title="Open", open_to_representatives=True)
    escalated = topic(world, title="Knelpunt")
    services.thread_set_escalated(actor=world.carla, thread=escalated, escalated=True)
    user = world.persona(name)
    for thread_id in [thread.pk, escalated.pk, 999_999]:
        full = _answer(lambda u, t: access_stream_thread(user=u, thread_id=t), user, thread_id)
        bare = _answer(lambda u, t: access_stream_bare(user=u, thread_id=t), user, thread_id)
        if full == "not_found":
            assert bare == "not_found", (name, thread_id)
            continue
        (whole, _rights, trights), (seen, bare_rights) = full, bare
        assert bare_rights == trights
        assert (seen.pk, seen.team_id, seen.team.region_id) == (whole.pk, whole.team_id, whole.team.region_id)
        assert (seen.open_to_representatives, seen.internal, seen.escalated) == (
            whole.open_to_representatives,
            whole.internal,
            whole.escalated,
        )


@pytest.mark.django_db
def test_a_read_marker_over_the_socket_reads_the_thread_in_the_written_out_queries(world):
    from wijkverband.threads.streams import ThreadStreams

    thread = topic(world)
    services.message_post(actor=world.carla, thread=thread, body="Eerste bericht", client_id=uuid.uuid4())
    user = world.persona("maarten")
    with CaptureQueriesContext(connection) as read:
        assert ThreadStreams().read(user, thread.pk, 1) == 1
    sql = [q["sql"] for q in read.captured_queries]
    assert not any('"threads_thread"."title"' in q for q in sql), sql  # the ORM's whole thread
    assert ThreadStreams().read(user, thread.pk, 5) == 1  # never past the head


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


@pytest.mark.django_db
def test_the_written_out_thread_is_the_orms_thread_with_its_team_and_region(world):
    """access_stream_thread reads the thread, its team and the region in one statement written out
    once (a post from someone who has not posted for a few seconds): every field as the ORM's
    select_related("team__region") reads it, dates aware, nothing read again later."""
    from wijkverband.threads.access import _stream_thread

    threads = [
        topic(world, title="Open", open_to_representatives=True),
        topic(world, title="Zuid", team=world.team_b, actor=world.bram),
        topic(world, title="Eemland", team=world.team_c, actor=world.chris),
    ]
    escalated = topic(world, title="Knelpunt")
    services.thread_set_escalated(actor=world.carla, thread=escalated, escalated=True)
    services.message_post(actor=world.carla, thread=escalated, body="Eerste bericht", client_id=uuid.uuid4())
    for made in [*threads, escalated]:
        orm = Thread.objects.across_teams().select_related("team__region").get(pk=made.pk)
        with CaptureQueriesContext(connection) as read:
            seen = _stream_thread(made.pk)
            team, region = seen.team, seen.team.region
        assert len(read.captured_queries) == 1
        assert _fields(seen) == _fields(orm)
        assert _fields(team) == _fields(orm.team)
        assert _fields(region) == _fields(orm.team.region)
        assert seen.last_activity_at.tzinfo is not None
        assert seen._state.db == "default" and not seen._state.adding  # saved as a loaded row would be
    assert _stream_thread(999_999) is None


@pytest.mark.django_db
def test_a_post_with_its_rights_read_again_reads_the_thread_in_one_written_out_query(world):
    from wijkverband.threads.streams import ThreadStreams

    thread = topic(world)
    user = world.persona("maarten")
    with CaptureQueriesContext(connection) as read:
        ack, token = ThreadStreams().post(user, thread.pk, None, "Geleverd", str(uuid.uuid4()), False, True)
    assert ack["seq"] == 1 and token.pk == thread.pk
    sql = [q["sql"] for q in read.captured_queries]
    assert not any('"threads_thread"."title"' in q for q in sql), sql  # not the ORM's three-model query
    assert sum("threads_thread" in q and "JOIN" in q for q in sql) == 1, sql
