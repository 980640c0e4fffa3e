"""/metrics (docs/operations.md): only operators read it, and its numbers follow what happens:
sockets opening, threads followed, events delivered, gaps filled, slow sockets closed, audit
chains locked, mail failing, jobs failing."""

import asyncio
import datetime
import logging
import re
import uuid
from pathlib import Path

import pytest
from channels.layers import get_channel_layer
from django.db import connection
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from tests.realtime.helpers import connect, sync, wait_until
from tests.realtime.loop import run
from tests.threads.helpers import post, topic
from wijkverband.audit.services import audit_record
from wijkverband.core.logging import JsonFormatter, RequestIdFilter
from wijkverband.realtime import codes, consumers

OUTSIDE = "203.0.113.9"
TOKEN = "m" * 40


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


# --- who may read it ---------------------------------------------------------------------------------


def test_an_outside_request_gets_the_same_404_as_a_missing_page(db, token):
    outside = Client(REMOTE_ADDR=OUTSIDE)
    response = outside.get("/metrics")
    assert response.status_code == 404
    assert b"wijkverband_" not in response.content
    missing = outside.get("/metrics-no-such-page")
    tokens = re.compile(rb'value="[^"]{32,}"|/metrics(-no-such-page)?')  # CSRF tokens differ, and the path
    assert tokens.sub(b"", response.content) == tokens.sub(b"", missing.content)


@pytest.mark.parametrize("persona", ["anonymous", "carla", "olga"])
def test_being_signed_in_opens_nothing(client_for, persona, token):
    client = client_for(persona)
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404


def test_a_forwarded_for_header_from_outside_is_not_believed(db, token):
    # uvicorn puts nginx's X-Forwarded-For into REMOTE_ADDR; the app itself never reads the header.
    response = Client(REMOTE_ADDR=OUTSIDE).get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404


def test_a_wrong_token_gets_404_and_the_right_one_the_metrics(db, token):
    outside = Client(REMOTE_ADDR=OUTSIDE)
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "x" * 40).status_code == 404
    assert outside.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404  # no scheme
    response = outside.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"wijkverband_sockets_open" in response.content


def test_without_a_token_set_no_bearer_opens_it(db, settings):
    settings.METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR=OUTSIDE).get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_the_operators_networks_read_it_without_a_token(db, settings):
    assert Client().get("/metrics").status_code == 200  # loopback, the default
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "2001:db8::/32"]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="2001:db8::7").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="11.1.2.3").get("/metrics").status_code == 404
    assert Client().get("/metrics").status_code == 404  # loopback no longer listed


# --- what it counts ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_socket_gauges_and_delivery_counters_follow_the_sockets(world):
    thread = topic(world)
    post(thread, world.carla, "een")
    before = {
        "open": value("wijkverband_sockets_open"),
        "subs": value("wijkverband_socket_subscriptions"),
        "deliveries": value("wijkverband_realtime_deliveries_total"),
        "replays": value("wijkverband_replay_events_count"),
        "replayed": value("wijkverband_replay_events_sum"),
    }

    async def scenario():
        maarten = await connect(world.maarten)
        pieter = await connect(world.pieter)
        assert value("wijkverband_sockets_open") == before["open"] + 2
        await maarten.subscribe(thread.pk, after=0)
        await pieter.subscribe(thread.pk, after=1)  # up to date: nothing to replay
        assert value("wijkverband_socket_subscriptions") == before["subs"] + 2
        assert value("wijkverband_replay_events_count") == before["replays"] + 2
        assert value("wijkverband_replay_events_sum") == before["replayed"] + 1  # maarten's one missed event
        carla = await connect(world.carla)
        await asyncio.sleep(0.2)  # the worker's channel-layer reader runs
        await carla.post(thread.pk, "twee")
        await maarten.until("event")
        await pieter.until("event")
        assert value("wijkverband_realtime_deliveries_total") == before["deliveries"] + 2
        await maarten.send({"type": "unsubscribe", "thread": thread.pk})
        await maarten.until("unsubscribed")
        assert value("wijkverband_socket_subscriptions") == before["subs"] + 1
        for socket in (maarten, pieter, carla):
            await socket.close()
        await wait_until(lambda: value("wijkverband_sockets_open") == before["open"], what="the gauge to drop")
        assert value("wijkverband_socket_subscriptions") == before["subs"]

    run(scenario)
    response = Client().get("/metrics")
    assert f"wijkverband_realtime_deliveries_total {before['deliveries'] + 2}" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_stored_post_is_timed_from_its_frame_until_it_is_stored_and_a_refused_one_is_not(world):
    thread = topic(world)
    other_team = topic(world, team=world.team_b, actor=world.bram, title="Zuid")
    before = (value("wijkverband_realtime_post_seconds_count"), value("wijkverband_realtime_post_seconds_sum"))

    async def scenario():
        carla = await connect(world.carla)
        assert (await carla.post(thread.pk, "een"))["type"] == "ack"
        assert value("wijkverband_realtime_post_seconds_count") == before[0] + 1
        assert value("wijkverband_realtime_post_seconds_sum") > before[1]
        assert (await carla.post(other_team.pk, "twee"))["code"] == "not_found"
        assert (await carla.post(thread.pk, ""))["type"] == "error"
        assert value("wijkverband_realtime_post_seconds_count") == before[0] + 1
        await carla.close()

    run(scenario)
    scraped = Client().get("/metrics").content.decode()
    assert f"wijkverband_realtime_post_seconds_count {before[0] + 1}" in scraped
    assert 'wijkverband_realtime_post_seconds_bucket{le="10.0"}' in scraped


@pytest.mark.django_db(transaction=True)
def test_gap_fills_and_queue_full_closes_are_counted(world, monkeypatch):
    from wijkverband.realtime import publish

    thread = topic(world)
    fills, filled = value("wijkverband_realtime_gap_fills_total"), value("wijkverband_realtime_gap_filled_events_total")
    too_slow = value("wijkverband_socket_closes_total", code=str(codes.TOO_SLOW))

    async def stalled(scope, receive, send):
        async def slow_send(message):
            if message["type"] == "websocket.send" and '"kind"' in message.get("text", ""):
                await asyncio.sleep(30)  # a client that stopped reading
            await send(message)

        await consumers.live_socket(scope, receive, slow_send)

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        held = []
        monkeypatch.setattr(publish, "_send", lambda group, message: held.append(message))
        for body in ["een", "twee"]:
            await sync(post, thread, world.carla, body)
        monkeypatch.undo()
        monkeypatch.setattr(consumers, "QUEUE_LIMIT", 2)
        monkeypatch.setattr(consumers, "CLOSE_GRACE_SECONDS", 0.2)
        # The first doorbell was lost: the hub reads seq 1 from the database. (Each post also rings
        # its team's group for the thread lists: only the thread's events are its doorbells.)
        events = [message for message in held if message["type"] == "wv.event"]
        assert [message["seq"] for message in events] == [1, 2]
        await get_channel_layer().group_send(f"wv.thread.{thread.pk}", events[1])
        assert [e["seq"] for e in await maarten.collect("event", timeout=0.5)] == [1, 2]
        assert value("wijkverband_realtime_gap_fills_total") == fills + 1
        assert value("wijkverband_realtime_gap_filled_events_total") >= filled + 1

        slow = await connect(world.pieter, app=stalled)
        assert (await slow.subscribe(thread.pk, after=2))[-1]["type"] == "subscribed"
        for i in range(6):
            await sync(post, thread, world.carla, f"m{i}")
        assert (await slow.until("__closed__", timeout=3))["code"] == codes.TOO_SLOW
        assert value("wijkverband_socket_closes_total", code=str(codes.TOO_SLOW)) == too_slow + 1
        await maarten.close()

    run(scenario)


def test_the_audit_chain_lock_is_timed_per_kind_of_chain(world):
    teams = value("wijkverband_audit_chain_lock_seconds_count", kind="team")
    regions = value("wijkverband_audit_chain_lock_seconds_count", kind="region")
    audit_record(actor=None, action="test.timed", team=world.team_a)
    audit_record(actor=None, action="test.timed", region=world.region)
    assert value("wijkverband_audit_chain_lock_seconds_count", kind="team") == teams + 1
    assert value("wijkverband_audit_chain_lock_seconds_count", kind="region") == regions + 1


def test_failing_mail_and_failed_jobs_show_from_the_database(world):
    from django_q.models import Task

    from wijkverband.work.models import Mail

    def scrape() -> str:
        return Client().get("/metrics").content.decode()

    assert "wijkverband_mail_failing 0.0" in scrape()
    ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
    Mail.objects.create(
        user=world.carla, key="test:failing", to=world.carla.email, subject="s", body="b", attempts=2,
        last_error="SMTPServerDisconnected", created_at=ten_minutes_ago, send_after=ten_minutes_ago,
    )  # fmt: skip
    now = timezone.now()
    Task.objects.create(
        id=uuid.uuid4().hex, name="t", func="wijkverband.work.services.mail.mail_send", started=now, stopped=now,
        success=False,
    )  # fmt: skip
    text = scrape()
    assert "wijkverband_mail_failing 1.0" in text
    overdue = float(text.split("\nwijkverband_mail_overdue_seconds ", 1)[1].split("\n", 1)[0])
    assert 590 < overdue < 900
    assert 'wijkverband_task_failures_total{func="wijkverband.work.services.mail.mail_send"} 1.0' in text


def _scraped(name: str) -> float:
    """A series of /metrics as a web process answers it (not this process's own registry)."""
    text = Client().get("/metrics").content.decode()
    return float(text.split(f"\n{name} ", 1)[1].split("\n", 1)[0])


def test_a_failed_send_is_counted_where_the_web_process_sees_it(world, settings):
    """The worker sends mail in a process of its own that nobody scrapes: the count is kept in the
    database, so /metrics on a web process shows it (it read 0 while the server refused every mail)."""
    from wijkverband.work.models import Mail, WorkerCount
    from wijkverband.work.services.mail import mail_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    mail = Mail.objects.create(user=world.carla, key="test:send", to=world.carla.email, subject="s", body="b")
    assert _scraped("wijkverband_mail_send_failures_total") == 0
    assert mail_send(mail.pk) is False
    Mail.objects.filter(pk=mail.pk).update(send_after=timezone.now())
    assert mail_send(mail.pk) is False
    # Counted in the database, not in this process's memory (which a worker's would be).
    assert WorkerCount.objects.get(name=WorkerCount.MAIL_SEND_FAILURES).value == 2
    assert _scraped("wijkverband_mail_send_failures_total") == 2


def test_a_mail_the_server_keeps_refusing_is_overdue_from_when_it_was_due(world):
    """Each failed attempt moves `send_after` to the next retry: measured from there, a mail that
    was refused for twenty minutes looked due a moment ago (or not due), and "e-mail stuck"
    (> 900 s) never fired."""
    from wijkverband.work.models import Mail

    now = timezone.now()
    Mail.objects.create(
        user=world.carla, key="test:refused", to=world.carla.email, subject="s", body="b", attempts=4,
        last_error="ConnectionRefusedError", created_at=now - datetime.timedelta(minutes=20),
        send_after=now + datetime.timedelta(minutes=40),  # between two retries
    )  # fmt: skip
    assert 1190 < _scraped("wijkverband_mail_overdue_seconds") < 1500
    # A mail written for later and not yet tried is not overdue; a sent one neither.
    Mail.objects.all().update(sent_at=now)
    Mail.objects.create(
        user=world.carla, key="test:later", to=world.carla.email, subject="s", body="b",
        created_at=now - datetime.timedelta(minutes=20), send_after=now + datetime.timedelta(minutes=5),
    )  # fmt: skip
    assert _scraped("wijkverband_mail_overdue_seconds") == 0


def test_a_collector_that_fails_costs_its_own_series_not_the_scrape(db, monkeypatch):
    from wijkverband.core import metrics

    class Broken:
        def collect(self):
            raise RuntimeError("the database is down")

    monkeypatch.setattr(metrics, "_scrape_collectors", [*metrics.scrape_collectors(), Broken()])
    response = Client().get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'wijkverband_scrape_collector_up{collector="Broken"} 0.0' in text
    assert 'wijkverband_scrape_collector_up{collector="WorkCollector"} 1.0' in text
    assert "wijkverband_sockets_open" in text


def test_with_a_multiprocess_directory_the_scrape_adds_up_every_process(tmp_path):
    """PROMETHEUS_MULTIPROC_DIR (several uvicorn processes in one replica): two processes count,
    the second one's /metrics shows the sum."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"CI", "DATABASE_URL", "REDIS_URL"}}
    env.update(PROMETHEUS_MULTIPROC_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true",
               ALLOWED_HOSTS="testserver")  # fmt: skip
    count = "import django; django.setup(); from wijkverband.core import metrics; metrics.SOCKETS_OPEN.inc(); "
    count += "metrics.DELIVERIES.inc(5); "
    scrape = "from django.test import Client; print(Client().get('/metrics').content.decode())"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", count], cwd=root, env=env, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", count + scrape], cwd=root, env=env, check=True, capture_output=True)
    lines = out.stdout.decode().splitlines()
    assert "wijkverband_sockets_open 2.0" in lines
    assert "wijkverband_realtime_deliveries_total 10.0" in lines


# --- request ids -------------------------------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines():
    handler = _Lines()
    logging.getLogger().addHandler(handler)
    yield handler.lines
    logging.getLogger().removeHandler(handler)


def test_a_request_s_log_lines_carry_its_request_id(db, json_lines):
    import json

    response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="req-4711")
    assert response["X-Request-ID"] == "req-4711"
    lines = [json.loads(line) for line in json_lines if "no-such-page" in line]
    assert lines and all(line["request_id"] == "req-4711" for line in lines)
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "django.request"
    # Without one (or with one that does not look like an id) the app makes one.
    made = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"]
    assert len(made) == 32 and made != Client().get("/healthz")["X-Request-ID"]


@pytest.mark.django_db(transaction=True)
def test_a_socket_s_log_lines_carry_the_request_id_of_its_upgrade(world, json_lines, monkeypatch):
    import json

    from channels.testing import WebsocketCommunicator

    from tests.realtime.helpers import Session

    monkeypatch.setattr(consumers, "QUEUE_LIMIT", 0)  # the first frame overflows: the server closes

    async def scenario():
        communicator = WebsocketCommunicator(
            consumers.live_socket, "/ws/", headers=[(b"origin", b"http://testserver"), (b"x-request-id", b"sock-42")]
        )
        communicator.scope["user"] = world.maarten
        communicator.scope["session"] = type("S", (), {"session_key": None})()
        assert (await communicator.connect(timeout=3))[0]
        socket = Session(communicator)
        await socket.send({"type": "subscribe", "thread": 999_999})
        await socket.until("__closed__")

    run(scenario)
    closing = [json.loads(line) for line in json_lines if "closing the socket" in line]
    assert closing and closing[0]["request_id"] == "sock-42"


# --- the database connection pool (DATABASE_POOL_SIZE) ------------------------------------------------


def test_without_a_connection_pool_there_are_no_pool_series(db):
    assert "wijkverband_db_pool" not in Client().get("/metrics").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's connection pool: PostgreSQL (CI)")
@pytest.mark.django_db(transaction=True)
def test_a_pool_s_waits_and_timeouts_show_in_the_scrape(monkeypatch):
    """A worker's threads outnumber its connections (docs/scaling.md, "Connections"): a thread that
    waits shows as waiting, and one that gives up as a timeout, before people see failures."""
    import threading
    import time

    from django.db.backends.postgresql.base import DatabaseWrapper
    from psycopg_pool import PoolTimeout

    from wijkverband.core import metrics
    from wijkverband.core.pool_metrics import DatabasePoolCollector

    options = {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1, "timeout": 5}}
    wrapper = DatabaseWrapper({**connection.settings_dict, "OPTIONS": options, "CONN_MAX_AGE": 0}, alias="pooled")

    class Databases:
        def all(self):
            return [wrapper]

    monkeypatch.setattr(
        metrics, "_scrape_collectors", [*metrics.scrape_collectors(), DatabasePoolCollector(Databases())]
    )

    def scrape(name: str) -> float:
        text = Client().get("/metrics").content.decode()
        return float(text.split(f'\n{name}{{database="pooled"}} ', 1)[1].split("\n", 1)[0])

    pool = wrapper.pool
    pool.open(wait=True)  # as the wrapper's first connection does
    try:
        held = pool.getconn()
        assert scrape("wijkverband_db_pool_max") == 1
        assert scrape("wijkverband_db_pool_idle") == 0
        got = []
        waiter = threading.Thread(target=lambda: got.append(pool.getconn()))
        waiter.start()
        for _ in range(500):
            if pool.get_stats().get("requests_waiting") == 1:
                break
            time.sleep(0.01)
        assert scrape("wijkverband_db_pool_waiting") == 1
        pool.putconn(held)
        waiter.join(5)
        assert got and scrape("wijkverband_db_pool_waiting") == 0
        assert scrape("wijkverband_db_pool_queued_total") == 1
        assert scrape("wijkverband_db_pool_wait_seconds_total") > 0
        assert scrape("wijkverband_db_pool_timeouts_total") == 0
        with pytest.raises(PoolTimeout):
            pool.getconn(timeout=0.1)  # the one connection is still out
        assert scrape("wijkverband_db_pool_timeouts_total") == 1
        assert scrape("wijkverband_db_pool_requests_total") == 3
        pool.putconn(got[0])
    finally:
        wrapper.close_pool()
