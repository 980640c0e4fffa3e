"""Benchmark of one message post's own cost: the part of the realtime workload that does not depend
on how many sockets follow the thread (permission check, thread lock, sequence number, message,
event, audit row, doorbell).

Calls the same path as the socket's `post` frame (`realtime.consumers._post`) in-process and
prints, per post, the queries, the process CPU time and the wall time (p50/p95) and, with
PostgreSQL on this machine, PostgreSQL's own CPU (its backends', on average), for a plain
message, for the same from someone who posts now and then (the rights and the thread read again
with every post, as for most people, and the session extended, as for a post whose session was
last renewed five minutes ago or more: lifecycle.touch_due), and for one whose mention reaches
30 people who are not online. The mention's notices, pushes and e-mails are one job for the task
worker, queued in the post's transaction (docs/work.md): the post costs what a plain post costs.
The last line times those jobs as the worker runs them (30 notices, 30 e-mails written and sent
each), outside any request.

    DEBUG=true .venv/bin/python bench/thread_post.py [--posts 300] [--apart MS]

`--apart 50` leaves 50 ms between posts, as the realtime bench's sender does (20 posts/s). On some
hosts of this kind a post after 50 ms idle costs three times one posted straight after another:
the caches went cold meanwhile (bench/realtime/README.md, "A thirty-third machine").

Without DATABASE_URL it uses a throwaway SQLite file; with DATABASE_URL pointing at PostgreSQL it
uses that database (created when missing). REDIS_URL, when set, is used for the channel layer and
the cache, as in production.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("THREADS_POSTS_PER_MINUTE", "1000000")
# As recommended for socket workers (README): keep database connections between calls.
os.environ.setdefault("CONN_MAX_AGE", "60")

SQLITE_FILE = Path(tempfile.gettempdir()) / "wijkverband-bench-thread-post.sqlite3"


def ensure_database(*, fresh: bool = True) -> None:
    """`fresh`: a new SQLite file (else the last run's, migrated: bench/post_instructions.py runs
    this script four times and would otherwise count the migrations under valgrind)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        if fresh:
            SQLITE_FILE.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
        return
    if url.startswith("postgres"):
        from bench.realtime.run import _database_create

        _database_create(url)


def prepare():
    from django.contrib.auth import get_user_model
    from django_scopes import scopes_disabled

    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership, OrganisationKind, Region, Team
    from wijkverband.threads import services as threads

    User = get_user_model()
    # Setting up is not the measured path: it reads teams' rows outside any team's scope.
    with scopes_disabled():
        return _prepare(User, tenancy, Membership, OrganisationKind, Region, Team, threads)


def _prepare(User, tenancy, Membership, OrganisationKind, Region, Team, threads):
    region = Region.objects.filter(slug="bench-post").first() or tenancy.region_create(
        name="Bench post", slug="bench-post"
    )
    team = Team.objects.filter(slug="bench-post").first() or tenancy.team_create(
        actor=None, region=region, name="Bench post", slug="bench-post", municipality="Bench"
    )
    organisation = tenancy.organisation_add(actor=None, team=team, name="Bench GP", kind=OrganisationKind.GP)
    users = []
    for i in range(31):  # the sender and 30 others, all "Poster …": "@Poster" reaches 30
        email = f"bench-post{i}@example.nl"
        user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, name=f"Poster {i}")
        if not Membership.objects.filter(team=team, user=user).exists():
            tenancy.membership_create(
                actor=None, team=team, user=user, role="coordinator" if i == 0 else "member", organisation=organisation
            )
        users.append(user)
    thread = threads.thread_create(actor=users[1], team=team, title=f"Bench {uuid.uuid4().hex[:6]}")
    return users[0], thread


def measure(label, sender, thread, posts, body_of, session_key=None, apart=0.0):
    """With `session_key`: every post as someone's who has not posted for a while (most people):
    the rights and the thread read again, and the session extended, as the socket does when its
    last renewal is five minutes old or more. `apart`: seconds idle between two posts."""
    from channels.db import database_sync_to_async
    from django.conf import settings
    from django.db import connection, reset_queries

    from wijkverband.realtime.consumers import _post
    from wijkverband.realtime.lifecycle import session_extend
    from wijkverband.realtime.publish import send_held

    cpu, wall, queries = [], [], []

    known = {}

    def one(n):
        reset_queries()
        # As a socket does: rights and thread re-read every 5 s (here every 10th post, a sender
        # posting twice a second), otherwise the thread read for the previous post.
        fresh = session_key is not None or n % 10 == 0
        held = []
        _ack, known["thread"] = _post(
            sender,
            thread.pk,
            None if session_key else known.get("thread"),
            body_of(n),
            str(uuid.uuid4()),
            False,
            fresh,
            held,
            settings.LANGUAGE_CODE,
        )
        if session_key is not None:
            assert session_extend(session_key, sender.pk)  # (the socket does it in the background)
        return len(connection.queries), held

    # As in an ASGI worker: the post runs in a worker thread (the hop made once, as the socket's
    # consumers._post_in_thread), the doorbell on the event loop.
    one_in_thread = database_sync_to_async(one, thread_sensitive=False)

    async def run():
        for n in range(posts):
            c0, w0 = time.process_time(), time.perf_counter()
            count, held = await one_in_thread(n)
            await send_held(held)
            queries.append(count)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            if apart:
                # Idle as a worker is between posts: on some hosts the caches go cold meanwhile.
                await asyncio.sleep(apart)

    database_before = database_cpu()
    asyncio.run(run())
    database_after = database_cpu()
    cpu, wall = sorted(cpu), sorted(wall)

    def p(values, q):
        return values[min(len(values) - 1, int(len(values) * q))] * 1000

    counted = f"{statistics.median(queries):>4.0f}" if settings.DEBUG else "   -"
    database = ""
    if database_before is not None and database_after is not None:
        used = sum(seconds - database_before.get(pid, 0.0) for pid, seconds in database_after.items())
        database = f"   PostgreSQL {used / posts * 1000:5.2f} ms/post"
    print(
        f"{label:<26} queries {counted}"
        f"   CPU p50 {p(cpu, 0.5):5.2f} ms  p95 {p(cpu, 0.95):5.2f} ms"
        f"   wall p50 {p(wall, 0.5):5.2f} ms  p95 {p(wall, 0.95):5.2f} ms{database}"
    )
    return p(cpu, 0.5)


def database_cpu() -> dict[int, float] | None:
    """CPU seconds so far of each PostgreSQL backend connected to this database (by pid, from
    /proc: PostgreSQL on this machine), or None on SQLite or a database elsewhere. Its average per
    post is what PostgreSQL spends on a post (backends started meanwhile count whole)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [pid for (pid,) in cursor.fetchall()]
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def run_jobs(limit: int):
    """Run queued jobs as the worker does (each mention post's job: 30 notices, 30 e-mails)."""
    from importlib import import_module

    from django_q.brokers import get_broker
    from django_q.signing import SignedPackage

    broker = get_broker()
    cpu = []
    while len(cpu) < limit:
        taken = broker.dequeue()
        if not taken:
            break
        for task_id, payload in taken:
            task = SignedPackage.loads(payload)
            module, name = task["func"].rsplit(".", 1)
            c0 = time.process_time()
            getattr(import_module(module), name)(*task["args"])
            cpu.append(time.process_time() - c0)
            broker.acknowledge(task_id)
    cpu.sort()
    if cpu:
        print(f"{'worker: one mention job':<26} (not in any request)  CPU p50 {cpu[len(cpu) // 2] * 1000:6.2f} ms")


def plain_body(n: int) -> str:
    return f"Bericht {n}: de medicatie is geleverd."


#: The lines `--only` can pick.
ONLY = ("plain", "now-and-then")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument(
        "--only",
        choices=sorted(ONLY),
        help="only the warm-up and this line, with queries not counted, as in production"
        " (for bench/post_instructions.py)",
    )
    parser.add_argument(
        "--apart",
        type=float,
        default=0.0,
        metavar="MS",
        help="milliseconds between two posts, as a worker idles between them (50: the realtime"
        " bench's 20 posts/s); 0, the default, posts one after the other",
    )
    args = parser.parse_args()
    ensure_database(fresh=args.only is None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.DEBUG = args.only is None  # count queries (they are logged only with DEBUG)
    # The worker's e-mails go nowhere (the console backend would print 30 per job).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Measure the production path: the mention's job goes to the worker. (Without REDIS_URL the
    # settings would run it after the commit in this process, as make run does: docs/work.md.)
    settings.TASKS_PUSH_IN_PROCESS = False
    import logging

    logging.getLogger("django-q").setLevel(logging.WARNING)  # no line per queued job
    sender, thread = prepare()
    from django.contrib.auth import get_user_model

    sender = get_user_model().objects.get(pk=sender.pk)
    print(f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, {args.posts} posts each")
    measure("warm-up", sender, thread, 20, lambda n: "warm-up")
    apart = args.apart / 1000
    if apart:
        print(f"one post every {args.apart:g} ms (the worker idles in between)")
    if args.only == "plain":
        measure("plain message", sender, thread, args.posts, plain_body, apart=apart)
        return
    from bench.realtime.run import signed_in_session

    def now_and_then() -> float:
        return measure(
            "posting now and then",
            sender,
            thread,
            args.posts,
            plain_body,
            session_key=signed_in_session(sender),
            apart=apart,
        )

    if args.only == "now-and-then":
        now_and_then()
        return
    plain = measure("plain message", sender, thread, args.posts, plain_body, apart=apart)
    measure("bench marker @@", sender, thread, args.posts, lambda n: f"@@{n:08d}", apart=apart)
    now_and_then_cpu = now_and_then()
    from django_q.models import OrmQ

    OrmQ.objects.all().delete()  # only the mention posts' jobs from here
    mention = measure(
        "mention: 30 not online",
        sender,
        thread,
        args.posts,
        lambda n: f"@Poster kunnen jullie kijken? ({n})",
        apart=apart,
    )
    print(
        f"post CPU p50: plain {plain:.2f} ms, mention reaching 30 people not online {mention:.2f} ms,"
        f" posting now and then (rights read again, session extended) {now_and_then_cpu:.2f} ms"
    )
    run_jobs(min(args.posts, 50))


if __name__ == "__main__":
    main()
