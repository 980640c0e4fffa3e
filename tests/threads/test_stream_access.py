"""access_stream_rights (a subscribe's one written-out query) and access_stream_thread (a post's read of
the thread with the rights) answer exactly as the ORM and guardian's checker do."""

import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from guardian.core import ObjectPermissionChecker

from tests.threads.helpers import topic
from wijkverband.tenancy.policy import _team_rights_by_checker
from wijkverband.threads import services
from wijkverband.threads.access import access_stream_rights, access_stream_thread
from wijkverband.threads.models import Thread
from wijkverband.threads.policy import thread_rights

PEOPLE = ["carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines"]


def _guardian(user, thread_id):
    """The thread's rights as the ORM and guardian's own checker read them, object by object."""
    thread = Thread.objects.across_teams().select_related("team__region").filter(pk=thread_id).first()
    if thread is None:
        return "not_found"
    user = type(user).objects.get(pk=user.pk)  # (nothing cached)
    rights = thread_rights(
        rights=_team_rights_by_checker(user, thread.team, ObjectPermissionChecker(user)), thread=thread
    )
    return rights if rights.can_read else "not_found"


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
        expected = _guardian(user, thread_id) if isinstance(thread_id, int) and thread_id else "not_found"
        assert fresh == full == expected, (name, thread_id)


@pytest.mark.django_db
def test_one_query_for_a_subscribe_and_for_a_post_that_reads_the_rights_again(world):
    thread = topic(world)
    for read_it in (
        lambda: access_stream_rights(user=world.maarten, thread_id=thread.pk).can_post,
        lambda: access_stream_thread(user=world.maarten, thread_id=thread.pk)[2].can_post,
    ):
        with CaptureQueriesContext(connection) as read:
            assert read_it()
        assert len(read.captured_queries) == 1, [q["sql"] for q in read.captured_queries]


@pytest.mark.django_db
def test_rights_read_with_the_thread_are_read_anew_and_replace_what_was_cached(world):
    """A subscribe or a post that reads the rights again sees a membership removed a moment ago,
    whatever this socket's user object cached before."""
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import Membership
    from wijkverband.tenancy.policy import team_rights

    thread = topic(world)
    user = world.maarten
    assert access_stream_rights(user=user, thread_id=thread.pk).can_post
    tenancy_services.membership_remove(
        actor=world.carla, membership=Membership.objects.for_team(world.team_a).get(user=world.maarten)
    )
    assert team_rights(user=user, team=world.team_a).can_contribute  # cached, until read again
    with pytest.raises(Http404):
        access_stream_rights(user=user, thread_id=thread.pk)
    assert not team_rights(user=user, team=world.team_a).can_view  # what was read replaced it
    with pytest.raises(Http404):
        access_stream_thread(user=user, thread_id=thread.pk)


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
            seen, no_rights = _stream_thread(made.pk)
            team, region = seen.team, seen.team.region
        assert len(read.captured_queries) == 1 and no_rights is None
        assert _fields(seen) == _fields(orm)
        assert _fields(team) == _fields(orm.team)
        assert _fields(region) == _fields(orm.team.region)
        assert seen.last_activity_at.tzinfo is not None
        assert seen._state.db == "default" and not seen._state.adding  # saved as a loaded row would be
        # With the rights: the same thread, in one statement as well.
        with CaptureQueriesContext(connection) as read:
            again, rights = _stream_thread(made.pk, rights_of=world.persona("olga"))
        assert len(read.captured_queries) == 1
        assert _fields(again) == _fields(orm) and _fields(again.team.region) == _fields(orm.team.region)
        assert rights.can_oversee == (orm.team.region_id == world.region.pk)
    assert _stream_thread(999_999) == (None, None)
    assert _stream_thread(999_999, rights_of=world.carla) == (None, None)


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
