"""What one reconnect costs the worker: handshake + subscribe with the last seq (issue 17, part 2).

    .venv/bin/python bench/realtime/reconnect.py
    BENCH_BEFORE_DIR=/tmp/wv-before .venv/bin/python bench/realtime/reconnect.py   # and the code there

A small, repeatable stand-in for the reconnect storm (BENCH_SCALE=storm in scale.py) that takes a
minute: one single-worker app process; BENCH_RECONNECT_SOCKETS sockets (default 600) of the
scale bench's teams, spread over their threads and people as in the storm, open and subscribe once
(warm-up: the worker's imports, database connections and the hub's groups), close, and then all
connect again at once, each subscribing with the last seq it has (an empty replay, or
BENCH_RECONNECT_BEHIND events behind: a short one). Per reconnect it reports the worker's CPU
(utime + stime of the worker from /proc), the database transactions (pg_stat_database, every
statement outside a transaction is one; minus the idle rate measured just before), the CPU of the
database's backends, and reconnects per second (all sockets until the last one's `subscribed`).

With BENCH_BEFORE_DIR (a checkout of other code, say `git archive main | tar -x -C /tmp/wv-before`)
each round measures that code and this one, alternately, on the same data: before/after in one run.

With BENCH_RECONNECT_INSTRUCTIONS=valgrind the worker runs under valgrind's callgrind and the round
also prints the **instructions per reconnect**: counted only while the sockets reconnect (switched
on and off with callgrind_control), less the worker's idle rate measured just before. Like
bench/post_instructions.py for a post, it is the figure that does not move with the load on the
machine: the worker CPU above moves by ±25 % between runs of the same code on a shared host. It
does not count the kernel's part of the round trips, nor PostgreSQL or Redis. Under callgrind the
worker is about 50 times slower, so the defaults become 150 sockets and 10 handshakes at once;
about two minutes a round. The Redis commands per reconnect (INFO commandstats, less the idle rate)
are printed either way.

Settings: BENCH_RECONNECT_SOCKETS (600), BENCH_RECONNECT_ROUNDS (3), BENCH_RECONNECT_BEHIND (0),
BENCH_RECONNECT_IN_FLIGHT (200: handshakes the client has open at once), BENCH_TEAMS (20), and the
database, Redis and ports of run.py (defaults here: the database wijkverband_bench_reconnect, Redis
db 10, ports from 8741, so it does not meet another bench run).
"""

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wijkverband_bench_reconnect")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ.setdefault("BENCH_PORT_BASE", "8741")
os.environ.setdefault("BENCH_TEAMS", "20")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.realtime import run as rt  # noqa: E402
from bench.realtime import scale  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_RECONNECT_ROUNDS", "3"))
BEHIND = int(os.environ.get("BENCH_RECONNECT_BEHIND", "0"))
CALLGRIND = os.environ.get("BENCH_RECONNECT_INSTRUCTIONS")  # the valgrind binary, or unset
CALLGRIND_CONTROL = str(Path(shutil.which(CALLGRIND) or CALLGRIND).with_name("callgrind_control")) if CALLGRIND else ""
SOCKETS = int(os.environ.get("BENCH_RECONNECT_SOCKETS", "150" if CALLGRIND else "600"))
IN_FLIGHT = int(os.environ.get("BENCH_RECONNECT_IN_FLIGHT", "10" if CALLGRIND else "200"))
BEFORE_DIR = os.environ.get("BENCH_BEFORE_DIR")
# BENCH_PYSPY=<py-spy binary>: sample the worker during the measured reconnects (folded stacks in
# the temporary directory, one file per code and round; e.g. flamegraph.pl, or sort by count).
PYSPY = os.environ.get("BENCH_PYSPY")
PORT = rt.PORTS["app"]

log = rt.log


def start(code_dir: Path, counts: Path | None = None) -> rt.Server:
    args = [rt.PYTHON, "-m", "uvicorn", "config.asgi:application", "--workers", "1", "--port", str(PORT)]
    args += ["--log-level", "warning", "--lifespan", "off"]
    env = dict(rt.APP_ENV)
    if counts is not None:
        # Counting starts switched off (start-up and warm-up are not counted); fixed string hashing,
        # so the same code counts the same.
        args = [CALLGRIND, "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={counts}", *args]
        env["PYTHONHASHSEED"] = "0"
    return rt.Server("app", args, env, cwd=code_dir)


class Counter:
    """Instructions the worker runs while counting is on (callgrind_control: switched on, then dumped)."""

    TOTALS = re.compile(rb"^(?:summary|totals):\s*(\d+)", re.MULTILINE)

    def __init__(self, pid: int, counts: Path):
        self.pid = pid
        self.counts = counts

    def _control(self, *options: str) -> None:
        subprocess.run([CALLGRIND_CONTROL, *options, str(self.pid)], check=True, capture_output=True, timeout=120)  # noqa: S603

    async def on(self) -> None:
        await asyncio.to_thread(self._control, "--instr=on")

    async def take(self) -> int:
        """The instructions counted since the last take (or since switched on), and counting goes on."""
        before = set(self.counts.parent.glob(self.counts.name + ".*"))
        await asyncio.to_thread(self._control, "--dump")
        new = sorted(set(self.counts.parent.glob(self.counts.name + ".*")) - before, key=lambda p: p.stat().st_mtime)
        if not new:
            raise RuntimeError("callgrind wrote no dump")
        found = self.TOTALS.search(new[-1].read_bytes())
        if found is None:
            raise RuntimeError(f"no totals in {new[-1]}")
        return int(found.group(1))


def redis_commands() -> int:
    """Commands the bench's Redis server has run (all databases: only this bench uses it meanwhile)."""
    import redis

    stats = redis.Redis.from_url(rt.REDIS_URL).info("commandstats")
    return sum(entry["calls"] for name, entry in stats.items() if name not in ("cmdstat_info",))


async def connect_all(sockets: list, in_flight: int) -> float:
    """Open and subscribe every socket, at most `in_flight` handshakes at once; seconds until the last `subscribed`."""
    gate = asyncio.Semaphore(in_flight)
    began = time.perf_counter()

    async def one(s):
        async with gate:
            for _attempt in range(5):
                try:
                    await s.open()
                    break
                except (OSError, ConnectionError, TimeoutError):
                    await asyncio.sleep(0.5)
            else:
                raise RuntimeError("a socket could not connect")
            await asyncio.wait_for(s.subscribed, 120)

    await asyncio.gather(*(one(s) for s in sockets))
    return time.perf_counter() - began


async def close_all(sockets: list) -> None:
    for s in sockets:
        if s.client is not None:
            s.client.transport.close()
    await asyncio.sleep(1.5)  # the worker sees every close and leaves the sockets' groups


async def post_behind(sockets: list) -> None:
    """BEHIND messages in each thread, from its first socket (so a reconnect has a short replay)."""
    firsts = {}
    for s in sockets:
        firsts.setdefault(s.thread, s)
    for _ in range(BEHIND):
        ids = {}
        for s in firsts.values():
            client_id = str(uuid.uuid4())
            ids[client_id] = s
            s.post(0, client_id)
        deadline = time.perf_counter() + 60
        while any(cid not in s.acks for cid, s in ids.items()) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)


async def measure(name: str, code_dir: Path, teams: list[dict]) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="wv-reconnect-")) if CALLGRIND else None
    counts = scratch / "callgrind.out" if scratch else None
    server = start(code_dir, counts)
    try:
        await rt.wait_ready(PORT, teams[0]["cookies"][0])
        pids = server.pids()
        plan = scale.layout(teams, SOCKETS, seed=23)
        heads = await asyncio.to_thread(scale.thread_heads, {tid for _ti, tid, _c in plan})
        sockets = [scale.Tracked(PORT, tid, cookie, True, {}, heads[tid]) for _ti, tid, cookie in plan]
        # Warm-up: the first connection of each socket (as the pages loaded), then everyone leaves.
        await connect_all(sockets, IN_FLIGHT)
        await post_behind(sockets)
        await asyncio.sleep(0.5)
        heads = await asyncio.to_thread(scale.thread_heads, {s.thread for s in sockets})
        await close_all(sockets)
        for s in sockets:
            s.last = heads[s.thread] - BEHIND  # what the page has: BEHIND events short of the head
            s.first_seq = s.last
            s.seqs.clear()
        # The idle rate of transactions (the hub's housekeeping, other databases' stats do not count).
        quiet_xact, quiet_at = await asyncio.to_thread(scale.database_transactions), time.perf_counter()
        redis_quiet, redis_quiet_at = await asyncio.to_thread(redis_commands), time.perf_counter()
        await asyncio.sleep(2.0)
        xact0, at0 = await asyncio.to_thread(scale.database_transactions), time.perf_counter()
        idle_rate = (xact0 - quiet_xact) / (at0 - quiet_at)
        db0 = await asyncio.to_thread(rt.database_backends)
        counter = None
        if counts is not None:
            # The worker's idle rate (housekeeping, keepalives), counted for a while before the reconnects.
            counter = Counter(server.process.pid, counts)
            await counter.on()
            await counter.take()
            idle_at = time.perf_counter()
            await asyncio.sleep(5.0)
            idle_instructions = await counter.take() / (time.perf_counter() - idle_at)
        redis0, redis_at = await asyncio.to_thread(redis_commands), time.perf_counter()
        redis_idle = (redis0 - redis_quiet) / (redis_at - redis_quiet_at)
        spy = None
        if PYSPY:
            folded = f"{tempfile.gettempdir()}/wijkverband-reconnect-{name}-{time.strftime('%H%M%S')}.txt"
            spy = subprocess.Popen(  # noqa: S603 - the bench's own tool
                [
                    PYSPY,
                    "record",
                    "-p",
                    str(server.process.pid),
                    "-f",
                    "raw",
                    "-o",
                    folded,
                    "-r",
                    "250",
                    "--nonblocking",
                    "--gil",  # only the thread holding the GIL: Python's CPU, not threads waiting on the database
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            await asyncio.sleep(1.0)
        cpu0 = rt.cpu_seconds(pids)
        measured_at = time.perf_counter()
        elapsed = await connect_all(sockets, IN_FLIGHT)
        cpu = rt.cpu_seconds(pids) - cpu0
        instructions = None
        if counter is not None:
            counted = await counter.take()
            instructions = (counted - idle_instructions * (time.perf_counter() - measured_at)) / len(sockets)
        commands = await asyncio.to_thread(redis_commands) - redis0 - redis_idle * (time.perf_counter() - redis_at)
        xact = await asyncio.to_thread(scale.database_transactions) - xact0 - idle_rate * (time.perf_counter() - at0)
        db_cpu = await asyncio.to_thread(rt.database_cpu_since, db0)
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            await asyncio.to_thread(spy.wait, 30)
            log(f"    profile: {folded}")
        replayed = sum(len(s.seqs) for s in sockets)
        await close_all(sockets)
        return {
            "code": name,
            "sockets": len(sockets),
            "cpu_ms_per_reconnect": cpu / len(sockets) * 1000,
            "transactions_per_reconnect": xact / len(sockets),
            "db_cpu_ms_per_reconnect": db_cpu / len(sockets) * 1000,
            "reconnects_per_s": len(sockets) / elapsed,
            "events_replayed": replayed,
            "redis_commands_per_reconnect": max(0.0, commands / len(sockets)),  # less the idle rate: may dip below 0
            **({"instructions_per_reconnect": instructions} if instructions is not None else {}),
        }
    finally:
        server.stop()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def show(r: dict) -> None:
    log(
        f"  {r['code']:<7} {r['sockets']} reconnects: worker CPU {r['cpu_ms_per_reconnect']:.2f} ms each,"
        f" {r['transactions_per_reconnect']:.1f} database transactions each"
        f" (backends' CPU {r['db_cpu_ms_per_reconnect']:.2f} ms), {r['reconnects_per_s']:.0f} reconnects/s"
        f" ({r['events_replayed']} events replayed), {r['redis_commands_per_reconnect']:.1f} Redis commands each"
        + (
            f", {r['instructions_per_reconnect'] / 1e6:.2f} million instructions each (callgrind)"
            if "instructions_per_reconnect" in r
            else ""
        )
    )


async def main() -> None:
    log(f"Reconnect cost: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, {SOCKETS} sockets, {BEHIND} behind")
    teams = await asyncio.to_thread(scale.prepare)
    codes = ([("before", Path(BEFORE_DIR))] if BEFORE_DIR else []) + [("this", rt.ROOT)]
    results: dict[str, list] = {name: [] for name, _dir in codes}
    for round_ in range(ROUNDS):
        log(f" round {round_ + 1} (load {os.getloadavg()[0]:.1f})")
        for name, code_dir in codes:
            result = await measure(name, code_dir, teams)
            results[name].append(result)
            show(result)
    log(" medians")
    for name, rows in results.items():
        median = {key: statistics.median(r[key] for r in rows) for key in rows[0] if key != "code"}
        show({"code": name, **median})
    log(f"  load after: {os.getloadavg()[0]:.1f}")
    out = Path(os.environ.get("BENCH_OUT", tempfile.gettempdir() + "/wijkverband-bench-reconnect.json"))
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
