"""Two real ASGI workers sharing a database and a Redis of their own: a worker stopped mid-stream,
and Redis stopped, lose and double nothing."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from websockets.sync.client import connect as ws_connect

from tests.threads.helpers import topic

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary"),
]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class Redis:
    def __init__(self):
        self.port = _free_port()
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port)

    def stop(self):
        self.process.kill()
        self.process.wait()


class Worker:
    def __init__(self, redis_port: int):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            # The development key, as in this test process: the session's auth hash must match.
            "SECRET_KEY": "",
            "DEBUG": "true",
            "LOG_LEVEL": "ERROR",
            "CI": "",
        }
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(self.port), "--lifespan", "off"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port, 60)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def cluster(world):
    redis = Redis()
    workers = [Worker(redis.port), Worker(redis.port)]
    with contextlib.ExitStack() as sockets:
        yield redis, workers, sockets
    for worker in workers:
        worker.stop()
    redis.stop()


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _socket(sockets, worker, cookie):
    return sockets.enter_context(
        ws_connect(
            f"ws://127.0.0.1:{worker.port}/ws/",
            origin=f"http://127.0.0.1:{worker.port}",
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        )
    )


def _frames(ws, until, timeout=10.0):
    """Read frames until `until(frames)` holds (or time runs out)."""
    frames = []
    deadline = time.monotonic() + timeout
    while not until(frames) and time.monotonic() < deadline:
        try:
            frames.append(json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic()))))
        except TimeoutError:
            break
    return frames


def _post(ws, thread_id, body):
    client_id = str(uuid.uuid4())
    ws.send(json.dumps({"type": "post", "thread": thread_id, "client_id": client_id, "body": body}))
    frames = _frames(ws, lambda fs: any(f.get("client_id") == client_id for f in fs))
    assert any(f["type"] == "ack" and f["client_id"] == client_id for f in frames), frames


def _event_seqs(frames):
    return [f["seq"] for f in frames if f["type"] == "event"]


def test_a_stopped_worker_s_clients_catch_up_on_the_other_without_loss_or_doubles(world, cluster):
    _redis, (first, second), sockets = cluster
    thread = topic(world)
    carla = _socket(sockets, second, _cookie(world.carla))
    maarten = _socket(sockets, first, _cookie(world.maarten))
    maarten.send(json.dumps({"type": "subscribe", "thread": thread.pk, "after": None}))
    assert _frames(maarten, lambda fs: any(f["type"] == "subscribed" for f in fs))[-1]["type"] == "subscribed"
    for i in range(1, 6):
        _post(carla, thread.pk, f"bericht {i}")
    seen = _event_seqs(_frames(maarten, lambda fs: len(_event_seqs(fs)) >= 5))
    assert seen == [1, 2, 3, 4, 5]

    first.stop()  # mid-stream: its clients lose their socket
    for i in range(6, 11):
        _post(carla, thread.pk, f"bericht {i}")
    maarten = _socket(sockets, second, _cookie(world.maarten))
    maarten.send(json.dumps({"type": "subscribe", "thread": thread.pk, "after": seen[-1]}))
    frames = _frames(maarten, lambda fs: any(f["type"] == "subscribed" for f in fs))
    _post(carla, thread.pk, "bericht 11")
    frames += _frames(maarten, lambda fs: 11 in _event_seqs(fs))
    seen += _event_seqs(frames)
    assert seen == list(range(1, 12))


def test_with_redis_stopped_posts_persist_http_works_and_clients_catch_up(world, cluster):
    redis, (first, second), sockets = cluster
    thread = topic(world)
    carla_cookie = _cookie(world.carla)
    carla = _socket(sockets, second, carla_cookie)
    maarten = _socket(sockets, first, _cookie(world.maarten))
    maarten.send(json.dumps({"type": "subscribe", "thread": thread.pk, "after": None}))
    _frames(maarten, lambda fs: any(f["type"] == "subscribed" for f in fs))
    _post(carla, thread.pk, "voor de storing")
    assert _event_seqs(_frames(maarten, lambda fs: 1 in _event_seqs(fs))) == [1]

    redis.stop()
    for i in range(3):
        _post(carla, thread.pk, f"tijdens de storing {i}")
    request = urllib.request.Request(
        f"http://127.0.0.1:{second.port}/t/oost/threads/{thread.pk}/", headers={"Cookie": carla_cookie}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own test server
        assert response.status == 200
        assert "tijdens de storing 2" in response.read().decode()
    # The other worker never heard the doorbell; its database check delivers the events anyway.
    caught_up = _event_seqs(_frames(maarten, lambda fs: 4 in _event_seqs(fs), timeout=15))
    assert caught_up == [2, 3, 4]

    redis.start()
    _post(carla, thread.pk, "na de storing")
    later = _event_seqs(_frames(maarten, lambda fs: 5 in _event_seqs(fs), timeout=15))
    assert later == [5]
