"""The cache of the embedded default as `make run` has it (no REDIS_URL), on the test database.

Tests keep a local-memory cache (config/settings.py); these helpers give a test the cache that
`make run`'s processes read: its CACHES are asked of the settings in a process of their own, as the
web server and the task worker load them (no pytest, no REDIS_URL), and `in_another_process` runs
code in such a process, on the test database: the web server beside the test's task worker.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection


def _environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "REDIS_URL", "DATABASE_URL", "CACHE_PREFIX"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}",
    )
    return env


#: For tests that run code in another process of make run's (its SQLite file, the test database).
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="make run's processes: the embedded default on SQLite"
)


def in_another_process(code: str) -> str:
    """Run `code` (after django.setup()) in a process of its own with make run's settings; its output."""
    done = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def make_run_caches() -> dict:
    """CACHES as the processes of `make run` read them."""
    out = in_another_process("import json\nfrom django.conf import settings\nprint(json.dumps(settings.CACHES))")
    return json.loads(out.splitlines()[-1])


@pytest.fixture
def make_run_cache(settings, transactional_db):
    """This test's cache is make run's, on the test database (its table made, and dropped after).

    Transactional: another process waits for no transaction of the test's, and sees what it wrote.
    On PostgreSQL too (a database without Redis beside it has this cache); `in_another_process` is
    make run's SQLite only (tests that use it: `sqlite_only`)."""
    caches = make_run_caches()
    settings.CACHES = caches
    call_command("createcachetable", verbosity=0)
    from django.core.cache import cache

    cache.clear()
    yield caches
    location = caches["default"].get("LOCATION")
    if location and caches["default"]["BACKEND"].endswith("DatabaseCache"):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(location)}")
