"""Benchmark of the agreements list and detail pages with 1,000 agreements in one team.

Each agreement gets 3 versions, 5 parties, endorsements of the current version, 2 indicators with
12 measurements each and a history (bulk_create). Then every page is requested repeatedly through
Django's test client and p50/p95 server time is printed.

    DEBUG=true .venv/bin/python bench/agreements.py [--repeat 30]

Without DATABASE_URL it uses a throwaway SQLite file (deleted first); with DATABASE_URL pointing
at PostgreSQL it uses that database (created when missing, data kept between runs; drop it to
start over). Query counts are asserted in the tests (tests/agreements/test_pages.py), not here.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

AGREEMENTS = 1_000
VERSIONS = 3
MEASUREMENTS = 12
TEAM_SLUG = "bench-afspraken"
SQLITE_FILE = Path(tempfile.gettempdir()) / "wijkverband-bench-agreements.sqlite3"


def ensure_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        SQLITE_FILE.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
        return
    if not url.startswith("postgres"):
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as connection:  # fmt: skip
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


def fill():
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from wijkverband.agreements.models import (
        Action,
        Agreement,
        AgreementEvent,
        AgreementVersion,
        Decision,
        Dimension,
        Endorsement,
        Frequency,
        Indicator,
        Measurement,
        Party,
        PartyKind,
        Status,
    )
    from wijkverband.tenancy import services
    from wijkverband.tenancy.models import Membership, Organisation, OrganisationKind, Region

    started = time.perf_counter()
    User = get_user_model()
    region = Region.objects.filter(slug="bench-agr").first() or services.region_create(
        name="Bench ROSE afspraken", slug="bench-agr"
    )
    team = services.team_create(
        actor=None, region=region, name="Bench afspraken", slug=TEAM_SLUG, municipality="Utrecht"
    )
    people = []
    for j, kind in enumerate(list(OrganisationKind.values)[:4]):
        organisation = services.organisation_add(actor=None, team=team, name=f"Bench {kind}", kind=kind)
        user = User.objects.create_user(email=f"bench-agr-{j}@example.nl", password=None, name=f"Lid {j}")
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        role = Membership.Role.COORDINATOR if j == 0 else Membership.Role.MEMBER
        services.membership_create(actor=None, team=team, user=user, role=role, organisation=organisation)
        people.append((user, organisation))
    today = timezone.localdate()
    now = timezone.now()
    statuses = [Status.CONCEPT, Status.PROPOSED, Status.ADOPTED, Status.ADOPTED, Status.ENDED]
    with transaction.atomic():
        agreements = Agreement.objects.bulk_create(
            [
                Agreement(
                    team=team,
                    status=statuses[n % len(statuses)],
                    version_count=VERSIONS,
                    created_by=people[0][0],
                    created_at=now - timedelta(days=n),
                    updated_at=now - timedelta(hours=n),
                    ended_reason="Opgegaan in een nieuwe afspraak" if statuses[n % 5] == Status.ENDED else "",
                )
                for n in range(AGREEMENTS)
            ]
        )
        versions = AgreementVersion.objects.bulk_create(
            [
                AgreementVersion(
                    team=team,
                    agreement=agreement,
                    number=number,
                    title=f"Afspraak {n:04d} over medicatie en overdracht",
                    need="Ouderen met polyfarmacie in de wijk; " * 20,
                    sources="CBS wijkcijfers; apotheekregistratie",
                    body=("De apotheek **beoordeelt** de medicatie; de wijkverpleging signaleert.\n\n- stap\n" * 15)
                    + f"\nVersie {number}.",
                    gain_quality="Minder medicatiefouten",
                    gain_accessibility="Binnen een week een gesprek" if n % 2 else "",
                    gain_affordability="",
                    owner=people[n % 4][0],
                    start_date=today - timedelta(days=300),
                    review_date=today + timedelta(days=(n % 120) - 30),
                    created_by=people[number % 4][0],
                    created_at=now - timedelta(days=n, hours=-number),
                )
                for n, agreement in enumerate(agreements)
                for number in range(1, VERSIONS + 1)
            ],
            batch_size=2000,
        )
        current = {v.agreement_id: v for v in versions if v.number == VERSIONS}
        adopted = {v.agreement_id: v for v in versions if v.number == VERSIONS - 1}
        for agreement in agreements:
            agreement.current_version = current[agreement.pk]
            if agreement.status == Status.ADOPTED:
                agreement.adopted_version = adopted[agreement.pk]
        Agreement.objects.bulk_update(agreements, ["current_version", "adopted_version"], batch_size=2000)
        insurer, _made = Organisation.objects.get_or_create(
            name="Zorgverzekeraar Midden", kind=OrganisationKind.INSURER
        )
        parties = Party.objects.bulk_create(
            [
                Party(team=team, agreement=agreement, kind=PartyKind.PROVIDER, organisation=org, name=org.name)
                for agreement in agreements
                for _user, org in people
            ]
            + [
                # An external party names its organisation too (agreements.models.Party).
                Party(team=team, agreement=agreement, kind=PartyKind.INSURER, organisation=insurer, name=insurer.name)
                for agreement in agreements
            ],
            batch_size=2000,
        )
        user_of = {org.pk: user for user, org in people}
        Endorsement.objects.bulk_create(
            [
                Endorsement(
                    team=team,
                    agreement_id=party.agreement_id,
                    version=current[party.agreement_id],
                    party=party,
                    decision=Decision.ENDORSED,
                    recorded_by=user_of.get(party.organisation_id, people[0][0]),
                    given_on=today if party.kind != PartyKind.PROVIDER else None,
                    where_given="Brief" if party.kind != PartyKind.PROVIDER else "",
                )
                for index, party in enumerate(parties)
                if index % 3
            ],
            batch_size=2000,
        )
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(
                    team=team,
                    agreement=agreement,
                    name=f"Indicator {dimension}",
                    dimension=dimension,
                    unit="%",
                    baseline=Decimal("40"),
                    target=Decimal("80"),
                    frequency=Frequency.MONTHLY,
                )
                for agreement in agreements
                for dimension in (Dimension.QUALITY, Dimension.ACCESSIBILITY)
            ],
            batch_size=2000,
        )
        Measurement.objects.bulk_create(
            [
                Measurement(
                    team=team,
                    indicator=indicator,
                    value=Decimal(40 + 3 * m),
                    measured_on=today - timedelta(days=30 * (MEASUREMENTS - m)),
                    recorded_by=people[m % 4][0],
                )
                for indicator in indicators
                for m in range(MEASUREMENTS)
            ],
            batch_size=5000,
        )
        actions = [Action.CREATED, Action.PARTY_ADDED, Action.EDITED, Action.PROPOSED, Action.EDITED, Action.ENDORSED]
        AgreementEvent.objects.bulk_create(
            [
                AgreementEvent(
                    team=team,
                    agreement=agreement,
                    at=now - timedelta(days=30, hours=-i),
                    actor=people[i % 4][0],
                    actor_label=people[i % 4][0].name,
                    action=action,
                    version_number=1 + i // 2,
                )
                for agreement in agreements
                for i, action in enumerate(actions)
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"filled {AGREEMENTS:,} agreements in {time.perf_counter() - started:.1f} s")


def measure(client, path: str, repeat: int) -> tuple[float, float, int]:
    for _ in range(3):  # warm up
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, len(response.content)


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

    from wijkverband.agreements.models import Agreement, AgreementVersion, Measurement
    from wijkverband.tenancy.models import Membership, Team

    call_command("migrate", verbosity=0)
    if not Team.objects.filter(slug=TEAM_SLUG).exists():
        fill()
    team = Team.objects.get(slug=TEAM_SLUG)
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; team {team.slug}: "
        f"{Agreement.objects.filter(team=team).count():,} agreements, "
        f"{AgreementVersion.objects.filter(team=team).count():,} versions, "
        f"{Measurement.objects.filter(team=team).count():,} measurements"
    )
    coordinator = Membership.objects.get(team=team, role=Membership.Role.COORDINATOR).user
    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator)
    sample = Agreement.objects.filter(team=team, status="adopted").order_by("pk")[AGREEMENTS // 10]
    base = f"/t/{team.slug}/agreements/"
    pages = [
        ("list, first page", base),
        ("list, page 30", base + "?page=30"),
        ("list, search in text", base + "?q=overdracht&status=adopted"),
        ("list, review due + party", base + f"?review_due=on&party=kind:insurer&owner={coordinator.pk}"),
        ("detail (3 versions, 5 parties, 2 charts)", f"{base}{sample.pk}/"),
        ("chart SVG", f"{base}{sample.pk}/indicators/{sample.indicators.first().pk}/chart.svg"),
        ("versions", f"{base}{sample.pk}/versions/"),
        ("compare v1 → v3", f"{base}{sample.pk}/compare/?a=1&b=3"),
        ("print (accountability)", f"{base}{sample.pk}/print/"),
        ("team home (panel)", f"/t/{team.slug}/"),
    ]
    print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9}   (n={args.repeat})")
    for label, path in pages:
        p50, p95, size = measure(client, path, args.repeat)
        print(f"{label:45} {p50:8.1f} {p95:8.1f} {size:9,}")


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    # The bench fills and counts any team's rows itself; the requests it measures enter their own
    # team scope (TeamMiddleware), as in production.
    with scopes_disabled():
        main()
