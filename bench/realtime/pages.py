"""What a page costs a worker: the main pages of a team, fetched through one uvicorn worker.

    .venv/bin/python bench/realtime/pages.py
    BENCH_APP_DIR=/tmp/before .venv/bin/python bench/realtime/pages.py   # another checkout's code

One single-worker uvicorn process (as docs/deploy.md runs them, with the connection pool) serves
a member of the bench team of run.py (50 members, a few threads). Each page is fetched
BENCH_PAGE_REPEAT times (200) one after another over new connections, as a browser's first
request, after 10 to warm up. Printed per page: the worker's CPU per page (from /proc), the
PostgreSQL backends' CPU per page, and the wall time's p50 and p95. A storm's page p99 scales
with its page's own CPU (bench/realtime/README.md), and this is that cost without the storm.

Query counts are asserted in the tests, not here. Settings: BENCH_PAGE_REPEAT, BENCH_PAGES (comma-
separated paths, {team} and {thread} filled in), BENCH_APP_DIR, and those of run.py
(BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PORT_BASE).
"""

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.realtime import run as rt  # noqa: E402
from bench.realtime.scale import http_get  # noqa: E402

REPEAT = int(os.environ.get("BENCH_PAGE_REPEAT", "200"))
PAGES = os.environ.get(
    "BENCH_PAGES",
    "/t/{team}/,/t/{team}/threads/,/t/{team}/threads/{thread}/,/t/{team}/bottlenecks/,/t/{team}/agreements/,/my-work/",
).split(",")
PORT = rt.PORT_BASE + 20


async def measure(server, path: str, cookie: str) -> dict:
    for _ in range(10):
        _, status = await http_get(PORT, path, cookie)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
    walls = []
    database = rt.database_backends()
    cpu = rt.cpu_seconds(server.pids())
    for _ in range(REPEAT):
        wall, _ = await http_get(PORT, path, cookie)
        walls.append(wall * 1000)
    cpu = rt.cpu_seconds(server.pids()) - cpu
    database = rt.database_cpu_since(database)
    walls.sort()
    return {
        "page": path,
        "worker_ms": 1000 * cpu / REPEAT,
        "database_ms": 1000 * database / REPEAT,
        "p50": statistics.median(walls),
        "p95": walls[int(0.95 * len(walls))],
    }


async def main() -> None:
    rt.log(f"Page cost: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, code from {rt.APP_DIR}")
    data = await asyncio.to_thread(rt.prepare_app)
    cookie = data["readers"][0]
    server = rt.start_app_worker(PORT)
    try:
        await rt.wait_ready(PORT, cookie)
        rt.log(f"{'page':<34} {'worker CPU':>11} {'PostgreSQL':>11} {'p50':>8} {'p95':>8}")
        for template in PAGES:
            path = template.format(team="bench", thread=data["thread"])
            result = await measure(server, path, cookie)
            rt.log(
                f"{path:<34} {result['worker_ms']:>8.1f} ms {result['database_ms']:>8.1f} ms"
                f" {result['p50']:>5.1f} ms {result['p95']:>5.1f} ms"
            )
    finally:
        server.stop()
    rt.log(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    started = time.perf_counter()
    asyncio.run(main())
    rt.log(f"({time.perf_counter() - started:.0f} s)")
