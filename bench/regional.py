"""Benchmark of regional work's pages: the overview (patterns, items, offers), the take-up form, an
item's page, a linked bottleneck's page with the region's progress, the team's offers and Mijn werk
of the owner.

Fills a region of 30 teams with 30,000 bottlenecks, 300 regional items linking 20 bottlenecks each
(6,000 links) with 10 progress updates each, and 40 offers (bulk_create), then requests each page
repeatedly through Django's test client and prints p50/p95 server time. Target: p95 under 150 ms.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wv_regional_bench DEBUG=true \
        .venv/bin/python bench/regional.py [--repeat 30]

The database is created when missing and migrated; the data is kept between runs (drop the
database to start over). Query counts are asserted in the tests (tests/regional/test_pages.py).
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wv_regional_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL

from bench.bottlenecks import ensure_database, measure  # noqa: E402

TEAMS = 30
ROWS = 30_000
ITEMS = 300
LINKS_PER_ITEM = 20
UPDATES_PER_ITEM = 10
OFFERS = 40
REGION_SLUG = "bench-regionaal"


def fill() -> None:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wijkverband.bottlenecks.models import Bottleneck, Category, Impact, Status
    from wijkverband.bottlenecks.selectors import due_dates, team_targets
    from wijkverband.regional.models import (
        ItemStatus,
        RegionalAgreement,
        RegionalItem,
        RegionalLink,
        RegionalUpdate,
        SuggestedIndicator,
        SuggestedParty,
    )
    from wijkverband.tenancy import services
    from wijkverband.tenancy.models import Membership, OrganisationKind, RegionRole

    User = get_user_model()
    started = time.perf_counter()
    region = services.region_create(name="Bench ROSE regionaal", slug=REGION_SLUG)
    teams, members = [], {}
    for i in range(TEAMS):
        team = services.team_create(
            actor=None, region=region, name=f"Regiowijk {i:02d}", slug=f"regiowijk-{i:02d}", municipality="Utrecht"
        )
        teams.append(team)
        for j, kind in enumerate(list(OrganisationKind.values)[:4]):
            organisation = services.organisation_add(actor=None, team=team, name=f"Regio {kind} {i}", kind=kind)
            user = User.objects.create_user(email=f"regio-{i}-{j}@example.nl", password=None, name=f"Lid {i}-{j}")
            TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            role = Membership.Role.COORDINATOR if j == 0 else Membership.Role.MEMBER
            services.membership_create(actor=None, team=team, user=user, role=role, organisation=organisation)
            members.setdefault(team.pk, []).append((user, organisation))
    overseer = User.objects.create_user(email="regio-overseer@example.nl", password=None, name="Regio Overseer")
    TOTP.activate(overseer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    services.region_role_assign(actor=None, region=region, user=overseer, role=RegionRole.Role.OVERSEER)

    categories = list(Category.objects.filter(team__isnull=True))
    targets = team_targets(team=teams[0])
    now = timezone.now()
    statuses = [Status.REPORTED, Status.PICKED_UP, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]
    batch = []
    for n in range(ROWS):
        team = teams[n % TEAMS]
        created = now - timedelta(hours=5 * n % (24 * 300))
        impact = Impact.values[n % 4]
        accept_due, resolve_due = due_dates(targets=targets, impact=impact, reported=created, clock=created)
        reporter, organisation = members[team.pk][n % 4]
        batch.append(
            Bottleneck(
                team=team,
                title=f"Knelpunt {n}",
                category=categories[n % len(categories)],
                impact=impact,
                reporter=reporter,
                reporter_organisation=organisation,
                created_at=created,
                updated_at=created,
                clock_started_at=created,
                status=statuses[n % len(statuses)],
                accept_due=accept_due,
                resolve_due=resolve_due,
                internal=n % 25 == 0,
            )
        )
    Bottleneck.objects.bulk_create(batch, batch_size=5000)
    open_ids = list(
        Bottleneck.objects.filter(team__region=region, status__in=statuses[:3])
        .order_by("pk")
        .values_list("pk", "team_id")[: ITEMS * LINKS_PER_ITEM]
    )
    items = RegionalItem.objects.bulk_create(
        [
            RegionalItem(
                region=region,
                title=f"Regionaal knelpunt {i}",
                owner=overseer,
                category=categories[i % len(categories)],
                status=ItemStatus.IN_PROGRESS if i % 3 else ItemStatus.OPEN,
                created_by=overseer,
            )
            for i in range(ITEMS)
        ]
    )
    RegionalLink.objects.bulk_create(
        [
            RegionalLink(region=region, item=items[k // LINKS_PER_ITEM], team_id=team_id, bottleneck_id=pk)
            for k, (pk, team_id) in enumerate(open_ids)
        ],
        batch_size=5000,
    )
    RegionalUpdate.objects.bulk_create(
        [
            RegionalUpdate(region=region, item=item, author=overseer, body=f"Stap {u} van de regio.")
            for item in items
            for u in range(UPDATES_PER_ITEM)
        ],
        batch_size=5000,
    )
    for o in range(OFFERS):
        offer = RegionalAgreement.objects.create(
            region=region, title=f"Regionale afspraak {o}", body="Wie doet wat voor wie.", created_by=overseer
        )
        SuggestedParty.objects.create(region=region, offer=offer, kind="provider", organisation_kind="apotheek")
        SuggestedIndicator.objects.create(
            region=region,
            offer=offer,
            name="Binnen 24 uur",
            dimension="quality",
            unit="%",
            target=90,
            frequency="monthly",
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled {ROWS:,} bottlenecks, {ITEMS} regional items, {len(open_ids):,} links"
        f" in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from wijkverband.regional.models import RegionalItem, RegionalLink
    from wijkverband.tenancy.models import Membership, Region, RegionRole

    call_command("migrate", verbosity=0)
    region = Region.objects.filter(slug=REGION_SLUG).first()
    if region is None:
        fill()
        region = Region.objects.get(slug=REGION_SLUG)
    overseer = RegionRole.objects.get(region=region, role=RegionRole.Role.OVERSEER).user
    item = RegionalItem.objects.filter(region=region).order_by("pk").first()
    link = RegionalLink.objects.filter(item=item).select_related("team").first()
    member = Membership.objects.filter(team=link.team, role=Membership.Role.MEMBER).first().user
    overseer_client = Client(HTTP_HOST="localhost")
    overseer_client.force_login(overseer)
    member_client = Client(HTTP_HOST="localhost")
    member_client.force_login(member)
    r, t = region.slug, link.team.slug
    pages = [
        ("regional overview", overseer_client, f"/r/{r}/regional/"),
        ("take-up form (a category)", overseer_client, f"/r/{r}/regional/items/new/?category={item.category_id}"),
        ("regional item (20 links, 10 updates)", overseer_client, f"/r/{r}/regional/items/{item.pk}/"),
        ("region home (with the panel)", overseer_client, f"/r/{r}/"),
        ("linked bottleneck (team member)", member_client, f"/t/{t}/bottlenecks/{link.bottleneck_id}/"),
        ("team's offers (40)", member_client, f"/t/{t}/regional-offers/"),
        ("Mijn werk of the owner (300 items)", overseer_client, "/my-work/"),
    ]
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8}   (n={args.repeat})")
    for label, client, path in pages:
        p50, p95, _size = measure(client, path, args.repeat)
        flag = "" if p95 < 150 else "  <-- over the 150 ms target"
        print(f"{label:<40} {p50:>8.1f} {p95:>8.1f}{flag}")


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    with scopes_disabled():
        main()
