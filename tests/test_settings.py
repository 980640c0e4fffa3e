"""Production settings refuse to start with an insecure secret."""

import os
import subprocess
import sys
from pathlib import Path

from tests import postgres

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "CI"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings()
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_short_or_default_secret_key():
    for key in ["short", "django-insecure-" + "x" * 60]:
        result = _import_settings(SECRET_KEY=key)
        assert result.returncode != 0 and "SECRET_KEY is insecure" in result.stderr


def test_production_starts_with_a_long_random_secret_key():
    result = _import_settings(SECRET_KEY="k" * 20 + "random-enough-0123456789-abcdefghijklmnop")
    assert result.returncode == 0, result.stderr


def test_ci_refuses_to_fall_back_to_sqlite():
    result = _import_settings(CI="true", DEBUG="true", DATABASE_URL="", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_production_refuses_a_short_metrics_token_and_an_unknown_log_format():
    key = "k" * 20 + "random-enough-0123456789-abcdefghijklmnop"
    result = _import_settings(SECRET_KEY=key, METRICS_TOKEN="short")
    assert result.returncode != 0 and "METRICS_TOKEN is too short" in result.stderr
    assert _import_settings(SECRET_KEY=key, METRICS_TOKEN="t" * 32).returncode == 0
    result = _import_settings(SECRET_KEY=key, LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr


POOL_CHECK = """
import threading
import django
django.setup()
from django.conf import settings
from django.db import connection, connections
pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0, "a pool replaces persistent connections"
print("max", pool["max_size"])
backends = set()
def work():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backends.add(cursor.fetchone()[0])
    connections.close_all()  # back to the pool, as after every request and socket action
threads = [threading.Thread(target=work) for _ in range(12)]
for t in threads:
    t.start()
    t.join()
print("backends", len(backends))
"""


def test_a_connection_pool_bounds_the_connections_a_process_opens():
    """DATABASE_POOL_SIZE: threads (requests, socket actions) take a pooled connection and give it back."""
    server = postgres.server_url()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(DATABASE_URL=server, DATABASE_POOL_SIZE="2", DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", POOL_CHECK], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split() for line in result.stdout.splitlines())
    # Twelve threads one after another, each with "its own" connection: at most the pool's two backends.
    assert lines["max"] == "2" and 1 <= int(lines["backends"]) <= 2, result.stdout


DAPHNE_CHECK = """
import sys
import django
django.setup()
from django.conf import settings
print("daphne" in settings.INSTALLED_APPS, "twisted" in sys.modules)
"""


def test_only_runserver_loads_daphne_and_twisted():
    """uvicorn serves the sockets in every process but `manage.py runserver` (development): Daphne
    there, and Twisted with it, would cost every worker and task worker 17 MiB for nothing."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    answers = {}
    for command in ("qcluster", "runserver"):
        result = subprocess.run(
            [sys.executable, "-c", DAPHNE_CHECK, command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        answers[command] = result.stdout.split()
    assert answers == {"qcluster": ["False", "False"], "runserver": ["True", "True"]}
