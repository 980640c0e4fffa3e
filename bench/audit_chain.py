"""Benchmark of the audit chain lock: audited writes per second with 8 concurrent writers, each in
its own team, against 8 writers in one team, on PostgreSQL.

Every writer is a thread with its own database connection that loops over "one transaction: one
audited write (audit_record, the last write of every service), commit" for a fixed time. With one
chain per team (docs/audit.md) writers in different teams never wait on each other; writers in one
team take turns, exactly as every writer did while the chain was global.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wv_audit_bench DEBUG=true \
        .venv/bin/python bench/audit_chain.py [--writers 8] [--seconds 5]

BENCH_DATABASE_URL (else DATABASE_URL) names the database; it is created when missing and
migrated. The rows it writes stay (they are a log): drop the database to start over.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wv_audit_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL
# Team ids far above any real team's: the audit log stores the id, it does not look the team up.
TEAM_BASE = 9_000_000


def ensure_database() -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database (writers only run in parallel there).")
    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as connection:  # fmt: skip
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


def run(*, writers: int, teams: int, seconds: float) -> tuple[int, list[float]]:
    """Writes done by `writers` threads spread over `teams` teams in `seconds`, and each write's time."""
    from django.db import connection, transaction

    from wijkverband.audit.services import audit_record

    barrier = threading.Barrier(writers + 1)
    counts = [0] * writers
    durations: list[list[float]] = [[] for _ in range(writers)]
    errors = []

    def write(n: int) -> None:
        team = TEAM_BASE + n % teams
        try:
            connection.ensure_connection()
            barrier.wait()
            deadline = time.perf_counter() + seconds
            while (start := time.perf_counter()) < deadline:
                with transaction.atomic():
                    audit_record(actor=None, action="bench.audited_write", team=team, data={"writer": n})
                durations[n].append(time.perf_counter() - start)
                counts[n] += 1
        except Exception as error:  # noqa: BLE001 - printed below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(counts), [d for each in durations for d in each]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for label, teams in (
        (f"{args.writers} writers in {args.writers} teams", args.writers),
        (f"{args.writers} writers in one team", 1),
    ):
        total, durations = run(writers=args.writers, teams=teams, seconds=args.seconds)
        durations.sort()
        p95 = durations[int(len(durations) * 0.95)] * 1000
        print(
            f"{label:<26} {total / args.seconds:8.0f} audited writes/s"
            f"   p50 {statistics.median(durations) * 1000:6.1f} ms   p95 {p95:6.1f} ms"
        )
    print(f"load average after:  {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
