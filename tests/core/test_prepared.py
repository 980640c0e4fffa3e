"""wijkverband.core.rows.prepared_cursor: on PostgreSQL the statements of every reconnect and page
are prepared once per connection and then run by name, with the same answers; the query log still
shows them; `DATABASE_PREPARED_STATEMENTS=false` (PgBouncer) prepares nothing."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from wijkverband.core import rows
from wijkverband.realtime import lifecycle
from wijkverband.tenancy.policy import team_rights_fresh
from wijkverband.tenancy.second_factor import second_factor_missing_at_sign_in
from wijkverband.threads import services
from wijkverband.threads.access import access_stream_bare

pytestmark = [
    # Outside a test transaction: each test starts on a new connection, which has prepared nothing
    # (psycopg forgets its prepared statements at a rollback, and the server a connection's at its close).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def _new_connection():
    connection.close()


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements ORDER BY name")
        return [statement for (statement,) in cursor.fetchall()]


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
    assert any("accounts_session" in s and "$2" in s for s in statements)  # bound on the server
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
