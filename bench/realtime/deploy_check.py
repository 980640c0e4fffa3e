"""Rolling deploy through the real load balancer (issue 17, part 3; docs/deploy.md).

    make deploy-check

Runs `deploy/nginx.conf` with Debian's nginx on loopback (a copy with its two upstreams rewritten
to uvicorn workers on their own ports, and the listen port moved off 80) in front of four
single-worker uvicorn processes of the app, as docker-compose.yml runs it: two for the pages and
two for the live sockets (PostgreSQL + Redis, as run.py's bench). Two people chat through nginx:
each posts every 0.3 s with an outbox like threads.js (a post waits for the socket and is sent
again with the same client_id after a reconnect) and reconnects like threads.js (backoff with
jitter, then subscribe with the last seq it has). The workers are restarted one at a time, the
socket workers first, then the page workers, by the procedure of docs/deploy.md:

    for each worker: SIGTERM (uvicorn stops accepting, closes its sockets with 1012, finishes),
    start it again, wait until GET /healthz on its own port answers 200, then wait out nginx's
    fail_timeout (so nginx sends to it again) before the next one.

Fails (exit 1) unless: every post is acknowledged; each person received every event of the thread
from where they started to the end exactly once, in order (nothing lost, nothing doubled); the
database holds each post once; each person reconnected at most once per socket worker's restart and
never for a page worker's (the sockets are not on those); and every page read through nginx
meanwhile (the thread list, every 0.25 s, over nginx's kept-alive connections to the workers)
answered 200.

Settings: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PORT_BASE (as run.py; nginx listens on base+20,
the page workers on base+21 and base+22, the socket workers on base+23 and base+24), DEPLOY_ROUNDS
(1: restart every worker once).
"""

import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.realtime import nginx  # noqa: E402
from bench.realtime import run as rt  # noqa: E402
from bench.realtime.loadclient import connect  # noqa: E402

NGINX_PORT = rt.PORT_BASE + 20
PAGE_PORTS = [rt.PORT_BASE + 21, rt.PORT_BASE + 22]
SOCKET_PORTS = [rt.PORT_BASE + 23, rt.PORT_BASE + 24]
WORKER_PORTS = SOCKET_PORTS + PAGE_PORTS  # the order of the restarts
FAIL_TIMEOUT = 10  # nginx's default fail_timeout (s): how long a worker that refused stays out
ROUNDS = int(os.environ.get("DEPLOY_ROUNDS", "1"))
POST_EVERY = 0.3
MAX_BACKOFF_MS = 30000  # as threads.js
RESTART_BACKOFF_MS = 4000  # as threads.js after a close that says the server restarts (1012, 1001)

log = rt.log


def nginx_binary() -> str:
    found = nginx.binary()
    if found is None:
        sys.exit("nginx is not installed: apt-get install -y nginx-light (Debian's nginx)")
    return found


def page_status(cookie: str) -> int:
    """GET the bench team's thread list through nginx as the signed-in person of `cookie`."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"http://127.0.0.1:{NGINX_PORT}/t/bench/threads/", headers={"Cookie": cookie}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
            return answer.status == 200
    except OSError:
        return False


class Person:
    """A chat client through nginx, with threads.js's outbox and reconnect."""

    def __init__(self, name: str, cookie: str, thread: int, head: int):
        self.name, self.cookie, self.thread = name, cookie, thread
        self.start = head
        self.last = head
        self.seqs: list[int] = []
        self.acks: dict[str, int] = {}
        self.outbox: dict[str, str] = {}  # client_id -> body, until acknowledged
        self.posted: list[str] = []
        self.client = None
        self.live = False
        self.attempt = 0
        self.opened = 0  # successful (re)connections
        self.closes: list[tuple[float, int]] = []
        self.restarting = False
        self.stop = False

    def on_text(self, raw: bytes) -> None:
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "event" and frame["thread"] == self.thread:
            self.seqs.append(frame["seq"])
            self.last = max(self.last, frame["seq"])
        elif kind == "subscribed":
            self.live = True
            for client_id, body in list(self.outbox.items()):  # as threads.js: the outbox goes again
                self._send_post(client_id, body)
        elif kind == "ack":
            self.acks[frame["client_id"]] = frame["seq"]
            self.outbox.pop(frame["client_id"], None)
        elif kind == "error":
            log(f"    {self.name}: error {frame}")

    def _send_post(self, client_id: str, body: str) -> None:
        self.client.send_text(json.dumps({"type": "post", "thread": self.thread, "client_id": client_id, "body": body}))

    def post(self, body: str) -> None:
        client_id = str(uuid.uuid4())
        self.posted.append(client_id)
        self.outbox[client_id] = body
        if self.live and self.client is not None and not self.client.closed.done():
            self._send_post(client_id, body)

    async def keep_open(self) -> None:
        while not self.stop:
            try:
                self.client = await connect(NGINX_PORT, cookie=self.cookie, on_text=self.on_text)
            except (OSError, ConnectionError, TimeoutError):
                await self._back_off()
                continue
            self.attempt = 0
            self.restarting = False
            self.opened += 1
            self.client.send_text(json.dumps({"type": "subscribe", "thread": self.thread, "after": self.last}))
            code = await asyncio.shield(self.client.closed)
            self.live = False
            if self.stop:
                return
            self.closes.append((time.perf_counter(), code))
            self.restarting = code in (1012, 1001)
            await self._back_off()

    async def _back_off(self) -> None:
        ceiling = min(RESTART_BACKOFF_MS if self.restarting else MAX_BACKOFF_MS, 500 * 2**self.attempt)
        self.attempt += 1
        await asyncio.sleep((ceiling / 2 + random.random() * ceiling / 2) / 1000)  # noqa: S311 - jitter


def database_posts(client_ids: list[str]) -> int:
    import psycopg

    with psycopg.connect(rt.DATABASE_URL, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM threads_message WHERE client_id = ANY(%s::uuid[])", [client_ids])
        return int(row.fetchone()[0])


def thread_head(thread_id: int) -> int:
    import psycopg

    with psycopg.connect(rt.DATABASE_URL, autocommit=True) as conn:
        return int(conn.execute("SELECT seq FROM threads_thread WHERE id = %s", [thread_id]).fetchone()[0])


async def main() -> int:
    binary = nginx_binary()
    log(
        f"Rolling deploy through nginx ({binary}) on 127.0.0.1:{NGINX_PORT},"
        f" page workers on {PAGE_PORTS}, socket workers on {SOCKET_PORTS}"
    )
    data = await asyncio.to_thread(rt.prepare_app)
    thread = await asyncio.to_thread(rt.new_thread, data)
    workers = {port: rt.start_app_worker(port) for port in WORKER_PORTS}
    directory = Path(tempfile.mkdtemp(prefix="wv-deploy-check-"))
    balancer = None
    failures = []
    try:
        for port in WORKER_PORTS:
            await rt.wait_ready(port, data["sender"])
        try:
            balancer = nginx.start(binary, directory, NGINX_PORT, PAGE_PORTS, SOCKET_PORTS)
        except nginx.ChangedShape as error:
            sys.exit(str(error))
        await rt.wait_ready(NGINX_PORT, data["sender"])
        head = await asyncio.to_thread(thread_head, thread)
        people = [Person("A", data["sender"], thread, head), Person("B", data["readers"][0], thread, head)]
        keepers = [asyncio.ensure_future(p.keep_open()) for p in people]

        async def chat(person: Person) -> None:
            n = 0
            while not person.stop:
                n += 1
                person.post(f"{person.name} {n}")
                await asyncio.sleep(POST_EVERY)

        pages: list[tuple[float, int]] = []  # (seconds, status) of each page read through nginx

        async def read_pages() -> None:
            """Someone reading the thread list through nginx, a page every 0.25 s, the whole time."""
            while not people[0].stop:
                began = time.perf_counter()
                status = await asyncio.to_thread(page_status, data["sender"])
                pages.append((time.perf_counter() - began, status))
                await asyncio.sleep(0.25)

        await asyncio.sleep(2.0)
        chats = [asyncio.ensure_future(chat(p)) for p in people]
        reader = asyncio.ensure_future(read_pages())
        await asyncio.sleep(2.0)
        windows = []
        for round_number in range(ROUNDS):
            for port in WORKER_PORTS:
                began = time.perf_counter()
                old = workers[port]
                os.killpg(os.getpgid(old.process.pid), signal.SIGTERM)
                await asyncio.to_thread(old.process.wait, 60)
                stopped = time.perf_counter()
                workers[port] = rt.start_app_worker(port)
                while not await asyncio.to_thread(healthy, port):
                    await asyncio.sleep(0.2)
                up = time.perf_counter()
                kind = "socket" if port in SOCKET_PORTS else "page"
                log(
                    f"  round {round_number + 1}, {kind} worker :{port}: stopped in {stopped - began:.1f} s,"
                    f" healthy again after {up - began:.1f} s; waiting {FAIL_TIMEOUT} s (nginx fail_timeout)"
                )
                await asyncio.sleep(FAIL_TIMEOUT + 1)
                windows.append((began, time.perf_counter(), kind))
        await asyncio.sleep(2.0)
        for p in people:
            p.stop = True
        await asyncio.gather(*chats, reader)
        deadline = time.perf_counter() + 20
        while any(p.outbox for p in people) and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        final = await asyncio.to_thread(thread_head, thread)
        for p in people:
            if p.client is not None:
                p.client.transport.close()
        await asyncio.gather(*keepers, return_exceptions=True)
        all_posts = [cid for p in people for cid in p.posted]
        stored = await asyncio.to_thread(database_posts, all_posts)
        log(f"  {len(all_posts)} posts by two people, the thread went from seq {head} to {final}; stored {stored}")
        if stored != len(all_posts):
            failures.append(f"the database holds {stored} of the {len(all_posts)} posts")
        if final - head != len(all_posts):
            failures.append(f"{final - head} events for {len(all_posts)} posts")
        failed_pages = [status for _s, status in pages if status != 200]
        slowest = max((seconds for seconds, _status in pages), default=0.0)
        log(
            f"  {len(pages)} pages read through nginx during the restarts: {len(pages) - len(failed_pages)} answered"
            f" 200, the slowest after {slowest * 1000:.0f} ms"
        )
        if failed_pages or not pages:
            failures.append(f"pages through nginx failed during the restarts: {failed_pages[:10]}")
        for p in people:
            want = list(range(head + 1, final + 1))
            missing = sorted(set(want) - set(p.seqs))
            doubled = len(p.seqs) - len(set(p.seqs))
            ordered = p.seqs == sorted(p.seqs)
            unacked = [cid for cid in p.posted if cid not in p.acks]
            per_window = [sum(1 for at, _c in p.closes if a <= at <= b) for a, b, _kind in windows]
            on_pages = sum(n for n, (_a, _b, kind) in zip(per_window, windows, strict=True) if kind == "page")
            log(
                f"  {p.name}: received {len(p.seqs)} events (missing {len(missing)}, doubled {doubled},"
                f" {'in order' if ordered else 'OUT OF ORDER'}), {len(p.posted) - len(unacked)}/{len(p.posted)} posts"
                f" acknowledged, reconnects per worker restart {per_window}"
                f" (close codes {[c for _a, c in p.closes]})"
            )
            if missing:
                failures.append(f"{p.name} missed seqs {missing[:10]}")
            if doubled:
                failures.append(f"{p.name} got {doubled} events twice")
            if not ordered:
                failures.append(f"{p.name} got events out of order")
            if unacked:
                failures.append(f"{p.name}: {len(unacked)} posts not acknowledged")
            if any(n > 1 for n in per_window) or len(p.closes) > len(windows):
                failures.append(f"{p.name} reconnected more than once per worker restart: {per_window}")
            if on_pages:
                failures.append(f"{p.name}'s socket closed {on_pages} times while a page worker restarted")
    finally:
        if balancer is not None:
            balancer.send_signal(signal.SIGQUIT)
            try:
                balancer.wait(10)
            except subprocess.TimeoutExpired:
                balancer.kill()
        for server in workers.values():
            server.stop()
        errors = (directory / "error.log").read_text() if (directory / "error.log").exists() else ""
        shutil.rmtree(directory, ignore_errors=True)
    if failures:
        log("FAILED: " + "; ".join(failures))
        if errors:
            log("nginx error log:\n" + errors[-3000:])
        return 1
    log(
        "OK: nothing lost or doubled, every post acknowledged, at most one reconnect per socket worker's restart"
        " and none for a page worker's"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
