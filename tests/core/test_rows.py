"""wijkverband.core.rows writes and reads as the ORM does: the rows it inserts read back equal to
the ORM's, the client-data guard and the save signals still run, a failed insert leaves nothing,
and `exists` answers what `filter(...).exists()` answers, within the team it names."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.threads.helpers import post, topic
from wijkverband.audit.chains import team_chain
from wijkverband.audit.models import AuditEvent
from wijkverband.audit.services import audit_record
from wijkverband.core import rows
from wijkverband.core.guard import ClientDataRefused
from wijkverband.threads.models import Event, Message
from wijkverband.work.models import Notice, NoticeKind, SubjectKind

pytestmark = pytest.mark.django_db

BSN = "111222333"  # passes the eleven-test


def _message(world, thread, **fields):
    values = {
        "team_id": thread.team_id,
        "thread_id": thread.pk,
        "author": world.carla,
        "client_id": uuid.uuid4(),
        "body": "De medicatie is geleverd.",
        "body_html": "<p>De medicatie is geleverd.</p>",
        "seq": 900,
        "asks_ack": True,
        "created_at": timezone.now() - timedelta(minutes=3),
    }
    return Message(**{**values, **fields})


def _stored(model, pk) -> dict:
    row = model.objects.across_teams().filter(pk=pk).values().get()
    return {name: value for name, value in row.items() if name not in {"id", "client_id", "seq", "search_vector"}}


def test_an_inserted_message_reads_back_as_one_the_orm_saved(world):
    thread = topic(world)
    ours = rows.insert(_message(world, thread))
    theirs = _message(world, thread, seq=901, created_at=ours.created_at)
    theirs.save(force_insert=True)

    assert isinstance(ours.pk, int) and ours.pk != theirs.pk
    assert ours._state.adding is False and ours._state.db == "default"
    assert _stored(Message, ours.pk) == _stored(Message, theirs.pk)
    again = Message.objects.across_teams().get(pk=ours.pk)
    assert (again.client_id, again.seq, again.created_at) == (ours.client_id, 900, ours.created_at)


def test_an_event_keeps_its_data_and_links(world):
    thread = topic(world)
    message = rows.insert(_message(world, thread))
    data = {"seq": 3, "names": ["Carla", "Maarten"], "nested": {"ok": True, "none": None}}
    event = rows.insert(
        Event(
            team_id=thread.team_id, thread=thread, seq=900, kind=Event.Kind.MESSAGE_CREATED, message=message, data=data
        )
    )

    stored = Event.objects.across_teams().get(pk=event.pk)
    assert (stored.data, stored.message_id, stored.thread_id) == (data, message.pk, thread.pk)
    assert stored.kind == "message.created"
    assert stored.created_at == event.created_at  # the field's default, taken at insert


def test_an_audit_row_gets_its_chain_and_verifies(world):
    before = AuditEvent.objects.filter(chain=team_chain(world.team_a.pk)).count()
    with transaction.atomic():
        event = audit_record(actor=world.carla, action="test.rows", team=world.team_a, data={"n": 1})

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.chain == team_chain(world.team_a.pk)
    assert stored.hash == event.hash == stored.compute_hash()
    assert AuditEvent.objects.filter(chain=stored.chain).count() == before + 1


def test_the_client_data_guard_still_refuses_and_nothing_is_stored(world):
    thread = topic(world)
    count = Message.objects.across_teams().count()
    with pytest.raises(ClientDataRefused):
        rows.insert(_message(world, thread, body=f"Cliënt met BSN {BSN} belde."))
    assert Message.objects.across_teams().count() == count


def test_the_save_signals_are_sent(world):
    thread = topic(world)
    seen = []

    def receiver(sender, instance, created, raw, **kwargs):
        seen.append((sender, instance.pk, created, raw))

    post_save.connect(receiver, sender=Message, dispatch_uid="test_rows")
    try:
        message = rows.insert(_message(world, thread))
    finally:
        post_save.disconnect(dispatch_uid="test_rows", sender=Message)
    assert seen == [(Message, message.pk, True, False)]


def test_a_failed_insert_rolls_its_transaction_back(world):
    thread = topic(world)
    first = rows.insert(_message(world, thread))
    count = Message.objects.across_teams().count()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(_message(world, thread, seq=901, body="Nog een keer"))  # same author, new client id: fine
        assert transaction.get_rollback() is False
        rows.insert(_message(world, thread, client_id=first.client_id))  # the same client id again
    assert Message.objects.across_teams().count() == count


def test_an_expression_is_refused_before_anything_is_written(world):
    thread = topic(world)
    count = Message.objects.across_teams().count()
    with pytest.raises(TypeError, match="expression"):
        rows.insert(_message(world, thread, seq=F("seq") + 1))
    assert Message.objects.across_teams().count() == count


def test_an_insert_is_one_statement(world):
    thread = topic(world)
    message = _message(world, thread)
    with CaptureQueriesContext(connection) as queries:
        rows.insert(message)
    assert len(queries) == 1 + (0 if connection.features.can_return_columns_from_insert else 1)


def _activity(world, *, team, user, thread_id, read_at=None):
    return Notice.objects.create(
        team=team,
        user=user,
        kind=NoticeKind.ACTIVITY,
        subject_kind=SubjectKind.THREAD,
        subject_id=thread_id,
        title="Algemeen",
        path="/",
        key=f"activity:test:{uuid.uuid4()}",
        read_at=read_at,
    )


@pytest.mark.parametrize("read", [False, True])
def test_exists_answers_as_the_orm_within_the_named_team(world, read):
    thread = topic(world)
    _activity(world, team=world.team_a, user=world.carla, thread_id=thread.pk, read_at=timezone.now() if read else None)
    # The same subject id in another team: never an answer for this team.
    _activity(world, team=world.team_b, user=world.carla, thread_id=thread.pk + 100000)
    for team, subject in ((world.team_a, thread.pk), (world.team_b, thread.pk), (world.team_b, thread.pk + 100000)):
        for user in (world.carla, world.maarten):
            equal = {
                "team_id": team.pk,
                "user_id": user.pk,
                "subject_kind": SubjectKind.THREAD,
                "subject_id": subject,
                "kind": NoticeKind.ACTIVITY,
            }
            orm = Notice.objects.filter(**equal, read_at__isnull=True).exists()
            assert rows.exists(Notice, null=("read_at",), **equal) is orm
    assert rows.exists(Notice, null=("read_at",), team_id=world.team_a.pk, user_id=world.carla.pk) is (not read)
    assert rows.exists(Notice, team_id=world.team_a.pk, user_id=world.carla.pk, subject_id=thread.pk) is True


def test_a_post_uses_them_and_stays_one_transaction(world):
    """The post's message, event and audit row go through rows.insert; their ids link up."""
    thread = topic(world, actor=world.maarten)  # someone else's thread: the owner's activity notice
    result = post(thread, world.carla, body="Graag even bellen.")
    message = result.message
    event = Event.objects.across_teams().get(message=message)
    audit = AuditEvent.objects.filter(action="message.posted", object_id=str(message.pk)).get()
    assert (event.seq, audit.data) == (message.seq, {"thread": thread.pk, "seq": message.seq})
    assert Notice.objects.filter(user=world.maarten, kind=NoticeKind.ACTIVITY, subject_id=thread.pk).count() == 1
    post(thread, world.carla, body="En nog iets.")  # the notice is still unread: no second one
    assert Notice.objects.filter(user=world.maarten, kind=NoticeKind.ACTIVITY, subject_id=thread.pk).count() == 1


def test_statements_run_together_and_each_keeps_its_result(world):
    thread = topic(world)
    message = rows.insert(_message(world, thread))
    event = Event(team_id=thread.team_id, thread=thread, seq=900, kind=Event.Kind.MESSAGE_CREATED, message=message)
    insert = rows.Insert(event)
    pending = rows.Exists(Notice, team_id=world.team_a.pk, user_id=world.carla.pk, null=("read_at",))
    count = rows.Value("SELECT COUNT(*) FROM threads_event WHERE message_id = %s", [message.pk])
    with CaptureQueriesContext(connection) as queries:
        results = rows.run(insert, pending, count)

    one_trip = connection.vendor == "postgresql"
    assert len(queries) == (1 if one_trip else 3)
    assert results == [event, pending.result, 1]  # the count sees the insert before it
    assert event.pk is not None and Event.objects.across_teams().get(pk=event.pk).message_id == message.pk
    orm = Notice.objects.filter(team=world.team_a, user=world.carla, read_at__isnull=True).exists()
    assert pending.result is orm


def test_a_failing_statement_stops_the_rest_and_the_transaction(world):
    thread = topic(world)
    first = rows.insert(_message(world, thread))
    events = Event.objects.across_teams().count()
    repeat = rows.Insert(_message(world, thread, seq=901, client_id=first.client_id))  # unique (author, client_id)
    after = rows.Insert(Event(team_id=thread.team_id, thread=thread, seq=901, kind=Event.Kind.MESSAGE_CREATED))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.run(repeat, after)
    assert repeat.result is None and after.result is None
    assert Event.objects.across_teams().count() == events


def test_a_plain_post_is_few_statements(world):
    """Someone else's thread: the owner's notice check and the event go with the audit row
    (docs/realtime.md, "Cost of a post")."""
    thread = topic(world, actor=world.maarten)
    post(thread, world.carla, body="Eerste")  # the owner's notice now exists: later posts only check it
    with CaptureQueriesContext(connection) as queries:
        post(thread, world.carla, body="Tweede")
    # PostgreSQL: the thread's number, the message and its event in one statement (threads.services.
    # numbered), the notice check and the audit row (its chain's head and hash in the statement,
    # `wv_audit_append`), sent as one query. SQLite: the number, the message, the
    # event, the notice check, the chain's head, the audit row. The rights come from the cache on
    # the user object the first post filled.
    # (In a test the post's transaction is a savepoint: those statements are not the post's.)
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == (1 if connection.vendor == "postgresql" else 6), [s[:60] for s in statements]


def test_an_insert_from_a_select_takes_the_computed_fields_from_it(world):
    """Insert.select_from: the fields it computes come from the source, the rest are the values."""
    thread = topic(world)
    insert = rows.Insert(_message(world, thread, seq=None))
    sql, params = insert.select_from("(SELECT 777 AS seq) AS numbered", {"seq": "numbered.seq"})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    stored = Message.objects.across_teams().get(client_id=insert.instance.client_id)
    theirs = _message(world, thread, seq=778, created_at=insert.instance.created_at)
    theirs.save(force_insert=True)
    assert stored.seq == 777 and _stored(Message, stored.pk) == _stored(Message, theirs.pk)
    with pytest.raises(ValueError, match="writes no"):
        insert.select_from("numbered", {"no_such_field": "1"})
