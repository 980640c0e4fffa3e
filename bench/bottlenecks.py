"""Benchmark of the bottleneck log's list, team home and region pages.

Fills 10,000 bottlenecks in one team and 100,000 across a region of 50 teams (bulk_create), then
requests each page repeatedly through Django's test client and prints p50/p95 server time.
Target: p95 under 150 ms on PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wijkverband_bench DEBUG=true \
        .venv/bin/python bench/bottlenecks.py [--repeat 30]

The database is created when missing and migrated; the data is kept between runs (drop the
database to start over). Query counts are asserted in the tests, not here.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As bench/my_work.py: BENCH_DATABASE_URL, else DATABASE_URL, else the local PostgreSQL (make bench).
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wijkverband_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL

TEAMS = 50
BIG_TEAM_ROWS = 10_000
REGION_ROWS = 100_000
REGION_SLUG = "bench-regio"


def ensure_database() -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "")
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


def fill() -> None:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wijkverband.bottlenecks.models import Bottleneck, Category, Impact, Status
    from wijkverband.bottlenecks.selectors import due_dates, team_targets
    from wijkverband.tenancy import services
    from wijkverband.tenancy.models import Membership, OrganisationKind, RegionRole

    User = get_user_model()
    started = time.perf_counter()
    region = services.region_create(name="Bench ROSE", slug=REGION_SLUG)
    teams = [
        services.team_create(
            actor=None, region=region, name=f"Bench wijk {i:02d}", slug=f"bench-{i:02d}", municipality="Utrecht"
        )
        for i in range(TEAMS)
    ]
    kinds = list(OrganisationKind.values)
    users = []
    for i, team in enumerate(teams):
        for j, kind in enumerate(kinds[:4]):
            organisation = services.organisation_add(actor=None, team=team, name=f"Bench {kind} {i}", kind=kind)
            user = User.objects.create_user(email=f"bench-{i}-{j}@example.nl", password=None, name=f"Lid {i}-{j}")
            TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            role = Membership.Role.COORDINATOR if j == 0 else Membership.Role.MEMBER
            services.membership_create(actor=None, team=team, user=user, role=role, organisation=organisation)
            users.append((team, user, organisation))
    overseer = User.objects.create_user(email="bench-overseer@example.nl", password=None, name="Bench Overseer")
    TOTP.activate(overseer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    services.region_role_assign(actor=None, region=region, user=overseer, role=RegionRole.Role.OVERSEER)

    categories = list(Category.objects.filter(team__isnull=True))
    statuses = [Status.REPORTED] * 3 + [Status.PICKED_UP] * 2 + [Status.IN_PROGRESS] * 3 + [Status.ESCALATED]
    statuses += [Status.RESOLVED] * 6 + [Status.CLOSED] * 2
    targets = team_targets(team=teams[0])
    now = timezone.now()
    # Team 0 holds 10,000; the other 49 share the remaining 90,000.
    per_team = [BIG_TEAM_ROWS] + [(REGION_ROWS - BIG_TEAM_ROWS) // (TEAMS - 1)] * (TEAMS - 1)
    per_team[-1] += REGION_ROWS - sum(per_team)
    members = {}
    for team, user, organisation in users:
        members.setdefault(team.pk, []).append((user, organisation))
    batch = []
    for team, count in zip(teams, per_team, strict=True):
        team_members = members[team.pk]
        for n in range(count):
            created = now - timedelta(hours=7 * n % (24 * 400))
            impact = Impact.values[n % 4]
            accept_due, resolve_due = due_dates(targets=targets, impact=impact, reported=created, clock=created)
            reporter, organisation = team_members[n % len(team_members)]
            status = statuses[n % len(statuses)]
            owner = team_members[(n + 1) % len(team_members)][0] if status != Status.REPORTED else None
            batch.append(
                Bottleneck(
                    team=team,
                    title=f"Knelpunt {n} over {categories[n % len(categories)].key}",
                    description="Overdracht tussen ziekenhuis en wijkverpleging loopt vast bij ontslag in het weekend.",
                    category=categories[(n * 7 + team.pk) % len(categories)],
                    impact=impact,
                    affected_kinds=",huisarts,apotheek," if n % 2 else ",wijkverpleging,",
                    reporter=reporter,
                    reporter_organisation=organisation,
                    created_at=created,
                    updated_at=created,
                    clock_started_at=created,
                    status=status,
                    owner=owner,
                    owner_since=created if owner else None,
                    accept_due=accept_due,
                    resolve_due=resolve_due,
                    escalated_at=created if status == Status.ESCALATED else None,
                    escalation_reason="Regionaal" if status == Status.ESCALATED else "",
                    resolution_summary="Werkafspraak gemaakt" if status == Status.RESOLVED else "",
                    internal=n % 25 == 0,
                    signal_count=n % 4,
                )
            )
            if len(batch) >= 5000:
                Bottleneck.objects.bulk_create(batch)
                batch = []
    Bottleneck.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {REGION_ROWS:,} bottlenecks in {TEAMS} teams in {time.perf_counter() - started:.1f} s")


def measure(client, path: str, repeat: int) -> tuple[float, float, int]:
    for _ in range(3):  # warm up
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, len(response.content) if not response.streaming else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from wijkverband.bottlenecks.models import Bottleneck
    from wijkverband.tenancy.models import Membership, Region, RegionRole

    call_command("migrate", verbosity=0)
    region = Region.objects.filter(slug=REGION_SLUG).first()
    if region is None:
        fill()
        region = Region.objects.get(slug=REGION_SLUG)
    big_team = region.teams.order_by("slug").first()
    total = Bottleneck.objects.filter(team__region=region).count()
    in_team = Bottleneck.objects.filter(team=big_team).count()
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
          f"{total:,} bottlenecks in region {region.slug}, {in_team:,} in team {big_team.slug}")  # fmt: skip

    coordinator = Membership.objects.get(team=big_team, role=Membership.Role.COORDINATOR).user
    overseer = RegionRole.objects.get(region=region, role=RegionRole.Role.OVERSEER).user
    member_client = Client(HTTP_HOST="localhost")
    member_client.force_login(coordinator)
    overseer_client = Client(HTTP_HOST="localhost")
    overseer_client.force_login(overseer)
    team = big_team.slug
    pages = [
        ("team list (open, oldest first)", member_client, f"/t/{team}/bottlenecks/"),
        ("team list, page 20, all, by impact", member_client, f"/t/{team}/bottlenecks/?status=all&sort=impact&page=20"),
        ("team list, overdue + search", member_client, f"/t/{team}/bottlenecks/?overdue=on&q=ziekenhuis"),
        ("team home (panel)", member_client, f"/t/{team}/"),
        ("region home (queue + patterns)", overseer_client, f"/r/{region.slug}/"),
        ("region escalation queue", overseer_client, f"/r/{region.slug}/bottlenecks/escalations/"),
        ("region patterns", overseer_client, f"/r/{region.slug}/bottlenecks/patterns/"),
        ("CSV export of 10,000 (all)", member_client, f"/t/{team}/bottlenecks/export.csv?status=all"),
    ]
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8}   (n={args.repeat})")
    for label, client, path in pages:
        repeat = max(3, args.repeat // 6) if "CSV" in label else args.repeat
        p50, p95, _size = measure(client, path, repeat)
        flag = "" if "CSV" in label or p95 < 150 else "  <-- over the 150 ms target"
        print(f"{label:<40} {p50:>8.1f} {p95:>8.1f}{flag}")


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    # The bench fills and counts any team's rows itself; the requests it measures enter their own
    # team scope (TeamMiddleware), as in production.
    with scopes_disabled():
        main()
