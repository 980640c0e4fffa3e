"""Benchmark of "Mijn werk": p95 server time of the page for a person in 20 teams with 10,000 open
items in them, on PostgreSQL.

The person (a pharmacist) is a member of 20 teams and overseer of their region. The teams hold
10,000 open bottlenecks (a share asked of them, owned by them, asked by them, escalated), 400
proposed agreements their organisation is asked to endorse, and 1,000 messages that ask them to
confirm. Requests go through Django's test client; the script prints p50/p95 of the page, its list
part, the header count and the start page. Target: p95 under 150 ms.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wv_mywork_bench DEBUG=true \
        .venv/bin/python bench/my_work.py [--repeat 30]

BENCH_DATABASE_URL (else DATABASE_URL) names the database; it is created when missing and
migrated, and the data is kept between runs (drop the database to start over). Query counts are
asserted in the tests (tests/mywork), not here.
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wv_mywork_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL

TEAMS = 20
OPEN_ITEMS = 10_000
AGREEMENTS_PER_TEAM = 20
CONFIRMATIONS_PER_TEAM = 50
REGION_SLUG = "bench-mijn-werk"
PERSON = "bench-apotheker@example.nl"
TARGET_MS = 150


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


def fill() -> None:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from wijkverband.agreements.models import Agreement, AgreementVersion, Party, PartyKind
    from wijkverband.agreements.models import Status as AgreementStatus
    from wijkverband.bottlenecks.models import Bottleneck, BottleneckEvent, Category, EventKind, Impact, Status
    from wijkverband.bottlenecks.selectors import due_dates, team_targets
    from wijkverband.tenancy import services
    from wijkverband.tenancy.models import Membership, OrganisationKind, RegionRole
    from wijkverband.threads.models import Message, Thread
    from wijkverband.work.models import Notice, NoticeKind, SubjectKind

    User = get_user_model()
    started = time.perf_counter()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - the test TOTP secret, bench data only
    region = services.region_create(name="Bench ROSE Mijn werk", slug=REGION_SLUG)
    person = User.objects.create_user(email=PERSON, password=None, name="Bench Apotheker")
    TOTP.activate(person, secret)
    services.region_role_assign(actor=None, region=region, user=person, role=RegionRole.Role.OVERSEER)
    categories = list(Category.objects.filter(team__isnull=True))
    statuses = [Status.REPORTED] * 3 + [Status.PICKED_UP] * 2 + [Status.IN_PROGRESS] * 3 + [Status.ESCALATED]
    now = timezone.now()
    per_team = OPEN_ITEMS // TEAMS
    for i in range(TEAMS):
        team = services.team_create(
            actor=None, region=region, name=f"Mijn werk wijk {i:02d}", slug=f"mw-{i:02d}", municipality="Utrecht"
        )
        pharmacy = services.organisation_add(
            actor=None, team=team, name="Bench Apotheek", kind=OrganisationKind.PHARMACY
        )
        gp = services.organisation_add(actor=None, team=team, name=f"Bench huisarts {i}", kind=OrganisationKind.GP)
        colleague = User.objects.create_user(email=f"bench-mw-{i}@example.nl", password=None, name=f"Huisarts {i}")
        TOTP.activate(colleague, secret)
        role = Membership.Role
        services.membership_create(actor=None, team=team, user=colleague, role=role.COORDINATOR, organisation=gp)
        services.membership_create(actor=None, team=team, user=person, role=role.MEMBER, organisation=pharmacy)
        targets = team_targets(team=team)

        rows = []
        for n in range(per_team):
            created = now - timedelta(hours=5 * n % (24 * 300))
            impact = Impact.values[n % 4]
            accept_due, resolve_due = due_dates(targets=targets, impact=impact, reported=created, clock=created)
            status = statuses[n % len(statuses)]
            # Who the item waits on: a share of them on the person, the rest on the colleague.
            mine = n % 20 == 0
            asked_of_me = n % 20 == 1 and status != Status.ESCALATED
            asked_by_me = n % 20 == 2 and status != Status.ESCALATED
            owner = person if mine else (colleague if status != Status.REPORTED else None)
            rows.append(
                Bottleneck(
                    team=team,
                    title=f"Knelpunt {i}-{n} over {categories[n % len(categories)].key}",
                    description="Overdracht tussen ziekenhuis en wijkverpleging loopt vast bij ontslag.",
                    category=categories[n % len(categories)],
                    impact=impact,
                    reporter=colleague,
                    reporter_organisation=gp,
                    created_at=created,
                    updated_at=created,
                    clock_started_at=created,
                    status=status,
                    owner=owner,
                    owner_since=created if owner else None,
                    owner_candidate=person if asked_of_me else (colleague if asked_by_me else None),
                    owner_requested_by=colleague if asked_of_me else (person if asked_by_me else None),
                    owner_requested_at=created if asked_of_me or asked_by_me else None,
                    accept_due=accept_due,
                    resolve_due=resolve_due,
                    escalated_at=created if status == Status.ESCALATED else None,
                    escalation_reason="Regionaal" if status == Status.ESCALATED else "",
                )
            )
        Bottleneck.objects.bulk_create(rows, batch_size=2000)
        escalated_by_me = [b for b in rows if b.status == Status.ESCALATED and b.owner_id == person.pk]
        BottleneckEvent.objects.bulk_create(
            [
                BottleneckEvent(team=team, bottleneck=b, at=b.escalated_at, actor=person, kind=EventKind.ESCALATED)
                for b in escalated_by_me
            ]
        )

        agreements = Agreement.objects.bulk_create(
            [
                Agreement(team=team, status=AgreementStatus.PROPOSED, version_count=1, created_by=colleague)
                for _ in range(AGREEMENTS_PER_TEAM)
            ]
        )
        versions = AgreementVersion.objects.bulk_create(
            [
                AgreementVersion(
                    team=team, agreement=a, number=1, title=f"Afspraak {i}-{k}",
                    owner=person if k % 4 == 0 else colleague, created_by=colleague,
                    review_date=(now + timedelta(days=k * 3)).date(),
                )
                for k, a in enumerate(agreements)
            ]
        )  # fmt: skip
        for a, v in zip(agreements, versions, strict=True):
            a.current_version = v
        Agreement.objects.bulk_update(agreements, ["current_version"])
        Party.objects.bulk_create(
            [
                Party(
                    team=team, agreement=a, kind=PartyKind.PROVIDER, organisation=organisation, name=organisation.name
                )
                for a in agreements
                for organisation in (gp, pharmacy)
            ]
        )

        thread = Thread.objects.create(team=team, title=f"Overleg wijk {i}", created_by=colleague)
        messages = Message.objects.bulk_create(
            [
                Message(
                    team=team, thread=thread, author=colleague, body="Wie neemt de telefoon?",
                    body_html="<p>Wie neemt de telefoon?</p>", seq=s + 1, asks_ack=True,
                )
                for s in range(CONFIRMATIONS_PER_TEAM)
            ]
        )  # fmt: skip
        Thread.objects.filter(pk=thread.pk).update(seq=CONFIRMATIONS_PER_TEAM)
        Notice.objects.bulk_create(
            [
                Notice(
                    team=team, user=person, kind=NoticeKind.ACK_REQUEST, actor=colleague,
                    subject_kind=SubjectKind.THREAD, subject_id=thread.pk, title=thread.title,
                    path=f"/t/{team.slug}/threads/{thread.pk}/#message-{m.pk}", seq=m.seq,
                    key=f"ack_request:message:{m.pk}",
                )
                for m in messages
            ]
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {OPEN_ITEMS:,} open bottlenecks in {TEAMS} teams in {time.perf_counter() - started:.1f} s")


def measure(client, path: str, repeat: int) -> tuple[float, float]:
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
    return statistics.median(timings), timings[max(0, round(0.95 * len(timings)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from wijkverband.bottlenecks.models import OPEN_STATUSES, Bottleneck
    from wijkverband.mywork.selectors import my_work
    from wijkverband.tenancy.models import Region
    from wijkverband.tenancy.scoping import scopes_disabled

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(slug=REGION_SLUG).exists():
        with scopes_disabled():  # the fill names every team itself
            fill()
    person = get_user_model().objects.get(email=PERSON)
    with scopes_disabled():
        open_items = Bottleneck.objects.filter(team__region__slug=REGION_SLUG, status__in=OPEN_STATUSES).count()
        work = my_work(user=person)
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; {open_items:,} open bottlenecks "
        f"in {TEAMS} teams; the person's Mijn werk: {len(work.asked)} asked, {len(work.mine)} theirs, "
        f"{len(work.waiting)} waiting ({work.more} more past the per-kind limit)"
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        client.get("/my-work/")
    print(f"/my-work/ runs {len(queries)} queries")
    pages = [
        ("Mijn werk (page)", "/my-work/"),
        ("Mijn werk, one team", "/my-work/?team=mw-07"),
        ("Mijn werk, list part (live refresh)", "/my-work/?part=list"),
        ("header count (JSON)", "/my-work/count/"),
        ("start page (For you, region queue)", "/"),
    ]
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8}   (n={args.repeat})")
    for label, path in pages:
        p50, p95 = measure(client, path, args.repeat)
        flag = "" if p95 < TARGET_MS else f"  <-- over the {TARGET_MS} ms target"
        print(f"{label:<40} {p50:>8.1f} {p95:>8.1f}{flag}")


if __name__ == "__main__":
    main()
