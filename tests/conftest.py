import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, TransactionTestCase
from django_scopes import scopes_disabled

from tests import snapshot
from tests.personas import World, create_world
from tests.sessions import just_renewed
from wijkverband.core.redis import cache_client


def pytest_sessionstart(session):
    """In CI the suite must run on the real PostgreSQL and Redis, and fail when they are missing."""
    if os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        pytest.exit(f"CI=true but the database engine is {engine}, not PostgreSQL", returncode=1)
    from channels_redis.core import RedisChannelLayer
    from channels_redis.pubsub import RedisPubSubChannelLayer
    from django.utils.module_loading import import_string

    layer = import_string(settings.CHANNEL_LAYERS["default"]["BACKEND"])
    if not issubclass(layer, (RedisPubSubChannelLayer, RedisChannelLayer)):
        pytest.exit(f"CI=true but the channel layer is not Redis: {layer}", returncode=1)
    import psycopg
    import redis

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", connect_timeout=5
        ).close()
    except Exception as error:  # noqa: BLE001
        pytest.exit(f"CI=true but PostgreSQL is not reachable: {error}", returncode=1)
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5).ping()
    except Exception as error:  # noqa: BLE001
        pytest.exit(f"CI=true but Redis is not reachable: {error}", returncode=1)


def pytest_collection_modifyitems(items):
    """The browser journeys first (after pytest-django's own ordering, which runs before this):
    they are the longest files, and with two workers (make test) a long file handed out last
    keeps one worker busy while the other has nothing left."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


def _clear_cache() -> None:
    """Rate limits and used TOTP codes live in the cache: every test starts with none.

    On Redis only this run's keys go (cache.clear() would flush the whole database, including
    the channel layer and other runs' keys)."""
    if settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis (as in production and CI), this test's keys only."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (CI sets it)")
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}",
        }
    }
    cache = caches["default"]
    assert cache_client() is not None
    yield cache
    client = cache_client()
    keys = list(client.scan_iter(f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the world built and committed once for the whole run.

    Every test starts from this state (tests/snapshot.py, docs/testing.md): a test in a transaction
    is rolled back to it, and a test that commits (transactional, live server) has it put back
    afterwards, where Django's flush would leave empty tables."""
    with django_db_blocker.unblock(), scopes_disabled():
        snapshot.build(create_world)
    original = TransactionTestCase._fixture_teardown

    def put_the_world_back(self):
        if self.available_apps is not None or self.serialized_rollback:
            return original(self)
        snapshot.restore_world()

    TransactionTestCase._fixture_teardown = put_the_world_back
    try:
        yield
    finally:
        TransactionTestCase._fixture_teardown = original


@pytest.fixture(scope="session", autouse=True)
def _close_other_connections_before_teardown(request, django_db_blocker):
    """Worker threads (sync_to_async, the mention sender) keep their own database connections;
    on PostgreSQL those would stop the test database from being dropped at the end.

    Only when some test uses the database: pytest-django sets up only the databases the collected
    tests use, so a run of database-free tests alone has none to build the world in."""
    if not any("django_db_setup" in item.fixturenames for item in request.session.items):
        yield
        return
    request.getfixturevalue("django_db_setup")
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _count_my_work_on_every_page(settings):
    """The header's Mijn werk count is counted on every page, as before it was kept, so a page's
    query count does not depend on what an earlier request left in the cache; tests/mywork turns
    the keeping on where it tests it (MY_WORK_COUNT_SECONDS)."""
    settings.MY_WORK_COUNT_SECONDS = 0


@pytest.fixture(autouse=True)
def _scopes_off_in_test_code():
    """Test code reads any team's rows to check what happened; the scoped managers would refuse that
    outside a team scope. Requests and sockets enter their own scope (TeamMiddleware, the socket
    app), so the code under test runs scoped exactly as in production."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    _clear_cache()
    yield


@pytest.fixture
def world(db) -> World:
    """The personas' world (tests/personas.py). It is in the database before every test; this
    hands out a copy of its objects."""
    return snapshot.world_copy()


@pytest.fixture
def no_world(db) -> None:
    """For the few tests that need the database as the migrations left it (seed_demo builds its own
    teams and people): the world is removed inside the test's transaction."""
    snapshot.remove_world()


@pytest.fixture
def client_for(world):
    """client_for("carla") is a signed-in browser session of that persona ("anonymous": none)."""

    def make(name: str) -> Client:
        client = Client()
        user = world.persona(name)
        if user is not None:
            client.force_login(user)
            # As a real sign-in leaves it: the session just renewed (accounts.middleware), so the
            # first page is a page and not also the session's renewal.
            just_renewed(client)
        return client

    return make
