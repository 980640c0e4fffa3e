"""Benchmark of the search (issue 16) on PostgreSQL: p95 time of a search for a member of 3 teams,
with 1,000,000 messages, 100,000 bottlenecks and 20,000 agreement versions spread over 500 teams;
and the extra cost of a message post from keeping the search indexes current.

The data is written in bulk (the messages by one INSERT … SELECT generate_series; bottlenecks,
agreements and threads by bulk_create), with the search indexes dropped during the fill and built
afterwards, as a restore would. Message bodies are 10–15 words drawn from a care vocabulary (each
common word is in about one message in five), plus a rare word in 0.1% and "medicatie-overdracht"
in 1% of them. The typo word list (`search_word`) gets, besides the words of these texts, 300,000
made-up Dutch-like words (syllables glued together), the size of the vocabulary of a million real
messages, so a typo's lookup searches a list as crowded as real text makes it. Searches go through
Django's test client (the whole page: middleware, rights, every kind, counts, template) and,
separately, the search selector alone. Target: p95 under 100 ms.

The post cost: message posts through the service (threads.services.message_post, in-process),
first as they are, then without the message table's search trigger (its vector and its words) and
its search index;
the difference is what keeping the search current costs a post.

    DEBUG=true .venv/bin/python bench/search.py [--repeat 30] [--posts 200] [--keep]

BENCH_SEARCH_DATABASE_URL names the database (default postgres://postgres@127.0.0.1:5432/wv_search_bench);
it is created, filled, measured and dropped afterwards (--keep keeps it, and a later run reuses it).
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("THREADS_POSTS_PER_MINUTE", "1000000")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wv_search_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_SEARCH_DATABASE_URL") or DEFAULT_URL
os.environ.pop("REDIS_URL", None)  # the search does not use it; the post's doorbell stays in memory

TEAMS, PER_REGION = 500, 20
THREADS_PER_TEAM = 20
MESSAGES = 1_000_000
BOTTLENECKS_PER_TEAM = 200  # 100,000
AGREEMENTS_PER_TEAM = 20  # two versions each: 20,000
PERSON = "bench-search@example.nl"
TARGET_MS = 100

VOCABULARY = (
    "apotheek huisarts wijkverpleging medicatie ontslag ziekenhuis overdracht rooster dienst weekend avond "
    "nacht telefoon bereikbaarheid triage overleg afspraak knelpunt client mantelzorger dementie valpreventie "
    "thuiszorg huisbezoek verwijzing welzijn buurt wijkteam casus recept baxter levering bezorging wond "
    "zorgplan opname spoed huisartsenpost gemeente verzekeraar indicatie wachtlijst capaciteit vervoer "
    "hulpmiddelen rolstoel eenzaamheid ouderen dagbesteding praktijkondersteuner doktersassistent apotheker "
    "verpleegkundige coördinator regio evaluatie kwaliteit planning signaal terugkoppeling"
).split()


def _database():
    import dj_database_url

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("BENCH_SEARCH_DATABASE_URL must name a PostgreSQL database (the target is measured there).")
    return dj_database_url.parse(url)


def _admin(statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    config = _database()
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as connection:  # fmt: skip
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if statement == "create" and not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        elif statement == "drop" and exists:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _search_indexes(action: str, kinds=None) -> float:
    """Drop or build the search's GIN indexes (as the migration builds them); seconds taken.
    The triggers that keep `search_vector` stay: the fill's rows get their vectors as they are written."""
    import importlib

    from django.db import connection

    migration = importlib.import_module("wijkverband.search.migrations.0001_postgres_full_text_search")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for kind, (table, _columns) in migration.DOCUMENTS.items():
            if kinds is not None and kind not in kinds:
                continue
            if action == "drop":
                cursor.execute(f"DROP INDEX IF EXISTS search_{kind}_fts")
            else:
                cursor.execute("SET maintenance_work_mem = '256MB'")
                cursor.execute(f"CREATE INDEX IF NOT EXISTS search_{kind}_fts ON {table} USING gin (search_vector)")
    return time.perf_counter() - started


SYLLABLES = (
    "ka ver ple ging huis arts zorg wijk team me di ca tie over dracht ont slag zie ken buurt pa ti ent "
    "thuis hulp mid del ond er steu ning be zoek ge meen te re cept a po theek lo ket wel zijn dag be "
    "ste ding cli en ten raad men tor of fer te vei lig heid val pre ven op na me"
).split()


def _word_list_fill(words: int = 300_000) -> int:
    """Made-up Dutch-like words (2–5 syllables) in the typo word list, as real text would fill it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_word (word) SELECT w FROM ("
            "  SELECT string_agg(s[1 + floor(random() * array_length(s, 1))::int], '') AS w"
            "  FROM generate_series(1, %s) g CROSS JOIN LATERAL generate_series(1, 2 + (g %% 4)) k,"
            "       (SELECT %s::text[] AS s) syllables GROUP BY g) made"
            " WHERE length(w) BETWEEN 4 AND 40 ON CONFLICT DO NOTHING",
            [int(words * 1.6), list(SYLLABLES)],
        )
        cursor.execute("SELECT count(*) FROM search_word")
        return cursor.fetchone()[0]


def _message_trigger(enabled: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE threads_message {'ENABLE' if enabled else 'DISABLE'} TRIGGER search_message_vector"
        )


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(low, high)))


def fill() -> None:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from wijkverband.agreements.models import Agreement, AgreementVersion
    from wijkverband.bottlenecks.models import Bottleneck, Category
    from wijkverband.tenancy import services
    from wijkverband.tenancy.models import Membership, OrganisationKind, Team
    from wijkverband.threads.models import Thread

    rng = random.Random(16)
    now = timezone.now()
    today = timezone.localdate()
    started = time.perf_counter()
    print(f"dropping the search indexes for the fill: {_search_indexes('drop'):.1f} s")

    User = get_user_model()
    person = User.objects.create_user(email=PERSON, password=None, name="Bench Apotheker")
    TOTP.activate(person, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    authors = User.objects.bulk_create(
        [User(email=f"bench-author-{i}@example.nl", name=f"Auteur {i}", password="!") for i in range(50)]  # noqa: S106
    )
    regions = [
        services.region_create(name=f"Bench ROSE {r:02d}", slug=f"bench-rose-{r:02d}")
        for r in range(TEAMS // PER_REGION)
    ]
    # The person's three teams through the services (rights, groups); the other 497 in bulk.
    mine = []
    for i in range(3):
        team = services.team_create(
            actor=None, region=regions[0], name=f"Bench wijk {i:03d}", slug=f"bench-{i:03d}", municipality="Utrecht"
        )
        organisation = services.organisation_add(
            actor=None, team=team, name="Bench Apotheek", kind=OrganisationKind.PHARMACY
        )
        services.membership_create(
            actor=None, team=team, user=person, role=Membership.Role.MEMBER, organisation=organisation
        )
        mine.append(team)
    Team.objects.bulk_create(
        [
            Team(
                region=regions[i // PER_REGION],
                name=f"Bench wijk {i:03d}",
                slug=f"bench-{i:03d}",
                municipality="Utrecht",
            )
            for i in range(3, TEAMS)
        ]
    )
    teams = list(Team.objects.filter(slug__startswith="bench-").order_by("pk"))
    print(f"{len(teams)} teams in {len(regions)} regions: {time.perf_counter() - started:.1f} s")

    category = Category.objects.get(team=None, key="overdracht")
    rows = []
    for team in teams:
        for _ in range(BOTTLENECKS_PER_TEAM):
            created = now - timedelta(days=rng.randint(0, 700))
            rows.append(
                Bottleneck(
                    team=team,
                    title=_sentence(rng, 3, 7).capitalize(),
                    description=_sentence(rng, 15, 40),
                    resolution_summary=_sentence(rng, 5, 15) if rng.random() < 0.3 else "",
                    category=category,
                    reporter=rng.choice(authors),
                    created_at=created,
                    updated_at=created,
                    clock_started_at=created,
                    accept_due=today,
                    resolve_due=today,
                    internal=rng.random() < 0.1,
                    status=rng.choice(["reported", "in_progress", "resolved", "closed"]),
                )  # fmt: skip
            )
        if len(rows) >= 20_000:
            Bottleneck.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Bottleneck.objects.bulk_create(rows, batch_size=5000)
    print(f"bottlenecks: {time.perf_counter() - started:.1f} s")

    agreements = Agreement.objects.bulk_create(
        [
            Agreement(team=team, status=rng.choice(["concept", "proposed", "adopted", "ended"]), version_count=2)
            for team in teams
            for _ in range(AGREEMENTS_PER_TEAM)
        ],
        batch_size=5000,
    )
    versions = []
    for agreement in agreements:
        title = _sentence(rng, 3, 6).capitalize()
        for number in (1, 2):
            versions.append(
                AgreementVersion(
                    team_id=agreement.team_id,
                    agreement=agreement,
                    number=number,
                    title=title,
                    need=_sentence(rng, 15, 30),
                    body=_sentence(rng, 30, 80),
                    owner=rng.choice(authors),
                    gain_quality=_sentence(rng, 5, 10),
                    created_by=rng.choice(authors),
                )  # fmt: skip
            )
    AgreementVersion.objects.bulk_create(versions, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_agreement a SET current_version_id = v.id, "
            "adopted_version_id = CASE WHEN a.status = 'adopted' THEN v.id END "
            "FROM agreements_agreementversion v WHERE v.agreement_id = a.id AND v.number = 2"
        )
    print(f"agreements: {time.perf_counter() - started:.1f} s")

    Thread.objects.bulk_create(
        [
            Thread(
                team=team,
                title=_sentence(rng, 2, 4).capitalize(),
                seq=MESSAGES // (TEAMS * THREADS_PER_TEAM),
                open_to_representatives=rng.random() < 0.5,
            )
            for team in teams
            for _ in range(THREADS_PER_TEAM)
        ],  # fmt: skip
        batch_size=5000,
    )
    threads = TEAMS * THREADS_PER_TEAM
    with connection.cursor() as cursor:
        # One statement: thread g % threads gets message g as its (g / threads + 1)-th.
        cursor.execute(
            f"""
            WITH t AS (
                SELECT id, team_id, row_number() OVER (ORDER BY id) - 1 AS i
                FROM threads_thread WHERE team_id = ANY(%s)
            )
            INSERT INTO threads_message
                (team_id, thread_id, author_id, client_id, body, body_html, seq, asks_ack, created_at)
            SELECT t.team_id, t.id, (%s)[1 + (g %% 50)], gen_random_uuid(),
                   b.body, '<p>' || b.body || '</p>', g / {threads} + 1, false,
                   now() - ((({MESSAGES} - g) / 1000) || ' hours')::interval
            FROM generate_series(0, {MESSAGES - 1}) g
            JOIN t ON t.i = g %% {threads}
            CROSS JOIN LATERAL (
                SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int], ' ')
                       || CASE WHEN g %% 1000 = 7 THEN ' kwartaaloverleg' ELSE '' END
                       || CASE WHEN g %% 100 = 3 THEN ' medicatie-overdracht' ELSE '' END AS body
                FROM generate_series(1, 10 + (g %% 6)) k, (SELECT %s::text[] AS w) words
            ) b
            """,  # noqa: S608 - only our own integer constants are formatted in
            [[t.pk for t in teams], [a.pk for a in authors], VOCABULARY],
        )
    print(f"1,000,000 messages: {time.perf_counter() - started:.1f} s")
    print(f"building the search indexes: {_search_indexes('build'):.1f} s")
    print(f"typo word list: {_word_list_fill():,} words: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        tables = ("search_word", "threads_message", "bottlenecks_bottleneck", "agreements_agreementversion")
        for table in (*tables, "threads_thread"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"filled in {time.perf_counter() - started:.1f} s")


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)]


def measure_page(client, params: dict, repeat: int) -> tuple[float, float, float, str]:
    """p50 and p95 wall time of the page, p95 of this process's CPU time for it (the Python side,
    which a loaded machine does not inflate the way it inflates waiting), and the counts shown."""
    for _ in range(3):
        response = client.get("/search/", params)
        assert response.status_code == 200, response.status_code
    timings, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/search/", params)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    import re

    counts = re.findall(r'<span class="wv-muted">\(([0-9+]+)\)</span>', response.content.decode())
    return statistics.median(timings), _p95(timings), _p95(cpu), "/".join(counts) or "0"


def measure_selector(person, params: dict, repeat: int) -> float:
    from wijkverband.search import selectors
    from wijkverband.tenancy.policy import policy_forget

    filters = selectors.Filters(q=params["q"], team=params.get("team", ""), kind=params.get("kind", ""))
    timings = []
    for _ in range(repeat + 3):
        policy_forget(person)
        started = time.perf_counter()
        selectors.search(user=person, filters=filters)
        timings.append((time.perf_counter() - started) * 1000)
    return _p95(timings[3:])


def measure_posts(person, posts: int) -> tuple[float, float]:
    from wijkverband.tenancy.models import Team
    from wijkverband.threads import services
    from wijkverband.threads.models import Thread

    team = Team.objects.get(slug="bench-000")
    thread = Thread.objects.for_team(team).order_by("pk").first()
    rng = random.Random(posts)
    timings = []
    for _ in range(posts):
        body = _sentence(rng, 10, 15)
        started = time.perf_counter()
        services.message_post(actor=person, thread=thread, body=body, client_id=uuid.uuid4())
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), _p95(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database (a later run reuses it)")
    args = parser.parse_args()

    name = _database()["NAME"]
    _admin("create", name)
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from wijkverband.tenancy.scoping import scopes_disabled

        call_command("migrate", verbosity=0)
        User = get_user_model()
        with scopes_disabled():
            if not User.objects.filter(email=PERSON).exists():
                fill()
            person = User.objects.get(email=PERSON)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT (SELECT count(*) FROM threads_message), (SELECT count(*) FROM bottlenecks_bottleneck), "
                    "(SELECT count(*) FROM agreements_agreementversion), (SELECT count(*) FROM tenancy_team)"
                )
                messages, bottlenecks, versions, teams = cursor.fetchone()
        load = os.getloadavg()
        print(
            f"{messages:,} messages, {bottlenecks:,} bottlenecks, {versions:,} agreement versions, {teams} teams; "
            f"a member of 3 teams; load average {load[0]:.1f} / {load[1]:.1f} on {os.cpu_count()} CPUs"
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(person)
        searches = [
            ("common word, all 3 teams", {"q": "apotheek"}),
            ("common word, one team", {"q": "apotheek", "team": "bench-001"}),
            ("two common words", {"q": "medicatie ontslag"}),
            ("rare word", {"q": "kwartaaloverleg"}),
            ("compound (medicatieoverdracht)", {"q": "medicatieoverdracht"}),
            ("typo (dementei)", {"q": "dementei"}),
            ("typo in a rare word (kwartaalovrleg)", {"q": "kwartaalovrleg"}),
            ("stem (overdragen)", {"q": "overdragen"}),
            ("no match", {"q": "xylofoon"}),
            ("messages only, page 3", {"q": "rooster", "kind": "message", "page": 3}),
        ]
        print(
            f"{'search':<34} {'found per kind':>16} {'p50 ms':>8} {'p95 ms':>8} {'CPU p95':>8} {'selector p95':>13}"
            f"  (n={args.repeat})"
        )
        worst = 0.0
        with scopes_disabled():
            for label, params in searches:
                p50, p95, cpu, counts = measure_page(client, params, args.repeat)
                selector = measure_selector(person, params, args.repeat)
                worst = max(worst, p95)
                flag = "" if p95 < TARGET_MS else f"  <-- over the {TARGET_MS} ms target"
                print(f"{label:<34} {counts:>16} {p50:>8.1f} {p95:>8.1f} {cpu:>8.1f} {selector:>13.1f}{flag}")
            print(f"worst page p95: {worst:.1f} ms (target under {TARGET_MS} ms)")

            with_p50, with_p95 = measure_posts(person, args.posts)
            _search_indexes("drop", kinds={"message"})
            _message_trigger(False)
            without_p50, without_p95 = measure_posts(person, args.posts)
            _message_trigger(True)
            print(
                f"message post ({args.posts} posts): with the search trigger and index "
                f"p50 {with_p50:.2f} ms, p95 {with_p95:.2f} ms; "
                f"without them p50 {without_p50:.2f} ms, p95 {without_p95:.2f} ms; "
                f"keeping the search current costs a post {with_p50 - without_p50:+.2f} ms (p50)"
            )
        load = os.getloadavg()
        print(f"load average at the end {load[0]:.1f} / {load[1]:.1f}")
        if args.keep:
            _search_indexes("build", kinds={"message"})
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _admin("drop", name)
            print(f"dropped database {name}")


if __name__ == "__main__":
    main()
