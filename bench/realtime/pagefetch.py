"""The storm's page fetches from a process of their own, as a person's browser would make them.

Started by scale.py (BENCH_PAGE_CLIENT=process). The first line on stdin is JSON:
{"targets": [[port, path, cookie], ...], "interval": 0.2}. The targets are fetched one after
another, round and round, one every `interval` seconds (or right after the last one if it took
longer), until stdin closes. Each fetch is one line on stdout: [sent at, seconds, status], sent at on
time.perf_counter's clock, which on Linux is the system's monotonic clock and so the same as the
load client's. Status 0: the worker did not answer (it was down).

Why a process of its own: in the load client's event loop a page's answer waits its turn behind
the 5,000 sockets' handshakes, replays and frames that the same loop works through during a storm,
so what was measured there included the load client's own backlog (bench/realtime/README.md).
"""

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.realtime.scale import fetch_pages  # noqa: E402


async def fetch_until_closed(targets: list, interval: float) -> None:
    loop = asyncio.get_running_loop()
    closed = loop.run_in_executor(None, sys.stdin.read)  # returns when the load client closes stdin

    def record(at: float, latency: float, status: int) -> None:
        sys.stdout.write(json.dumps([at, latency, status]) + "\n")
        sys.stdout.flush()

    await fetch_pages(targets, interval, closed.done, record, lambda seconds: asyncio.wait([closed], timeout=seconds))


def main() -> None:
    config = json.loads(sys.stdin.readline())
    asyncio.run(fetch_until_closed(config["targets"], float(config.get("interval", 0.2))))


if __name__ == "__main__":
    main()
