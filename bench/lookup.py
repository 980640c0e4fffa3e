"""Benchmark of the public postcode lookup: p95 server time of /postcode/?postcode=… with 5,000
teams × 20 postcode areas, on PostgreSQL.

Each team serves one four-digit area and 19 full postcodes; the full postcodes of 30 teams at a
time lie in one four-digit area, as where wijk borders split areas (100,000 areas in all). Every
team has four organisations. Requests go through Django's test client (every middleware, the rate
limit included, each from its own address) for five kinds of question: a team's four-digit area,
a full postcode a team holds, a full postcode answered by its four-digit area, a four-digit area
split between 30 teams, and an unknown postcode. Target: p95 under 50 ms.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wv_lookup_bench DEBUG=true \
        .venv/bin/python bench/lookup.py [--repeat 100]

BENCH_DATABASE_URL (else DATABASE_URL) names the database; it is created when missing and
migrated, and the data is kept between runs (drop the database to start over). Query counts are
asserted in the tests (tests/lookup), not here.
"""

import argparse
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wv_lookup_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL

TEAMS = 5_000
AREAS_PER_TEAM = 20
TEAMS_PER_SPLIT_AREA = 30
REGIONS = 25
REGION_PREFIX = "bench-lookup-"
TARGET_MS = 50
LETTERS = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase if a + b not in {"SA", "SD", "SS"}]


def ensure_database() -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database (the target is measured on PostgreSQL).")
    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as connection:  # fmt: skip
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


def own_area(i: int) -> str:
    return str(1000 + i)  # 1000 … 5999


def split_area(i: int) -> str:
    return str(6000 + i // TEAMS_PER_SPLIT_AREA)  # 6000 … 6166


def full_postcodes(i: int) -> list[str]:
    first = (i % TEAMS_PER_SPLIT_AREA) * (AREAS_PER_TEAM - 1)
    return [split_area(i) + LETTERS[first + k] for k in range(AREAS_PER_TEAM - 1)]


def fill() -> None:
    """Rows written in bulk (the lookup reads teams, areas and organisations; nothing else)."""
    from django.db import connection

    from wijkverband.tenancy.models import Organisation, OrganisationKind, PostcodeArea, Region, Team, TeamOrganisation

    started = time.perf_counter()
    regions = Region.objects.bulk_create(
        [Region(name=f"Bench ROSE {r:02d}", slug=f"{REGION_PREFIX}{r:02d}") for r in range(REGIONS)]
    )
    teams = Team.objects.bulk_create(
        [
            Team(
                region=regions[i % REGIONS], name=f"Bench wijk {i:04d}", slug=f"bench-wijk-{i:04d}",
                municipality=f"Gemeente {i % 300}",
            )
            for i in range(TEAMS)
        ],
        batch_size=2000,
    )  # fmt: skip
    kinds = [
        OrganisationKind.GP,
        OrganisationKind.PHARMACY,
        OrganisationKind.DISTRICT_NURSING,
        OrganisationKind.SOCIAL_DOMAIN,
    ]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench {kind.label} {i:04d}", kind=kind, sort_name=f"bench {kind.label} {i:04d}".lower())
            for i in range(TEAMS)
            for kind in kinds
        ],
        batch_size=5000,
    )
    TeamOrganisation.objects.bulk_create(
        [TeamOrganisation(team=teams[n // len(kinds)], organisation=o) for n, o in enumerate(organisations)],
        batch_size=5000,
    )
    PostcodeArea.objects.bulk_create(
        [
            PostcodeArea(team=team, code=code)
            for i, team in enumerate(teams)
            for code in [own_area(i), *full_postcodes(i)]
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {TEAMS:,} teams × {AREAS_PER_TEAM} postcode areas in {time.perf_counter() - started:.1f} s")


def questions(rng: random.Random) -> dict[str, callable]:
    def spaced(code: str) -> str:
        return f"{code[:4]} {code[4:].lower()}" if len(code) == 6 else code

    return {
        "a team's four-digit area (3581)": lambda: own_area(rng.randrange(TEAMS)),
        "a full postcode a team holds": lambda: spaced(rng.choice(full_postcodes(rng.randrange(TEAMS)))),
        "full postcode, answered by its area": lambda: spaced(own_area(rng.randrange(TEAMS)) + "XY"),
        f"an area split between {TEAMS_PER_SPLIT_AREA} teams": lambda: split_area(rng.randrange(TEAMS)),
        "an unknown postcode": lambda: spaced(str(rng.randrange(7000, 9999)) + "AB"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=100, help="requests per kind of question")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from wijkverband.tenancy.models import PostcodeArea, Region
    from wijkverband.tenancy.scoping import scopes_disabled

    call_command("migrate", verbosity=0)
    with scopes_disabled():  # the fill and the count name every team themselves
        if not Region.objects.filter(slug__startswith=REGION_PREFIX).exists():
            fill()
        areas = PostcodeArea.objects.filter(team__region__slug__startswith=REGION_PREFIX).count()
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; {areas:,} postcode areas")

    client = Client(HTTP_HOST="localhost")
    rng = random.Random(13)
    addresses = iter(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(1, 10**7))

    def ask(postcode: str):
        return client.get("/postcode/", {"postcode": postcode}, REMOTE_ADDR=next(addresses))

    with CaptureQueriesContext(connection) as queries:
        ask(own_area(7))
    print(f"/postcode/?postcode={own_area(7)} runs {len(queries)} queries")

    # Wall time is the target; CPU time of this process (the view, without PostgreSQL's part) shows
    # what a request costs when the machine is busy with other work too.
    load = os.getloadavg()[0]
    print(f"{'question':<40} {'p50 ms':>8} {'p95 ms':>8} {'CPU p95':>8}   (n={args.repeat}; load {load:.1f})")
    everything = []
    for label, make in questions(rng).items():
        for _ in range(3):  # warm up
            ask(make())
        timings, cpu = [], []
        for _ in range(args.repeat):
            postcode = make()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = ask(postcode)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (postcode, response.status_code)
        everything += timings
        timings.sort()
        cpu.sort()
        p50, p95 = statistics.median(timings), timings[max(0, round(0.95 * len(timings)) - 1)]
        cpu95 = cpu[max(0, round(0.95 * len(cpu)) - 1)]
        flag = "" if p95 < TARGET_MS else f"  <-- over the {TARGET_MS} ms target"
        print(f"{label:<40} {p50:>8.1f} {p95:>8.1f} {cpu95:>8.1f}{flag}")
    everything.sort()
    p95 = everything[max(0, round(0.95 * len(everything)) - 1)]
    print(f"{'all questions':<40} {statistics.median(everything):>8.1f} {p95:>8.1f}")
    if p95 >= TARGET_MS:
        print(f"p95 {p95:.1f} ms is over the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
