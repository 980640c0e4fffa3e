"""wijkverband.core.dbcache: the embedded default's cache, a table every process of make run reads.
What our code asks of it holds across connections (another process's, another thread's) at once:
`add` gives a key once, `incr` loses no hit and keeps the counter's expiry."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from tests.embedded import make_run_cache  # noqa: F401 - the fixture, used below
from tests.personas import PASSWORD, make_user
from wijkverband.core import dbcache, ratelimit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("make_run_cache")]


def _at_once(count: int, job) -> list:
    """job(i) in `count` threads (each its own database connection) started together; their answers."""
    start = threading.Barrier(count)
    answers: list = [None] * count

    def run(i):
        try:
            start.wait(10)
            answers[i] = job(i)
        except Exception as error:  # noqa: BLE001 - the test looks at it
            answers[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_make_run_keeps_its_cache_in_the_database():
    assert isinstance(caches["default"], dbcache.DatabaseCache)


def test_every_migrate_makes_its_table():
    """make run migrates before it starts: a database made before the cache was in it gets the table."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(caches['default']._table)}")  # noqa: S608
    call_command("migrate", verbosity=0)
    assert cache.add("sent-once:1:token", "send", 600)
    assert cache.get("sent-once:1:token") == "send"


def test_a_migrate_with_redis_makes_the_table_that_make_run_reads_too():
    """Found in development: `manage.py migrate` with REDIS_URL set made no table (createcachetable
    looks only at the cache of the process that runs it, Redis there), and the server started
    after it without REDIS_URL answered 500 at sign-in until `manage.py createcachetable`."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(caches['default']._table)}")  # noqa: S608
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": "test-migrate-with-redis",
        }
    }
    with override_settings(CACHES=redis):
        call_command("migrate", verbosity=0)
    # make run's server, without REDIS_URL: its cache is that table.
    assert isinstance(caches["default"], dbcache.DatabaseCache)
    make_user("zonder.redis", "Zonder Redis", second_factor=False)
    response = Client().post("/accounts/login/", {"login": "zonder.redis@example.nl", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_posts_at_the_same_moment_from_four_connections_are_each_counted():
    """Four sockets of one person post 25 times each at once, with 50 allowed a minute: 50 go
    through, not more (Django's own incr, a get and a set, lost hits and let more through)."""
    allowed = _at_once(4, lambda i: [ratelimit.rate_limit_hit("threads.posts:1", limit=50) for _ in range(25)])
    assert sum(sum(hits) for hits in allowed) == 50, allowed
    window = [key for key in _keys() if "ratelimit:threads.posts:1:" in key]
    assert len(window) == 1
    assert cache.get(window[0].split(":", 2)[2]) == 100


def test_a_form_sent_twice_at_the_same_moment_is_claimed_once():
    """core/once.py claims a form's token with add: of eight at once, one gets it."""
    claimed = _at_once(8, lambda i: cache.add("sent-once:1:token", f"send {i}", 600))
    assert claimed.count(True) == 1, claimed
    assert cache.get("sent-once:1:token") == f"send {claimed.index(True)}"


def test_a_form_sent_twice_over_an_expired_token_is_claimed_once():
    """A token whose row is still there but expired (nobody read it since) is taken over by one
    add of eight at once, not by all of them (Django's add found it expired in each and wrote over
    it in each, on PostgreSQL)."""
    cache.set("sent-once:1:token", "old", timeout=0)
    claimed = _at_once(8, lambda i: cache.add("sent-once:1:token", f"send {i}", 600))
    assert claimed.count(True) == 1, claimed
    assert cache.get("sent-once:1:token") == f"send {claimed.index(True)}"
    assert cache.add("sent-once:1:token", "again", 600) is False
    assert cache.add("sent-once:2:token", "new", None) is True
    assert cache.get("sent-once:2:token") == "new"


def test_a_count_keeps_its_expiry_and_a_missing_or_expired_key_cannot_be_counted():
    cache.add("counter", 0, timeout=120)
    assert cache.incr("counter") == 1
    assert cache.incr("counter", 5) == 6
    assert cache.decr("counter") == 5
    expires = _expires("counter")
    assert timezone.now() + timedelta(seconds=100) < expires <= timezone.now() + timedelta(seconds=120)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("nothing")
    cache.set("gone", 3, timeout=0)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("gone")


def test_reading_an_expired_key_keeps_what_another_process_wrote_meanwhile(monkeypatch):
    """A read that finds Pieter's online mark expired deletes it; when the web server marked him
    again in between, his new mark stays (Django's deleted it, and he counted as offline)."""
    cache.set("wv:online:4", 1, timeout=0)
    other = caches.create_connection("default")  # the web server's
    delete = dbcache.DatabaseCache._expired_delete

    def meanwhile(self, keys):
        other.set("wv:online:4", 1, timeout=60)
        return delete(self, keys)

    monkeypatch.setattr(dbcache.DatabaseCache, "_expired_delete", meanwhile)
    assert cache.get("wv:online:4") is None
    monkeypatch.undo()
    assert cache.get("wv:online:4") == 1


def _keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(caches['default']._table)}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _expires(key: str):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expires FROM {connection.ops.quote_name(caches['default']._table)} WHERE cache_key = %s",  # noqa: S608
            [cache.make_key(key)],
        )
        return caches["default"]._expires(connection, cursor.fetchone()[0])
