"""A post numbers itself and inserts its message and event in one statement on PostgreSQL
(threads.services.numbered); elsewhere in three. Either way: gap-free numbers in commit order, a
repeat or a refusal leaves nothing and gives its number back, and many posters at once in one
thread each get their own number."""

import contextlib
import tempfile
import threading
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from psycopg.pq import Trace, TransactionStatus

from tests.threads.helpers import post, topic
from wijkverband.audit.models import AuditEvent
from wijkverband.audit.selectors import audit_chain_verify
from wijkverband.core import rows
from wijkverband.core.errors import ActionRefused
from wijkverband.core.guard import ClientDataRefused
from wijkverband.threads import services
from wijkverband.threads.models import Event, Message, Thread
from wijkverband.threads.services.numbered import NumberedPost

BSN = "111222333"  # passes the eleven-test
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="a data-modifying WITH: PostgreSQL")


def _unsaved(world, thread, *, body="Graag even bellen.", client_id=None):
    now = timezone.now()
    message = Message(
        team_id=thread.team_id,
        thread_id=thread.pk,
        author=world.carla,
        client_id=client_id or uuid.uuid4(),
        body=body,
        body_html=f"<p>{body}</p>",
        seq=None,
        created_at=now,
    )
    event = Event(team_id=thread.team_id, thread=thread, seq=None, kind=Event.Kind.MESSAGE_CREATED, created_at=now)
    return message, event, now


def _seq(thread) -> int:
    return Thread.objects.across_teams().values_list("seq", flat=True).get(pk=thread.pk)


@pytest.mark.django_db
def test_a_post_numbers_its_message_and_event_alike_and_moves_the_thread_on(world):
    thread = topic(world, actor=world.maarten)
    before = _seq(thread)
    first = post(thread, world.carla, "Eerste").message
    second = post(thread, world.carla, "Tweede").message

    assert (first.seq, second.seq) == (before + 1, before + 2)
    for message in (first, second):
        stored = Message.objects.across_teams().get(pk=message.pk)
        event = Event.objects.across_teams().get(message=message)
        assert (stored.seq, event.seq, event.kind, event.thread_id) == (
            message.seq,
            message.seq,
            Event.Kind.MESSAGE_CREATED,
            thread.pk,
        )
        assert event.created_at == stored.created_at
    row = Thread.objects.across_teams().get(pk=thread.pk)
    assert (row.seq, row.last_activity_at) == (second.seq, second.created_at)


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_number_message_event_notice_check_and_audit_row_are_one_round_trip(world):
    thread = topic(world, actor=world.maarten)  # someone else's: the owner's notice is checked
    post(thread, world.carla, body="Eerste")
    with CaptureQueriesContext(connection) as queries:
        message = post(thread, world.carla, body="Tweede").message
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    # [number, message and event; the owner's notice; the audit row with its chain's head]
    assert len(statements) == 1, [s[:60] for s in statements]
    assert statements[0].startswith("WITH numbered AS (UPDATE")
    assert "wv_audit_append(" in statements[0]
    audited = AuditEvent.objects.filter(action="message.posted").latest("id")
    assert (audited.object_type, audited.object_id) == ("threads.message", str(message.pk))
    assert audited.data == {"thread": thread.pk, "seq": message.seq}
    assert audited.hash == audited.compute_hash() and audit_chain_verify() is None


@contextlib.contextmanager
def _sent_to_postgresql():
    """What this thread's connection sends, as libpq's protocol trace shows it: a list filled on
    leaving with the text of every query message ("F … Query"), one per round trip."""
    connection.ensure_connection()
    pgconn, sent = connection.connection.pgconn, []
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield sent
        finally:
            pgconn.untrace()
        trace.seek(0)
        lines = trace.read().decode("utf-8", "replace").splitlines()
    sent.extend(line.split("\t", 3)[3].strip() for line in lines if line.split("\t")[:3:2] == ["F", "Query"])
    assert not any(line.split("\t")[:3:2] in (["F", "Parse"], ["F", "Bind"]) for line in lines)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_post_is_two_round_trips_its_batch_beginning_the_transaction(world):
    """psycopg would send the transaction's BEGIN on its own first; the post sends it with its
    statements (core.rows), then COMMIT: two round trips, and the post is stored and audited. The
    statements were prepared by the first post on this connection: the second sends their names
    and parameters, not their text."""
    thread = topic(world, actor=world.maarten)
    post(thread, world.carla, body="Eerste")
    with _sent_to_postgresql() as sent:
        message = post(thread, world.carla, body="Tweede").message
    assert len(sent) == 2, [query[:60] for query in sent]
    # [number, message and event; the owner's notice; the audit row with its chain's head]
    assert sent[0].startswith('"BEGIN; EXECUTE wv_') and sent[0].count("; EXECUTE wv_") == 3, sent[0][:200]
    assert "'Tweede'" in sent[0] and "numbered" not in sent[0] and "wv_audit_append" not in sent[0]
    assert sent[1] == '"COMMIT"'
    assert Message.objects.across_teams().get(pk=message.pk).seq == _seq(thread) == message.seq
    assert audit_chain_verify() is None


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_repeat_that_began_the_transaction_rolls_it_back_and_gets_its_answer(world):
    thread = topic(world, actor=world.maarten)
    first = post(thread, world.carla, body="Eerste")
    seq = _seq(thread)
    with _sent_to_postgresql() as sent:
        again = post(thread, world.carla, body="Eerste (opnieuw)", client_id=str(first.message.client_id))
    assert (again.created, again.message.pk) == (False, first.message.pk)
    assert sent[0].startswith('"BEGIN; EXECUTE wv_') and sent[1] == '"ROLLBACK"', [query[:40] for query in sent]
    assert _seq(thread) == seq and Message.objects.across_teams().filter(thread=thread).count() == 1
    assert post(thread, world.carla, body="Tweede").message.seq == seq + 1  # no number lost
    assert not connection.in_atomic_block and connection.connection.info.transaction_status == TransactionStatus.IDLE


@on_postgresql
@pytest.mark.django_db
def test_the_statement_alone_numbers_inserts_and_sends_the_save_signals(world):
    from django.db.models.signals import post_save

    thread = topic(world)
    before = _seq(thread)
    message, event, now = _unsaved(world, thread)
    saved = []

    def record(sender, instance, created, **kwargs):
        saved.append((sender, instance.pk, instance.seq, created))

    post_save.connect(record, sender=Message)
    post_save.connect(record, sender=Event)
    try:
        with transaction.atomic():
            statement = NumberedPost(thread=thread, message=message, event=event, now=now)
            assert rows.run(statement) == [before + 1]
    finally:
        post_save.disconnect(record, sender=Message)
        post_save.disconnect(record, sender=Event)

    assert saved == [(Message, message.pk, before + 1, True), (Event, event.pk, before + 1, True)]
    assert event.message is message and event.message_id == message.pk and thread.seq == before + 1
    assert not message._state.adding and not event._state.adding
    assert Event.objects.across_teams().get(pk=event.pk).message_id == message.pk


@on_postgresql
@pytest.mark.django_db
def test_a_thread_that_is_gone_writes_nothing(world):
    thread = topic(world)
    message, event, now = _unsaved(world, thread)
    gone = Thread(pk=thread.pk + 10_000, team_id=thread.team_id)
    messages = Message.objects.across_teams().count()
    with pytest.raises(Thread.DoesNotExist), transaction.atomic():
        rows.run(NumberedPost(thread=gone, message=message, event=event, now=now))
    assert Message.objects.across_teams().count() == messages and message.pk is None


@on_postgresql
@pytest.mark.django_db
def test_a_repeated_client_id_fails_the_statement_and_gives_the_number_back(world):
    thread = topic(world)
    first = post(thread, world.carla, "Eerste").message
    message, event, now = _unsaved(world, thread, client_id=first.client_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.run(NumberedPost(thread=thread, message=message, event=event, now=now))
    assert _seq(thread) == first.seq
    assert Event.objects.across_teams().filter(thread=thread).count() == 1


@pytest.mark.django_db
def test_client_data_is_refused_and_takes_no_number(world):
    thread = topic(world)
    before = _seq(thread)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ClientDataRefused):
        services.message_post(
            actor=world.carla, thread=thread, body=f"Mevrouw met BSN {BSN} belt morgen.", client_id=str(uuid.uuid4())
        )
    if connection.vendor == "postgresql":  # elsewhere the number is taken first, and rolled back
        assert not any("threads_thread" in q["sql"] and "UPDATE" in q["sql"] for q in queries)
    assert _seq(thread) == before and not Message.objects.across_teams().filter(thread=thread).exists()


@pytest.mark.django_db
def test_a_post_past_the_rate_limit_touches_no_row_but_a_repeat_still_gets_its_answer(world, monkeypatch):
    import time_machine

    monkeypatch.setattr(services, "POSTS_PER_MINUTE", 2)
    thread = topic(world)
    with time_machine.travel(timezone.now(), tick=False):
        first = post(thread, world.carla, "een")
        post(thread, world.carla, "twee")
        seq = _seq(thread)
        with CaptureQueriesContext(connection) as queries, pytest.raises(ActionRefused) as refused:
            post(thread, world.carla, "drie")
        assert refused.value.code == "rate_limited"
        assert _seq(thread) == seq and not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in queries)
        # A retry of a post that is in (a reconnect resends it) is answered with it, limit or not.
        again = post(thread, world.carla, "een (opnieuw)", client_id=str(first.message.client_id))
        assert (again.created, again.message.pk) == (False, first.message.pk)
    assert Message.objects.across_teams().filter(thread=thread).count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_many_posters_at_once_in_one_thread_get_every_number_once(world):
    monkey_limit = services.POSTS_PER_MINUTE
    services.POSTS_PER_MINUTE = 10_000
    thread = topic(world, actor=world.maarten)
    before = _seq(thread)
    posters, each = [world.carla, world.maarten, world.pieter], 15
    barrier = threading.Barrier(len(posters))
    errors, repeat = [], str(uuid.uuid4())

    def write(person):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for i in range(each):
                services.message_post(actor=person, thread=thread, body=f"bericht {i}", client_id=str(uuid.uuid4()))
            # All three send one more with the same client id: three authors, three messages.
            services.message_post(actor=person, thread=thread, body="samen", client_id=repeat)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    try:
        workers = [threading.Thread(target=write, args=(person,)) for person in posters]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
    finally:
        services.POSTS_PER_MINUTE = monkey_limit

    assert errors == []
    total = len(posters) * (each + 1)
    numbers = sorted(Message.objects.across_teams().filter(thread=thread).values_list("seq", flat=True))
    assert numbers == list(range(before + 1, before + total + 1))
    events = sorted(Event.objects.across_teams().filter(thread=thread).values_list("seq", "message__seq"))
    assert events == [(n, n) for n in numbers]
    assert _seq(thread) == before + total
