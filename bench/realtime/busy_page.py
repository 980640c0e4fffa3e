"""What a page takes on a worker whose other threads are busy: the pages of a reconnect storm.

    .venv/bin/python bench/realtime/busy_page.py
    BENCH_APP_DIR=/tmp/before .venv/bin/python bench/realtime/busy_page.py   # another checkout's code

In a storm a page shares its worker with the event loop and the socket pools, all wanting the
GIL. Whenever the page's thread lets go of it (a query's round trip, a call for randomness) it
waits to get it back behind the others' switch intervals, so a page's time there follows how often
it lets go far more than its CPU (bench/realtime/README.md, "A twentieth machine"). The storm
(scale.py) shows that only through its noise; this shows it alone: pages of the bench team
(run.py's data), served in one process by Django's test client as a worker serves them (config.asgi
imported: the warm-up done), first on their own, then with BENCH_BUSY_THREADS (2) threads beside
them running Python without a pause.

Printed per page: the trips to the database (queries as Django counts them; on PostgreSQL
statements sent together count once), the calls for randomness (os.urandom), the p50 on its own,
and the p50 and p90 beside the busy threads. The trips and calls are counts, the same on every
run; the times move with the machine, so compare code in alternated runs.

Settings: BENCH_PAGE_REPEAT (60 pages each way), BENCH_BUSY_THREADS, BENCH_PAGES (as pages.py),
BENCH_SHOW_TRIPS (a length: each trip's SQL, cut to it, on stderr), BENCH_APP_DIR, and those of
run.py (BENCH_DATABASE_URL, BENCH_REDIS_URL). The worker's own settings apply as config.asgi sets
them, so WORKER_SWITCH_INTERVAL_US=5000 shows the pages with Python's own switch interval (the
README's "A twenty-second machine").
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REPEAT = int(os.environ.get("BENCH_PAGE_REPEAT", "60"))
BUSY = int(os.environ.get("BENCH_BUSY_THREADS", "2"))
SHOW_TRIPS = int(os.environ.get("BENCH_SHOW_TRIPS", "0"))  # >0: each trip's SQL, cut to this length


def child() -> None:
    """In a process of its own, with the code of BENCH_APP_DIR: measure each page, one JSON line each."""
    import random
    import threading

    sys.path.insert(0, os.environ["BUSY_APP_DIR"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import config.asgi  # noqa: F401 - the worker's setup and warm-up

    name, key = os.environ["BUSY_COOKIE"].split("=", 1)
    client = Client(HTTP_HOST="localhost")
    client.cookies[name] = key

    drawn = []
    urandom = os.urandom

    def counted(size):
        drawn.append(size)
        return urandom(size)

    def fetch(path):
        started = time.perf_counter()
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        return (time.perf_counter() - started) * 1000

    for path in json.loads(os.environ["BUSY_PATHS"]):
        for _ in range(10):
            fetch(path)
        os.urandom, random._urandom = counted, counted
        drawn.clear()
        with CaptureQueriesContext(connection) as queries:
            fetch(path)
        trips, calls = len(queries.captured_queries), len(drawn)  # (read now: the next page clears the log)
        if SHOW_TRIPS:
            for number, query in enumerate(queries.captured_queries, 1):
                print(f"{path} trip {number}: {' '.join(query['sql'].split())[:SHOW_TRIPS]}", file=sys.stderr)
        os.urandom, random._urandom = urandom, urandom
        quiet = sorted(fetch(path) for _ in range(REPEAT))
        stop = threading.Event()

        def busy(stop=stop):
            while not stop.is_set():
                sum(range(1000))

        threads = [threading.Thread(target=busy) for _ in range(BUSY)]
        for thread in threads:
            thread.start()
        try:
            walls = sorted(fetch(path) for _ in range(REPEAT))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        print(
            json.dumps(
                {
                    "page": path,
                    "trips": trips,
                    "randomness": calls,
                    "quiet_p50": statistics.median(quiet),
                    "busy_p50": statistics.median(walls),
                    "busy_p90": walls[int(0.9 * len(walls))],
                }
            ),
            flush=True,
        )


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.realtime import run as rt
    from bench.realtime.pages import PAGES

    rt.log(f"A page beside busy threads: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, code from {rt.APP_DIR}")
    data = rt.prepare_app()
    paths = [template.format(team="bench", thread=data["thread"]) for template in PAGES]
    env = {
        **os.environ,
        **rt.APP_ENV,
        "BUSY_CHILD": "1",
        "BUSY_APP_DIR": str(rt.APP_DIR),
        "BUSY_COOKIE": data["readers"][0],
        "BUSY_PATHS": json.dumps(paths),
    }
    done = subprocess.run(  # noqa: S603 - this file
        [sys.executable, __file__], cwd=rt.APP_DIR, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    if SHOW_TRIPS:
        sys.stderr.write(done.stderr)
    rt.log(f"{'page':<34} {'trips':>5} {'random':>6} {'alone p50':>10} {f'{BUSY} busy p50':>11} {'p90':>8}")
    for line in done.stdout.splitlines():
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        rt.log(
            f"{r['page']:<34} {r['trips']:>5} {r['randomness']:>6} {r['quiet_p50']:>7.1f} ms"
            f" {r['busy_p50']:>8.1f} ms {r['busy_p90']:>5.0f} ms"
        )
    rt.log(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    child() if os.environ.get("BUSY_CHILD") else main()
