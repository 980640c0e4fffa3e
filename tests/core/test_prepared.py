"""wijkverband.core.rows.prepared_cursor: on PostgreSQL the statements of every post, reconnect and
page are prepared once per connection and then run by name, alone or in a post's one round trip,
with the same answers; a rolled-back transaction keeps them; a connection whose statements the
server forgot prepares them again; the query log still shows the statements' own text;
`DATABASE_PREPARED_STATEMENTS=false` (PgBouncer) prepares nothing."""

import re

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.threads.helpers import post, topic
from wijkverband.audit.models import AuditEvent
from wijkverband.audit.selectors import audit_chain_verify
from wijkverband.core import rows
from wijkverband.realtime import lifecycle
from wijkverband.tenancy.policy import team_rights_fresh
from wijkverband.tenancy.second_factor import second_factor_missing_at_sign_in
from wijkverband.threads import services
from wijkverband.threads.access import access_stream_bare
from wijkverband.threads.models import Message

pytestmark = [
    # Outside a test transaction, each test on a new connection, which has prepared nothing (the
    # server forgets a connection's prepared statements when it closes).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def _new_connection():
    connection.close()


def _prepared() -> list[str]:
    """Each statement this connection has prepared: prepared_cursor's (by psycopg, bound on the
    server) as they are, run's as their PREPARE (PostgreSQL shows the whole query that a PREPARE
    came in: cut to the PREPARE itself)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements ORDER BY name")
        found = cursor.fetchall()
    return [
        re.search(rf"PREPARE {name} AS .*?(?=; (?:PREPARE|EXECUTE) |$)", query, re.S).group()
        if name.startswith("wv_")
        else query
        for name, query in found
    ]


def _reconnect_reads(world, thread, session_key):
    """What a reconnect reads: the session with the user and the second-factor rule, then the thread
    with the rights (of a professional and of a social-domain professional)."""
    person, expiry = lifecycle.session_user(session_key)
    return (
        (person, expiry),
        second_factor_missing_at_sign_in(person),
        access_stream_bare(user=world.maarten, thread_id=thread.pk)[1],
        access_stream_bare(user=world.sofie, thread_id=thread.pk)[1],
    )


def test_a_reconnects_statements_are_prepared_once_and_answer_as_before(world):
    thread = services.thread_create(actor=world.carla, team=world.team_a, title="Voorbereid")
    client = Client()
    client.force_login(world.maarten)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    before = _prepared()  # (making the thread read the rights already)
    with override_settings(DATABASE_PREPARED_STATEMENTS=False):
        unprepared = _reconnect_reads(world, thread, key)
    assert _prepared() == before

    first = _reconnect_reads(world, thread, key)
    statements = [s for s in _prepared() if s not in before]  # (prepared by the reconnect's reads)
    tables = (
        'FROM "accounts_session" LEFT JOIN "accounts_user"',  # the session and its person, together
        'FROM "accounts_user" WHERE',
        "mfa_authenticator",  # (in the session's statement)
        "threads_thread",
        "tenancy_teamuserobjectpermission",  # (in the thread's statement)
    )
    assert [sum(table in s for s in statements) for table in tables] == [1, 0, 1, 1, 1], "\n".join(statements)
    assert any("accounts_session" in s and "mfa_authenticator" in s for s in statements)
    assert any("threads_thread" in s and "tenancy_teamuserobjectpermission" in s for s in statements)
    assert any("accounts_session" in s and "$2" in s for s in statements)  # prepared with its parameters
    again = _reconnect_reads(world, thread, key)
    assert [s for s in _prepared() if s not in before] == statements, "a statement was prepared again"
    assert first == again == unprepared
    assert first[0][0] == world.maarten and first[0][1].tzinfo is not None  # the session's expiry, aware


def test_the_query_log_still_shows_a_prepared_statement(world):
    team_rights_fresh(user=world.maarten, team=world.team_a)  # prepared now
    with CaptureQueriesContext(connection) as log:
        team_rights_fresh(user=world.maarten, team=world.team_a)
    assert len(log.captured_queries) == 1
    assert "tenancy_teamuserobjectpermission" in log.captured_queries[0]["sql"]


def test_switched_off_it_is_djangos_own_cursor(world):
    assert not _prepared()
    with override_settings(DATABASE_PREPARED_STATEMENTS=False), rows.prepared_cursor(connection) as cursor:
        cursor.execute("SELECT %s", [1])
        assert cursor.fetchone() == (1,)
    assert not _prepared()


def test_the_cursor_is_on_the_calling_threads_own_connection(world):
    """prepared_cursor looks `django.db.connection` up once per call, in the thread that calls it:
    the socket's pools run these statements in many threads, each on its own connection."""
    import threading

    def backend_pid():
        with rows.prepared_cursor(connection) as cursor:
            cursor.execute("SELECT pg_backend_pid() + %s", [0])
            return cursor.fetchone()[0]

    pids = {"main": backend_pid()}

    def in_a_thread():
        try:
            pids["thread"] = backend_pid()
        finally:
            connection.close()

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join()
    assert pids["main"] == backend_pid()
    assert pids["thread"] != pids["main"]


def _post_statements(before) -> list[str]:
    return [s for s in _prepared() if s not in before]


def test_a_posts_statements_are_prepared_once_and_go_in_one_round_trip(world):
    thread = topic(world)
    before = _prepared()
    first = post(thread, world.carla, "Eerste bericht")
    statements = _post_statements(before)
    # The number with the message and its event in one statement, and the audit row: both prepared.
    assert sum('INSERT INTO "threads_message"' in s and "$1" in s for s in statements) == 1, statements
    assert sum("wv_audit_append" in s for s in statements) == 1, statements
    with CaptureQueriesContext(connection) as log:
        second = post(thread, world.carla, "Tweede bericht")
    assert _post_statements(before) == statements, "a statement was prepared again"
    # One round trip for the number, message, event and audit row, then the commit; the log shows
    # the statements' own text, not their EXECUTE.
    batch = [q["sql"] for q in log.captured_queries if "threads_message" in q["sql"]]
    assert len(batch) == 1 and "wv_audit_append" in batch[0] and "EXECUTE" not in batch[0]
    assert "Tweede bericht" in batch[0]
    stored = Message.objects.across_teams().filter(thread=thread).order_by("seq")
    assert [(m.seq, m.body) for m in stored] == [(1, "Eerste bericht"), (2, "Tweede bericht")]
    assert (first.message.seq, second.message.seq) == (1, 2)
    assert AuditEvent.objects.filter(action="message.posted", object_id=str(second.message.pk)).count() == 1
    assert audit_chain_verify() is None


def _posts_prepared() -> list[str]:
    """run's prepared statements of a post: its number with the message and event, its audit row."""
    return [s for s in _prepared() if s.startswith("PREPARE wv_") and ("threads_message" in s or "AS appended" in s)]


def test_after_psycopg_deallocates_at_a_rollback_a_post_prepares_again(world):
    """psycopg sends DEALLOCATE ALL after a rollback when it has prepared statements of its own
    (prepared_cursor's: the post's rights), which drops run's as well: the next post knows, and
    prepares them again in its own query instead of failing."""
    thread = topic(world)
    post(thread, world.carla, "Eerst")
    statements = _posts_prepared()
    assert len(statements) == 2, statements
    with transaction.atomic():
        post(thread, world.carla, "Teruggedraaid")
        transaction.set_rollback(True)
    assert not _posts_prepared(), "psycopg's DEALLOCATE ALL dropped them"
    after = post(thread, world.carla, "Wel bewaard")
    assert _posts_prepared() == statements
    assert [m.body for m in Message.objects.across_teams().filter(thread=thread).order_by("seq")] == [
        "Eerst",
        "Wel bewaard",
    ]
    assert after.message.seq == 2
    assert audit_chain_verify() is None


def test_a_discard_all_through_django_is_noticed(world):
    thread = topic(world)
    post(thread, world.carla, "Eerst")
    with connection.cursor() as cursor:
        cursor.execute("DISCARD ALL")
    post(thread, world.carla, "Daarna")
    assert len(_posts_prepared()) == 2
    assert Message.objects.across_teams().filter(thread=thread).count() == 2


def test_a_connection_whose_statements_the_server_forgot_prepares_them_again(world):
    """Something dropped run's statements where psycopg does not see it (here: one DEALLOCATE per
    name): the next post fails with a database error and stores nothing; the one after prepares
    again and is stored."""
    thread = topic(world)
    post(thread, world.carla, "Eerst")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'wv%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f"DEALLOCATE {name}")
    with pytest.raises(DatabaseError):
        post(thread, world.carla, "Verloren")
    assert not Message.objects.across_teams().filter(body="Verloren").exists()
    post(thread, world.carla, "Weer goed")
    assert sum('INSERT INTO "threads_message"' in s for s in _prepared()) == 1
    assert [m.body for m in Message.objects.across_teams().filter(thread=thread).order_by("seq")] == [
        "Eerst",
        "Weer goed",
    ]
    assert audit_chain_verify() is None


def test_switched_off_or_over_the_limit_a_post_prepares_nothing(world, monkeypatch):
    thread = topic(world)
    before = _prepared()
    with override_settings(DATABASE_PREPARED_STATEMENTS=False):
        post(thread, world.carla, "Zonder")
    assert _prepared() == before
    monkeypatch.setattr(rows, "PREPARED_PER_CONNECTION", 0)
    post(thread, world.carla, "Vol")
    assert _prepared() == before
    assert Message.objects.across_teams().filter(thread=thread).count() == 2


def test_a_statements_percent_signs_and_parameters_are_kept():
    name, prepare, execute = rows._preparable("SELECT %s || '%%' || %s")
    assert prepare == f"PREPARE {name} AS SELECT $1 || '%%' || $2"  # (sent with parameters)
    assert execute == f"EXECUTE {name}(%s, %s)"
    assert rows._preparable("SELECT 1")[2] == f"EXECUTE {rows._preparable('SELECT 1')[0]}"
    assert rows._preparable("SELECT %(named)s") is None  # left as it is
    with rows._statements_cursor(connection) as cursor:
        cursor.execute("SELECT %s || '%%' || %s", ["50", "!"])
        assert cursor.fetchone() == ("50%!",)
        cursor.execute("SELECT %s || '%%' || %s", ["7", "?"])
        assert cursor.fetchone() == ("7%?",)
    assert _prepared() == [prepare.replace("%%", "%")]


def test_a_post_refused_in_the_query_that_prepared_its_statements_leaves_the_connection_posting(world):
    """A repeated post on a connection that has not prepared the post's statements yet: the query
    with their PREPAREs fails at the message's unique client id. Which PREPAREs ran is not known, so
    the connection starts again (DEALLOCATE ALL) and the next post prepares once more."""
    thread = topic(world)
    first = post(thread, world.carla, "Eerste")
    connection.close()
    again = post(thread, world.carla, "Eerste (opnieuw)", client_id=str(first.message.client_id))
    assert (again.created, again.message.pk) == (False, first.message.pk)
    second = post(thread, world.carla, "Tweede")
    assert second.message.seq == first.message.seq + 1
    statements = _prepared()
    assert sum('INSERT INTO "threads_message"' in s for s in statements) == 1, statements
    assert len(statements) == len(set(statements))


def test_a_batch_whose_text_an_execute_wrapper_changed_goes_as_text(world):
    """An execute wrapper (say, one that tags queries with a comment) changes the batch's text on
    the way: it is sent as changed, unprepared, and its results are read as usual."""
    thread = topic(world)
    connection.close()  # a new connection: the post's PREPAREs would lead its batch
    sent = []

    def tagged(execute, sql, params, many, context):
        if "threads_message" in sql:
            sql = f"/* tagged */ {sql}"
            sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(tagged):
        second = post(thread, world.carla, "Getagd")
    assert sent and sent[0].startswith("/* tagged */ BEGIN; WITH numbered")
    assert second.message.seq == 1
    assert Message.objects.across_teams().get(pk=second.message.pk).body == "Getagd"
    assert post(thread, world.carla, "Daarna").message.seq == 2  # prepared now, untagged
    assert audit_chain_verify() is None
