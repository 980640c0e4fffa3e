"""Several workers, one piece of work: two runs of each periodic job at the same moment, each in its
own thread and database connection, do the work once (PostgreSQL: SQLite has one writer at a time
and no row locks, so there is nothing to race)."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ, Schedule
from django_q.scheduler import scheduler

from tests import snapshot
from tests.work.conftest import amsterdam
from tests.work.helpers import queued_tasks
from wijkverband.work.models import Mail, Notice, NoticeKind, SubjectKind
from wijkverband.work.schedules import JOBS, PREFIX
from wijkverband.work.services import Subject, digests, notices_create
from wijkverband.work.services.mail import mails_send_due
from wijkverband.work.services.reminders import time_checks_run

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL")

PEOPLE = ["carla", "maarten", "pieter", "sofie", "bram", "olga", "ada", "otto", "chris"]


@pytest.fixture
def world(transactional_db):
    """The personas' world, committed (the threads here see it); put back after the test."""
    return snapshot.world_copy()


def at_once(job, runs: int = 2) -> list:
    """Run job() in `runs` threads released at the same moment; their results."""
    barrier = threading.Barrier(runs)
    results, errors = [None] * runs, []

    def run(i):
        try:
            barrier.wait(10)
            results[i] = job()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def notice_for_everyone(world, n: int):
    subject = Subject(
        team=world.team_a, kind=SubjectKind.AGREEMENT, id=n, title=f"Afspraak {n}", path=f"/t/oost/a/{n}/"
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        for name in PEOPLE:
            # each person's own team: a notice may only reach those who may read it
            person = world.persona(name)
            team = {"bram": world.team_b, "chris": world.team_c, "otto": world.team_c}.get(name, world.team_a)
            notices_create(
                kind=NoticeKind.AGREEMENT_ENDORSED,
                subject=Subject(**{**subject.__dict__, "team": team}),
                recipients=[person.pk],
                actor=None,
                key=f"once:{n}",
            )


def test_two_digest_runs_at_once_send_one_digest_per_person(world, clock, monkeypatch):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    for n in range(3):
        notice_for_everyone(world, n)
    people = set(Notice.objects.values_list("user_id", flat=True))
    assert len(people) == len(PEOPLE)
    build = digests._digest_mail

    def slow(*args):  # long enough that the two runs overlap on every person
        time.sleep(0.05)
        return build(*args)

    monkeypatch.setattr(digests, "_digest_mail", slow)
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    written = at_once(digests.digests_send_due)
    assert sum(written) == len(people)
    assert Mail.objects.filter(key__startswith="digest:").count() == len(people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted({m.to for m in Mail.objects.all()})
    assert len(mail.outbox) == len(people)


def test_two_outbox_sweeps_at_once_send_each_mail_once(world, settings):
    settings.EMAIL_BACKEND = "tests.work.test_once.SlowBackend"
    for n in range(30):
        Mail.objects.create(user=world.maarten, key=f"test:{n}", to="maarten@example.nl", subject=f"m{n}", body="-")
    sent = at_once(mails_send_due, runs=3)
    assert sum(sent) == 30
    assert sorted(m.subject for m in mail.outbox) == sorted(f"m{n}" for n in range(30))
    assert Mail.objects.filter(sent_at__isnull=True).count() == 0


class SlowBackend(mail.backends.locmem.EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.01)
        return super().send_messages(messages)


def test_two_reminder_runs_at_once_make_each_reminder_once(world, clock):
    from tests.bottlenecks.helpers import report
    from wijkverband.bottlenecks import services as bottlenecks
    from wijkverband.bottlenecks.models import Bottleneck, Impact

    clock.to(amsterdam(2027, 9, 6, 9, 0))
    for _ in range(5):
        b = report(world, impact=Impact.CRITICAL)
        bottlenecks.bottleneck_ask_owner(
            actor=world.carla, bottleneck=b, version=Bottleneck.objects.get(pk=b.pk).version, candidate=world.pieter
        )
    clock.to(amsterdam(2027, 9, 7, 9, 0))  # a working day: the first reminder
    time_checks_run()
    clock.to(amsterdam(2027, 9, 8, 9, 0))  # two working days: the second reminder, and the coordinator told
    at_once(time_checks_run, runs=3)
    # (The coordinator hears "still waiting" once two reminders were sent, not after two days:
    # the first run is needed.)
    assert Notice.objects.filter(kind=NoticeKind.REMINDER).count() == 10
    assert Notice.objects.filter(kind=NoticeKind.STILL_WAITING).count() == 5


def test_two_schedulers_at_once_start_each_due_job_once(world):
    # Due an hour ago: django-q steps a job's next run forward one interval at a time until it is
    # in the future, so a date years back made this test step millions of minutes (23 s of 24).
    Schedule.objects.filter(name__startswith=PREFIX).update(next_run=timezone.now() - timedelta(hours=1))
    OrmQ.objects.all().delete()
    with queued_tasks():
        at_once(lambda: scheduler(get_broker()), runs=3)
    assert OrmQ.objects.count() == Schedule.objects.filter(name__startswith=PREFIX).count() == len(JOBS)
