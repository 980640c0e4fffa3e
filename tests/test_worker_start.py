"""What a web worker does before it listens, beside the warm-up (config/asgi.py): it opens its
database pool's connections (DATABASE_POOL_READY) and gives threads waiting for the interpreter
their turn sooner (WORKER_SWITCH_INTERVAL_US). docs/scaling.md, "A new worker" and "The
interpreter's turns"."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests import postgres

# A worker's start, in a process of its own: what it left behind once config.asgi was imported.
START = """
import json, sys, time
began = time.monotonic()
import config.asgi
from django.db import connections
pool = getattr(type(connections["default"]), "_connection_pools", {}).get("default")
stats = pool.get_stats() if pool is not None else {}
print(json.dumps({
    "switch": sys.getswitchinterval(),
    "pool_class": type(pool).__name__ if pool is not None else None,
    "available": stats.get("pool_available"),
    "min": stats.get("pool_min"),
    "seconds": time.monotonic() - began,
}))
"""

# A task worker or a management command: the settings without config.asgi.
SETTINGS_ONLY = "import sys, django; django.setup(); print(sys.getswitchinterval())"


def _run(code: str, **env) -> tuple[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"CI", "WORKER_SWITCH_INTERVAL_US", "DATABASE_POOL_READY"}}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", **env)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1], done.stderr


def _start(**env) -> tuple[dict, str]:
    out, err = _run(START, **env)
    return json.loads(out), err


def test_a_web_worker_gives_a_waiting_thread_its_turn_after_one_millisecond():
    started, _ = _start()
    assert started["switch"] == pytest.approx(0.001)
    started, _ = _start(WORKER_SWITCH_INTERVAL_US="250")
    assert started["switch"] == pytest.approx(0.00025)
    # 0: Python's own five milliseconds.
    started, _ = _start(WORKER_SWITCH_INTERVAL_US="0")
    assert started["switch"] == pytest.approx(0.005)
    # The task worker and management commands, which serve no pages, keep Python's.
    out, _ = _run(SETTINGS_ONLY)
    assert float(out) == pytest.approx(0.005)


def test_a_web_worker_opens_every_pooled_connection_before_it_listens():
    server = postgres.server_url()
    started, _ = _start(DATABASE_URL=server, DATABASE_POOL_SIZE="4")
    # All four open and kept open (the pool's least): a restart's first pages find them there.
    assert (started["available"], started["min"]) == (4, 4)
    started, _ = _start(DATABASE_URL=server, DATABASE_POOL_SIZE="4", DATABASE_POOL_READY="3")
    assert started["available"] >= 3 and started["min"] == 3
    # 0: none opened at the start; opened when first asked for, as before.
    started, _ = _start(DATABASE_URL=server, DATABASE_POOL_SIZE="4", DATABASE_POOL_READY="0")
    assert started["available"] == 0
    # More than the pool may hold: the pool's size.
    started, _ = _start(DATABASE_URL=server, DATABASE_POOL_SIZE="2", DATABASE_POOL_READY="9")
    assert (started["available"], started["min"]) == (2, 2)


def test_a_web_worker_s_pool_hands_out_the_connection_returned_last():
    server = postgres.server_url()
    for ready in ("4", "0"):
        started, _ = _start(DATABASE_URL=server, DATABASE_POOL_SIZE="4", DATABASE_POOL_READY=ready)
        assert started["pool_class"] == "RecentFirstPool"
    # Without a pool there is nothing to change.
    started, _ = _start(DATABASE_URL=server, DATABASE_POOL_SIZE="0")
    assert started["pool_class"] is None


def test_a_web_worker_whose_database_is_away_still_starts():
    """It waits DATABASE_POOL_TIMEOUT for its connections, says so, and starts: the pool goes on
    trying, and the pages fail or wait as they would have."""
    started, stderr = _start(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/wijkverband", DATABASE_POOL_SIZE="2", DATABASE_POOL_TIMEOUT="1"
    )
    assert started["available"] == 0
    assert "0 of 2 database connections open after 1 s" in stderr
    assert started["seconds"] < 30
