"""Realtime benchmark: N authenticated clients on one thread, a sender posting at a fixed rate.

Runs, in one go, the same workload against
  1. a bare `websockets` broadcast server (the floor),
  2. a stock Channels group-broadcast app (two uvicorn workers, Redis),
  3. Wijkverband (two uvicorn workers, PostgreSQL + Redis, every message persisted, sequenced
     and permission-checked),
and prints delivered/offered, lost, duplicated, out-of-order, p50/p95/p99 latency, server CPU
per delivery and the ratios to the floor. Then a stalled client, and memory per idle socket.

    make bench-realtime            # defaults: 1000 and 3000 clients, 20 posts/s, 20 s
    BENCH_CLIENTS=500 BENCH_SECONDS=10 make bench-realtime
"""

import asyncio
import compileall
import contextlib
import functools
import gc
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.realtime.loadclient import Stats, connect  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wijkverband_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
CLIENT_COUNTS = [int(n) for n in os.environ.get("BENCH_CLIENTS", "1000,3000").split(",")]
RATE = float(os.environ.get("BENCH_RATE", "20"))
# The stalled-client run: fewer clients, more and bigger posts (the same deliveries per second), so
# that the kernel's buffers of the stalled socket fill within the run and its queue overflows.
STALL_CLIENTS = int(os.environ.get("BENCH_STALL_CLIENTS", "100"))
STALL_RATE = float(os.environ.get("BENCH_STALL_RATE", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
# Issue 17's target for a post, at most 3 ms of worker CPU, was set on a machine whose bare server
# spent 9.8 µs of CPU per delivery: about 306 bare deliveries (bench/realtime/README.md).
POST_TARGET_IN_BARE_DELIVERIES = 3000 / 9.8
IDLE_SOCKETS = int(os.environ.get("BENCH_IDLE_SOCKETS", "5000"))
TARGETS = os.environ.get("BENCH_TARGETS", "bare,stock,app").split(",")
# Readers subscribe as thread pages do (they show who is here); 0: as the thread list does.
PRESENCE = os.environ.get("BENCH_PRESENCE", "1") != "0"
USERS = 50
PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "8701"))
PORTS = {"bare": PORT_BASE, "stock": PORT_BASE + 1, "app": PORT_BASE + 2}
# BENCH_LAYOUT=pinned: the app as two single-worker uvicorn processes on their own ports (app and
# app + 1), the readers spread over both and the sender on the first. The load balancer's pick of
# worker hides what a post costs its worker; here the sender's worker pays it alone, and the run
# reports each worker's CPU and the post's cost (sender's worker minus the other, per post).
LAYOUT = os.environ.get("BENCH_LAYOUT", "balanced")
# BENCH_THREAD_OWNER=reader: the thread is a reader's, not the sender's (the sender's by default).
THREAD_OWNER = os.environ.get("BENCH_THREAD_OWNER", "sender")

APP_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "CHANNEL_PREFIX": "bench-app",
    "CACHE_PREFIX": "bench-app",
    "SECRET_KEY": "bench-" + uuid.uuid4().hex + uuid.uuid4().hex,
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
    # A connection pool per process, as docs/deploy.md runs it (each socket frame and each request would
    # otherwise open a connection); CONN_MAX_AGE for code from before the pool (BENCH_APP_DIR).
    "DATABASE_POOL_SIZE": os.environ.get("BENCH_POOL_SIZE", "16"),
    "CONN_MAX_AGE": "60",
    # The sender posts far faster than a person may: lift the per-person limits for the bench.
    "THREADS_POSTS_PER_MINUTE": "1000000",
    "REALTIME_FRAMES_PER_SECOND": "10000",
    "REALTIME_FRAME_BURST": "10000",
    "REALTIME_QUEUE_LIMIT": os.environ.get("BENCH_QUEUE_LIMIT", "200"),
}


def log(*args):
    print(*args, flush=True)


# --- processes and their CPU / memory ---------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for child in _children(pid):
        pids += _tree(child)
    return pids


def cpu_seconds(pids) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def _thread_files(pids, name: str):
    """(pid, thread id, text) of /proc's `name` file of every thread of `pids` (a thread that
    ended meanwhile, or a process, is left out)."""
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                yield pid, task, Path(f"/proc/{pid}/task/{task}/{name}").read_text()
            except OSError:
                continue


def context_switches(pids) -> int:
    """Context switches so far (voluntary and not) of every thread of `pids`: a count that does not
    depend on the host's speed, where their cost does (a virtual machine's can be several times a
    bare one's)."""
    return sum(
        int(line.split()[1])
        for _pid, _task, text in _thread_files(pids, "status")
        for line in text.splitlines()
        if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"))
    )


def cpu_split(pids) -> dict[str, float]:
    """CPU seconds so far of `pids`, split four ways: the event loop's thread (the process's first)
    and every other thread (the sockets' pools, the posts'), each in user space and in the kernel.
    Where a post's CPU goes differs from host to host: Python is most of it on one, the kernel's
    work on another (bench/realtime/README.md, "A thirtieth machine")."""
    ticks = os.sysconf("SC_CLK_TCK")
    split = dict.fromkeys(("loop_user", "loop_system", "threads_user", "threads_system"), 0.0)
    for pid, task, text in _thread_files(pids, "stat"):
        fields = text.rsplit(")", 1)[1].split()
        where = "loop" if task == str(pid) else "threads"
        split[f"{where}_user"] += int(fields[11]) / ticks
        split[f"{where}_system"] += int(fields[12]) / ticks
    return split


def rss_bytes(pids) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def database_backends() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to the bench database (by pid)."""
    from urllib.parse import urlsplit

    import psycopg

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
        ).fetchall()
    return {pid: cpu_seconds([pid]) for (pid,) in rows}


def database_cpu_since(before: dict[int, float]) -> float:
    """CPU the bench database's backends used since `before` (backends started since count whole)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in database_backends().items())


# BENCH_APP_DIR: run the app servers from another checkout (say, the code before a change) while the
# bench itself stays this one.
APP_DIR = Path(os.environ.get("BENCH_APP_DIR", str(ROOT)))


class Server:
    def __init__(self, name: str, args: list[str], env: dict, cwd: Path = ROOT):
        self.name = name
        # BENCH_SERVER_LOG: a file for the servers' output (warnings, tracebacks); discarded otherwise.
        log_file = os.environ.get("BENCH_SERVER_LOG")
        output = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(  # noqa: S603 - our own commands
            args,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=output,
            stderr=output,
            start_new_session=True,  # its own process group: stopping it stops its workers too
        )

    def pids(self) -> list[int]:
        return _tree(self.process.pid)

    def workers(self) -> list[list[int]]:
        return [self.pids()]

    def stop(self) -> None:
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait()


class Servers:
    """Several single-worker processes (the pinned layout): each one a worker of its own."""

    def __init__(self, servers: list[Server]):
        self.servers = servers

    def pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.pids()]

    def workers(self) -> list[list[int]]:
        return [server.pids() for server in self.servers]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def app_ports() -> list[int]:
    return [PORTS["app"], PORTS["app"] + 1] if LAYOUT == "pinned" else [PORTS["app"]]


@functools.cache
def compile_app() -> None:
    """Compile the app's code in APP_DIR once, as the image does (Dockerfile): where
    PYTHONDONTWRITEBYTECODE is set, as on the bench machines and in the image, a worker otherwise
    compiles every module again at each start (about 0.2 s of CPU of a restart's 1.2 s)."""
    for package in ("config", "wijkverband"):
        compileall.compile_dir(APP_DIR / package, quiet=1)


def start_app_worker(port: int, workers: int = 1, env: dict | None = None, nice: int = 0) -> Server:
    """`nice`: run the worker at that lower CPU priority (`nice -n`), as an operator gives the socket
    workers less weight than the page workers (docs/scaling.md)."""
    compile_app()
    return Server(
        "app",
        [
            *(["nice", "-n", str(nice)] if nice else []),
            PYTHON,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--workers",
            str(workers),
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--lifespan",
            "off",
        ],
        {**APP_ENV, **(env or {})},
        cwd=APP_DIR,
    )


def start(name: str):
    port = PORTS[name]
    if name == "app" and LAYOUT == "pinned":
        return Servers([start_app_worker(p) for p in app_ports()])
    if name == "bare":
        server = Server(name, [PYTHON, "bench/realtime/bare_server.py", "--port", str(port)], {})
    elif name == "stock":
        server = Server(
            name,
            [
                PYTHON,
                "-m",
                "uvicorn",
                "bench.realtime.stock_app:application",
                "--workers",
                "2",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--ws-max-queue",
                "100000",
            ],
            {"REDIS_URL": REDIS_URL},
        )
    else:
        server = start_app_worker(port, workers=2)
    return server


async def wait_ready(port: int, cookie: str = "") -> None:
    for _ in range(600):
        try:
            client = await connect(port, cookie=cookie)
            client.transport.close()
            return
        except (TimeoutError, OSError, ConnectionError):
            await asyncio.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


# --- the data of the app run ---------------------------------------------------------------------


def _database_create(url: str) -> None:
    """Create the bench database when it does not exist yet (connecting to the server's own db)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def signed_in_session(user) -> str:
    """The key of a new session in the database that signs `user` in for an hour, as a browser's
    cookie holds it (the benches' sockets, pages and posts use it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(3600)
    session.save()
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        # The same session in Django's own table too, where the code from before our session
        # engine (BENCH_APP_DIR, an older checkout) looks for it.
        from django.contrib.sessions.models import Session

        Session.objects.update_or_create(
            session_key=session.session_key,
            defaults={"session_data": session.encode(session._session), "expire_date": session.get_expiry_date()},
        )
    return session.session_key


def prepare_app() -> dict:
    """Migrate the bench database, make a team, a thread and signed-in sessions."""
    _setup_django()
    from wijkverband.tenancy.scoping import scopes_disabled

    with scopes_disabled():  # the bench's own data: every query names its team
        return _prepare_app()


def _setup_django() -> None:
    env = {**os.environ, **APP_ENV}
    _database_create(DATABASE_URL)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    os.environ.update(APP_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _prepare_app() -> dict:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership, OrganisationKind, Region, Team
    from wijkverband.threads import services as threads

    User = get_user_model()
    region = Region.objects.filter(slug="bench").first() or tenancy.region_create(name="Bench", slug="bench")
    team = Team.objects.filter(slug="bench").first() or tenancy.team_create(
        actor=None, region=region, name="Bench", slug="bench", municipality="Bench"
    )
    organisation = tenancy.organisation_add(actor=None, team=team, name="Bench GP", kind=OrganisationKind.GP)
    users = []
    for i in range(USERS + 1):
        email = f"bench{i}@example.nl"
        user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, name=f"Bench {i}")
        if not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, "JBSWY3DPEHPK3PXP")  # professionals sign in with a second factor
        if not Membership.objects.filter(team=team, user=user).exists():
            tenancy.membership_create(
                actor=None, team=team, user=user, role="coordinator" if i == 0 else "member", organisation=organisation
            )
        users.append(user)
    cookies = []
    for user in users:
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}")
    thread = threads.thread_create(actor=users[0], team=team, title=f"Bench {time.strftime('%H:%M:%S')}")
    return {"thread": thread.pk, "sender": cookies[0], "readers": cookies[1:]}


def new_thread(data: dict) -> int:
    from wijkverband.tenancy.scoping import scopes_disabled
    from wijkverband.threads import services as threads
    from wijkverband.threads.models import Thread

    with scopes_disabled():
        old = Thread.objects.across_teams().select_related("team", "created_by").get(pk=data["thread"])
        owner = old.created_by
        if THREAD_OWNER == "reader":
            # Someone else's thread, as most posts are: each post also asks whether the owner still
            # has an unread "new activity" notice (wijkverband.threads.services.notifications).
            from django.contrib.auth import get_user_model

            owner = get_user_model().objects.get(email="bench1@example.nl")
        return threads.thread_create(actor=owner, team=old.team, title=f"Bench {uuid.uuid4().hex[:6]}").pk


# --- one measured run ------------------------------------------------------------------------------


async def open_readers(name, count, stats, data, thread_id):
    ports = app_ports() if name == "app" else [PORTS[name]]
    clients = []
    batch = 100
    for start_at in range(0, count, batch):
        group = []
        for i in range(start_at, min(count, start_at + batch)):
            cookie = data["readers"][i % len(data["readers"])] if name == "app" else ""
            group.append(connect(ports[i % len(ports)], cookie=cookie, stats=stats))
        results = await asyncio.gather(*group, return_exceptions=True)
        opened = [r for r in results if not isinstance(r, BaseException)]
        if name == "app" and LAYOUT == "pinned":
            for i, client in enumerate(results, start=start_at):
                if not isinstance(client, BaseException):
                    client.latencies, client.port = [], ports[i % len(ports)]
        failed = len(results) - len(opened)
        if failed:
            # A server that refuses connections under load (the stock app does) is part of the result.
            first_error = next(r for r in results if isinstance(r, BaseException))
            log(f"    {name}: {failed} of {len(results)} connections refused ({first_error!r})")
        if name == "app":
            waits = []
            for client in opened:
                subscribed = asyncio.get_running_loop().create_future()
                client.on_text = lambda text, f=subscribed: (
                    f.set_result(True) if not f.done() and b'"subscribed"' in text else None
                )
                client.send_text(
                    json.dumps({"type": "subscribe", "thread": thread_id, "after": None, "presence": PRESENCE})
                )
                waits.append(subscribed)
            await asyncio.wait_for(asyncio.gather(*waits), 120)
            for client in opened:
                client.on_text = None
        clients += opened
    return clients


def posts_timed(port: int) -> tuple[float, float] | None:
    """(count, sum in seconds) of the worker's own histogram of posts stored (`wijkverband_realtime_post_seconds`
    on its /metrics, which loopback may read), or None for code without it (BENCH_APP_DIR)."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:  # noqa: S310 - our own worker
            text = answer.read().decode()
    except OSError:
        return None
    found = {}
    for line in text.splitlines():
        for part in ("count", "sum"):
            if line.startswith(f"wijkverband_realtime_post_seconds_{part} "):
                found[part] = float(line.split()[1])
    return (found["count"], found["sum"]) if len(found) == 2 else None


async def measure(name: str, count: int, data: dict | None, *, stalled: bool = False, heavy: bool = False) -> dict:
    # For the stalled client the posts are padded (just under the 10 kB limit), so its buffers
    # fill; the same heavy workload without it is the reference for "nobody else is delayed".
    pad = "x" * 9000 if heavy else ""
    rate = STALL_RATE if heavy else RATE
    total = int(rate * SECONDS)
    stats = Stats(total)
    server = start(name)
    port = PORTS[name]
    try:
        for each in app_ports() if name == "app" else [port]:
            await wait_ready(each, data["sender"] if name == "app" else "")
        await asyncio.sleep(1.0)
        thread_id = await asyncio.to_thread(new_thread, data) if name == "app" else 0
        readers = await open_readers(name, count, stats, data, thread_id)
        stuck = None
        if stalled:
            stuck = await connect(port, cookie=data["readers"][0], rcvbuf=4096)
            stuck.send_text(json.dumps({"type": "subscribe", "thread": thread_id, "after": None}))
            await asyncio.sleep(0.5)
            stuck.transport.pause_reading()
        sender = await connect(port, cookie=data["sender"] if name == "app" else "")
        if name == "app":
            # Warm up the post path (database connections, imports) with messages that are not counted.
            for _ in range(5):
                sender.send_text(
                    json.dumps({"type": "post", "thread": thread_id, "client_id": str(uuid.uuid4()), "body": "warm-up"})
                )
                await asyncio.sleep(0.1)
        else:
            sender.send_text("warm-up")
        await asyncio.sleep(1.0)
        gc.collect()
        gc.disable()
        pids = server.pids()
        workers = server.workers()
        if os.environ.get("BENCH_MARK_FILE"):
            # For profiling (py-spy on the workers): the file appears when the measured posting starts.
            Path(os.environ["BENCH_MARK_FILE"]).write_text(" ".join(map(str, pids)))
        cpu_before = cpu_seconds(pids)
        worker_before = [cpu_seconds(w) for w in workers]
        switches_before = [context_switches(w) for w in workers]
        split_before = [cpu_split(w) for w in workers]
        db_before = database_backends() if name == "app" else {}
        timed_before = await asyncio.to_thread(posts_timed, port) if name == "app" and LAYOUT == "pinned" else None
        began = time.perf_counter()
        if os.environ.get("BENCH_SERVER_LOG"):
            log(f"    posting starts at {time.time():.2f}")
        for n in range(1, total + 1):
            due = began + (n - 1) / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = f"@@{n:08d}{pad}"
            stats.sent_at[n] = time.perf_counter()
            if name == "app":
                sender.send_text(
                    json.dumps({"type": "post", "thread": thread_id, "client_id": str(uuid.uuid4()), "body": body})
                )
            else:
                sender.send_text(body)
        offered = total * len(readers)
        if len(readers) < count:
            log(f"    {name}: only {len(readers)} of {count} clients connected")
        deadline = time.perf_counter() + 10
        while stats.delivered < offered and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        cpu_after = cpu_seconds(pids)
        db_cpu = database_cpu_since(db_before) if name == "app" else 0.0
        worker_cpu = [cpu_seconds(w) - b for w, b in zip(workers, worker_before, strict=True)]
        worker_switches = [context_switches(w) - b for w, b in zip(workers, switches_before, strict=True)]
        worker_split = [
            {key: value - b[key] for key, value in cpu_split(w).items()}
            for w, b in zip(workers, split_before, strict=True)
        ]
        elapsed = time.perf_counter() - began
        gc.enable()
        result = summarise(name, count, stats, offered, cpu_after - cpu_before)
        if name == "app":
            # PostgreSQL's own CPU per post (the backends of the bench database; not the WAL writer).
            result["db_cpu_ms_per_post"] = db_cpu / total * 1000
        if name == "app" and LAYOUT == "pinned":
            # Each worker's share of a core over the run, and what a post costs the sender's worker
            # beyond what the other worker (same readers, no posts) spends delivering.
            result["worker_cpu_pct"] = [round(c / elapsed * 100, 1) for c in worker_cpu]
            result["post_cpu_ms"] = (worker_cpu[0] - worker_cpu[1]) / total * 1000
            # The same difference in the workers' context switches (every thread's): the thread
            # hops and waits of a post, whose cost differs from host to host.
            result["post_switches"] = (worker_switches[0] - worker_switches[1]) / total
            # The same difference by thread and by mode: the event loop's (the frame, the hop, the
            # doorbell, the ack) and the post's own thread, each in user space and in the kernel.
            result["post_cpu_split_ms"] = {
                key: (worker_split[0][key] - worker_split[1][key]) / total * 1000 for key in worker_split[0]
            }
            # The median delivery on each worker: the sender's own readers get the event from its
            # hub, the other worker's through Redis.
            timed_after = await asyncio.to_thread(posts_timed, port) if timed_before else None
            if timed_after and timed_after[0] > timed_before[0]:
                # The sender's worker's own figure: from the post's frame until it is stored and back on
                # the event loop (before the doorbell and the fan-out), mean over the run.
                posts, seconds = timed_after[0] - timed_before[0], timed_after[1] - timed_before[1]
                result["post_server_ms"] = seconds / posts * 1000
            result["worker_p50_ms"] = [
                percentile([x for c in readers if getattr(c, "port", None) == p for x in c.latencies], 50) * 1000
                for p in app_ports()
            ]
        closed = [c.closed.result() for c in readers if c.closed.done()]
        if closed:
            # Sockets the server closed during the run (4008: too slow, reconnect and catch up).
            result["closed_by_server"] = {str(code): closed.count(code) for code in sorted(set(closed))}
        if stuck is not None:
            stuck.transport.resume_reading()
            try:
                code = await asyncio.wait_for(asyncio.shield(stuck.closed), 15)
            except TimeoutError:
                code = None
            result["stalled_close_code"] = code
        for client in readers + [sender]:
            client.transport.close()
        await asyncio.sleep(0.5)
        return result
    finally:
        server.stop()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def summarise(name, count, stats, offered, cpu) -> dict:
    lat = stats.latencies
    return {
        "target": name,
        "clients": count,
        "offered": offered,
        "delivered": stats.delivered,
        "lost": offered - stats.delivered,
        "duplicated": stats.duplicates,
        "out_of_order": stats.out_of_order,
        "p50_ms": percentile(lat, 50) * 1000,
        "p95_ms": percentile(lat, 95) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "cpu_us_per_delivery": cpu / max(1, stats.delivered) * 1e6,
        # The messages whose slowest delivery took longest, with when they were sent (s into the run).
        "slowest": [
            {"message": n, "sent_s": round(stats.sent_at[n] - stats.sent_at[1], 2), "worst_ms": round(w * 1000, 1)}
            for n, w in sorted(enumerate(stats.worst), key=lambda item: -item[1])[:5]
            if w > 0
        ],
    }


def show(result):
    log(
        f"  {result['target']:<6} {result['clients']:>5} clients: delivered {result['delivered']}/{result['offered']}"
        f"  lost {result['lost']}  dup {result['duplicated']}  ooo {result['out_of_order']}"
        f"  p50 {result['p50_ms']:.1f} ms  p95 {result['p95_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms"
        f"  CPU {result['cpu_us_per_delivery']:.1f} µs/delivery"
        + (f"  stalled client closed with {result['stalled_close_code']}" if "stalled_close_code" in result else "")
        + (f"  sockets closed by the server: {result['closed_by_server']}" if "closed_by_server" in result else "")
    )
    if "db_cpu_ms_per_post" in result:
        log(f"         PostgreSQL backends: {result['db_cpu_ms_per_post']:.2f} ms of CPU per post")
    if "post_cpu_ms" in result:
        log(
            f"         pinned: worker CPU {' / '.join(f'{p:.1f} %' for p in result['worker_cpu_pct'])} of a core"
            f" (sender's worker first): {result['post_cpu_ms']:.2f} ms of worker CPU"
            f" and {result['post_switches']:.1f} context switches per post"
            + (
                " (the event loop {loop_user:.2f} user + {loop_system:.2f} system, its other threads"
                " {threads_user:.2f} user + {threads_system:.2f} system)".format(**result["post_cpu_split_ms"])
                if "post_cpu_split_ms" in result
                else ""
            )
            + ";"
            f" p50 {' / '.join(f'{p:.1f}' for p in result['worker_p50_ms'])} ms"
            + (
                f"; a post's server time (frame to stored, its /metrics): {result['post_server_ms']:.2f} ms on average"
                if "post_server_ms" in result
                else ""
            )
        )
    if result.get("slowest"):
        log(
            "         slowest messages (sent at, slowest delivery): "
            + ", ".join(f"{s['sent_s']:.2f} s {s['worst_ms']:.0f} ms" for s in result["slowest"])
        )


async def idle_memory(data: dict) -> None:
    server = start("app")
    try:
        for each in app_ports():
            await wait_ready(each, data["sender"])
        await asyncio.sleep(2.0)
        thread_id = await asyncio.to_thread(new_thread, data)
        before = rss_bytes(server.pids())
        readers = await open_readers("app", IDLE_SOCKETS, None, data, thread_id)
        await asyncio.sleep(2.0)
        after = rss_bytes(server.pids())
        log(
            f"  memory: {IDLE_SOCKETS} idle subscribed sockets on 2 workers: "
            f"{(after - before) / IDLE_SOCKETS / 1024:.1f} KiB per socket "
            f"(RSS {before / 2**20:.0f} → {after / 2**20:.0f} MiB)"
        )
        for client in readers:
            client.transport.close()
    finally:
        server.stop()


async def main() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    log(f"Realtime benchmark: {RATE:g} posts/s for {SECONDS:g} s, clients {CLIENT_COUNTS}, {os.cpu_count()} CPUs")
    data = await asyncio.to_thread(prepare_app) if "app" in TARGETS else None
    results = []
    only_memory = os.environ.get("BENCH_ONLY_MEMORY") == "1"
    for count in [] if only_memory else CLIENT_COUNTS:
        log(f"\n{count} clients")
        row = {}
        for name in TARGETS:
            result = await measure(name, count, data)
            show(result)
            row[name] = result
            results.append(result)
        if "bare" in row:
            floor = row["bare"]
            for name in [n for n in row if n != "bare"]:
                r = row[name]
                log(
                    f"  {name} / bare: p50 +{r['p50_ms'] - floor['p50_ms']:.1f} ms, "
                    f"p99 {r['p99_ms'] / floor['p99_ms']:.2f}×, "
                    f"CPU per delivery {r['cpu_us_per_delivery'] / floor['cpu_us_per_delivery']:.2f}×"
                )
                if "post_cpu_ms" in r:
                    # The machine's speed, measured by the bare server in the same run: what a post costs
                    # the worker in bare deliveries' CPU compares across machines of the kind (their
                    # speed differs up to twice), where milliseconds do not.
                    r["post_cpu_in_bare_deliveries"] = r["post_cpu_ms"] * 1000 / floor["cpu_us_per_delivery"]
                    log(
                        f"  a post's worker CPU: {r['post_cpu_in_bare_deliveries']:.0f} bare deliveries"
                        f" (target: {POST_TARGET_IN_BARE_DELIVERIES:.0f}, the 3 ms of issue 17 on its machine)"
                    )
    if "app" in TARGETS and not only_memory and STALL_CLIENTS > 0:
        log(f"\nOne deliberately stalled client among {STALL_CLIENTS} others (app, {STALL_RATE:g} posts/s of 9 kB)")
        show(await measure("app", STALL_CLIENTS, data, heavy=True))
        show(await measure("app", STALL_CLIENTS, data, heavy=True, stalled=True))
    if "app" in TARGETS and IDLE_SOCKETS > 0:
        log("\nIdle sockets")
        await idle_memory(data)
    out = Path(os.environ.get("BENCH_OUT", tempfile.gettempdir() + "/wijkverband-bench-realtime.json"))
    out.write_text(json.dumps(results, indent=2))
    log(f"\nRaw numbers: {out}")


if __name__ == "__main__":
    asyncio.run(main())
