"""The PostgreSQL server of the run, for tests that start a process of their own against it."""

import os
import threading
import time

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled


def server_url() -> str:
    """The server's own "postgres" database (the run's database may not exist outside its test
    copy). Outside PostgreSQL the test is skipped; in CI, which runs on PostgreSQL, it fails."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs on PostgreSQL")
        pytest.skip("a PostgreSQL pool")
    return url.split("?")[0].rsplit("/", 1)[0] + "/postgres"


def until_a_statement_waits_for_a_lock(timeout: float = 10.0, *, count: int = 1) -> None:
    """Return once `count` other connections to this database wait for a lock (writers under test)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Within a transaction pg_stat_activity is read once, unless its snapshot is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.01)
    raise AssertionError(f"fewer than {count} other statements waited for a lock held here")


def second_waits_for_first(first, second) -> dict:
    """Run `first` in a transaction and keep it open until `second`, started once `first` returned,
    waits for a lock it holds; then commit. What each returned or raised, by "first" and "second".

    The order a race can take by chance, every time: the second writer's lock is granted only after
    the first committed what it changed. Both run with the team scopes off, as the test's own thread
    does (tests/conftest.py); the services they call scope themselves as in a request."""
    return _race(first, second, hold=lambda second_done: until_a_statement_waits_for_a_lock())


def second_while_first_open(first, second) -> dict:
    """Run `first` in a transaction and keep it open while `second` runs to its end in another
    connection; then commit. The order a race takes when the second writer waits for nothing the first
    holds (it leaves out what the first is changing): what the second committed must still be right
    once the first commits. What each returned or raised, by "first" and "second". (A second that
    does wait for the first is let go after 10 seconds, when the first commits.)"""
    return _race(first, second, hold=lambda second_done: second_done.wait(timeout=10))


def _race(first, second, *, hold) -> dict:
    """`first` in a transaction, which `hold(second_done)` keeps open before it commits; `second` in
    another connection once `first` returned. What each returned or raised."""
    first_done, second_done = threading.Event(), threading.Event()
    results = {}

    def run_first():
        try:
            with scopes_disabled(), transaction.atomic():
                results["first"] = first()
                first_done.set()
                hold(second_done)
        except Exception as error:  # noqa: BLE001 - the result is what the test asserts on
            results["first"] = error
        finally:
            first_done.set()
            connection.close()

    def run_second():
        first_done.wait(timeout=10)
        try:
            with scopes_disabled():
                results["second"] = second()
        except Exception as error:  # noqa: BLE001 - the result is what the test asserts on
            results["second"] = error
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
