"""A mention in a thread the person is reading as the message comes in tells them nothing more, as in
a chat app: they see the message arrive, and were told at the same moment that they were mentioned
("Carla noemde je in …", the header's count, the live line). Found by a tester with two phones.

The live page reports what it showed (its read marker: the socket's "read" frame, or the HTTP
read endpoint): a mention the person has read before the notice is made (the mention job runs
after the post, in the worker) is made read, and neither pushed to their pages nor mailed. One who
is not reading (their marker behind the message) is told as before. An edit that adds a mention
counts as read only once the edit was shown (the marker past the edit, not the message)."""

import json

import pytest
from django.db import connection
from django.test import TestCase
from django.utils.module_loading import import_string

from tests.postgres import second_waits_for_first
from tests.threads.helpers import topic
from tests.threads.test_notification_count import header_count
from wijkverband.realtime import publish
from wijkverband.threads import services
from wijkverband.threads.services import notifications
from wijkverband.work.models import Mail, Notice, NoticeKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_jobs(monkeypatch):
    """The mention jobs a post queues, held back as the worker holds them until it gets to them."""
    jobs = []
    monkeypatch.setattr(notifications.tasks, "enqueue_in_transaction", lambda func, *args: jobs.append((func, args)))
    return jobs


@pytest.fixture
def pushed(monkeypatch):
    """The frames each person's open pages get (their user group), decoded."""
    frames = []
    monkeypatch.setattr(publish, "_send", lambda group, message: frames.append((group, message)))

    def to(user) -> list[dict]:
        return [json.loads(m["frame"]) for g, m in frames if g == publish.user_group(user.pk) and "frame" in m]

    return to


def run(jobs) -> None:
    """The worker gets to the held jobs (each in its own transaction, its pushes after the commit)."""
    while jobs:
        func, args = jobs.pop(0)
        with TestCase.captureOnCommitCallbacks(execute=True):
            import_string(func)(*args)


def post(thread, actor, body, **kwargs):
    import uuid

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.message_post(actor=actor, thread=thread, body=body, client_id=str(uuid.uuid4()), **kwargs)


def read_on_the_page(client, thread, seq) -> None:
    """The live page showed the thread up to `seq` and says so (threads.js markRead, over HTTP here)."""
    answer = client.post(f"/t/oost/threads/{thread.pk}/read/", {"seq": seq}, HTTP_ACCEPT="application/json")
    assert answer.json()["seq"] == seq


def test_a_mention_shown_to_the_person_reading_the_thread_tells_them_nothing_more(world, client_for, held_jobs, pushed):
    thread = topic(world, title="Medicatieoverdracht")
    maarten = client_for("maarten")
    maarten.get(f"/t/oost/threads/{thread.pk}/")  # he has the thread open
    posted = post(thread, world.carla, "@maarten, bel jij de apotheek?")
    read_on_the_page(maarten, thread, posted.message.seq)  # it arrived on his screen, he read it
    run(held_jobs)

    assert header_count(maarten) == 0
    assert [f for f in pushed(world.maarten) if f["type"] == "notification"] == []
    assert not Mail.objects.filter(user_id=world.maarten.pk).exists()
    # The mention is there, read: his notifications page lists it as read.
    notice = Notice.objects.get(user=world.maarten, kind=NoticeKind.MENTION)
    assert notice.read_at is not None
    assert "Carla Coördinator noemde je in" in maarten.get("/notifications/").content.decode()


def test_a_mention_of_someone_not_reading_the_thread_still_tells_them(world, client_for, held_jobs, pushed):
    thread = topic(world, title="Medicatieoverdracht")
    maarten, sofie = client_for("maarten"), client_for("sofie")
    maarten.get(f"/t/oost/threads/{thread.pk}/")
    sofie.get(f"/t/oost/threads/{thread.pk}/")
    posted = post(thread, world.carla, "@maarten en @sofie, bel jij de apotheek?")
    read_on_the_page(sofie, thread, posted.message.seq)  # she reads along; Maarten's tab is in the background
    run(held_jobs)

    assert header_count(maarten) == 1
    (frame,) = [f for f in pushed(world.maarten) if f["type"] == "notification"]
    assert frame["kind"] == NoticeKind.MENTION and frame["thread"] == thread.pk
    assert header_count(sofie) == 0
    # Once he reads it, it is read (as before).
    read_on_the_page(maarten, thread, posted.message.seq)
    assert header_count(maarten) == 0


def test_a_mention_added_by_an_edit_tells_the_person_unless_they_saw_the_edit(world, client_for, held_jobs, pushed):
    thread = topic(world, title="Wondzorg")
    maarten, sofie = client_for("maarten"), client_for("sofie")
    message = post(thread, world.carla, "Wie kijkt naar de wond?").message
    maarten.get(f"/t/oost/threads/{thread.pk}/")  # both read the message before it was edited
    sofie.get(f"/t/oost/threads/{thread.pk}/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.message_edit(actor=world.carla, message=message, body="Wie kijkt naar de wond, @maarten of @sofie?")
    thread.refresh_from_db()
    read_on_the_page(sofie, thread, thread.seq)  # the edit came in on her screen
    run(held_jobs)

    assert header_count(maarten) == 1, "he read the message, not the mention the edit added"
    assert [f["kind"] for f in pushed(world.maarten) if f["type"] == "notification"] == [NoticeKind.MENTION]
    assert header_count(sofie) == 0
    assert [f for f in pushed(world.sofie) if f["type"] == "notification"] == []


def test_a_confirmation_request_stays_until_confirmed_also_for_who_read_it_as_it_came(world, client_for, held_jobs):
    thread = topic(world, title="Rooster")
    maarten = client_for("maarten")
    maarten.get(f"/t/oost/threads/{thread.pk}/")
    posted = post(thread, world.carla, "Graag bevestigen: ik ben vrijdag vrij.", asks_ack=True)
    read_on_the_page(maarten, thread, posted.message.seq)
    run(held_jobs)
    assert header_count(maarten) == 1, "reading is not confirming"
    services.message_acknowledge(actor=world.maarten, message=posted.message)
    assert header_count(maarten) == 0


def _opened_then_mentioned(world, held_jobs):
    """Maarten has the thread open (his read marker, behind); Carla mentions him, the job held back."""
    thread = topic(world, title="Medicatieoverdracht")
    services.read_marker_set(actor=world.maarten, thread=thread, seq=0, announce=False)
    message = post(thread, world.carla, "@maarten, bel jij de apotheek?").message
    ((func, args),) = held_jobs
    return message, lambda: import_string(func)(*args)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_read_under_way_when_the_mention_job_runs_is_waited_for(world, held_jobs):
    """His page says it read the message while the job reads who did: the job waits for that read
    and makes his notice read. (Read as it was before the read committed, it was made unread, and the
    read had settled nothing: it stayed.)"""
    message, job = _opened_then_mentioned(world, held_jobs)

    def read():
        return services.read_marker_set(actor=world.maarten, thread=message.thread, seq=message.seq, announce=False)

    results = second_waits_for_first(read, job)
    assert results == {"first": message.seq, "second": None}, results
    assert Notice.objects.get(user=world.maarten, kind=NoticeKind.MENTION).read_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_read_that_comes_while_the_mention_job_writes_reads_its_notice(world, held_jobs):
    """The other order: the job has read his marker (behind) and writes his notice when his page says
    it read the message. The read waits for the job, and then reads the notice it made."""
    message, job = _opened_then_mentioned(world, held_jobs)

    def read():
        return services.read_marker_set(actor=world.maarten, thread=message.thread, seq=message.seq, announce=False)

    results = second_waits_for_first(job, read)
    assert results == {"first": None, "second": message.seq}, results
    assert Notice.objects.get(user=world.maarten, kind=NoticeKind.MENTION).read_at is not None
