"""The periodic jobs, as django-q2 schedules (docs/work.md).

`schedules_sync` creates or updates one Schedule row per job after every `migrate` (a post_migrate
receiver connected in WorkConfig.ready()), so a deploy that migrates also installs new jobs and new
intervals; it never touches schedules that are not ours, nor a job's next run when nothing changed.

Each run happens once across every worker: the cluster hands a schedule out while holding a row
lock on it (SELECT ... FOR UPDATE) and moves its next run on in the same transaction, so a second
cluster that waited for the lock finds it no longer due. The jobs are safe to run twice anyway:
mail has unique outbox keys (one per notice, one per person per digest period), notices unique
keys per person (one reminder per interval), and the digest claims each person's row with
SELECT ... FOR UPDATE SKIP LOCKED, so two concurrent runs share the people instead of both
building a digest (tests/work/test_once.py runs them concurrently on PostgreSQL).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

#: Every schedule of ours has a name starting with this (the admin lists them as such).
PREFIX = "wijkverband:"


@dataclass(frozen=True)
class Job:
    name: str
    func: str  # dotted path: the worker imports it
    minutes: int  # every so many minutes, on the clock (a quarter-hourly job runs at :00, :15, …)


JOBS = (
    # Mail whose task was lost, and retries after a failed attempt.
    Job("outbox", "wijkverband.work.services.mail.mails_send_due", 1),
    # Digests go out around 07:30 Amsterdam time; every quarter hour sends those now due.
    Job("digests", "wijkverband.work.services.digests.digests_send_due", 15),
    # Reminders and time-based notices (review dates, targets passed, unanswered requests).
    Job("reminders", "wijkverband.work.services.reminders.time_checks_run", 60),
    # The search's typo word list loses the words no text holds any more (deleted messages).
    Job("search-words", "wijkverband.search.services.search_words_prune", 7 * 24 * 60),
    # Sessions that expired (nobody came back within the idle time) are deleted.
    Job("sessions", "wijkverband.accounts.sessions.sessions_clear_expired", 60),
)


def next_on_the_clock(now: datetime, minutes: int) -> datetime:
    """The next moment after now that is a whole multiple of `minutes` since midnight (local time)."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    passed = int((local - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=(passed // minutes + 1) * minutes)


def schedules_sync(**_kwargs) -> list[str]:
    """Create or update the schedule of every job (idempotent). Returns the names it changed."""
    from django_q.models import Schedule

    changed = []
    now = timezone.now()
    for job in JOBS:
        name = PREFIX + job.name
        wanted = {"func": job.func, "schedule_type": Schedule.MINUTES, "minutes": job.minutes, "repeats": -1}
        schedule = Schedule.objects.filter(name=name).first()
        if schedule is None:
            Schedule.objects.create(name=name, next_run=next_on_the_clock(now, job.minutes), **wanted)
            changed.append(name)
            continue
        if any(getattr(schedule, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(schedule, field, value)
            schedule.next_run = next_on_the_clock(now, job.minutes)
            schedule.save()
            changed.append(name)
    # A job we no longer have: its schedule goes, so no worker imports a function that is gone.
    known = {PREFIX + job.name for job in JOBS}
    Schedule.objects.filter(name__startswith=PREFIX).exclude(name__in=known).delete()
    return changed


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """After `migrate`: once, when the work app's own signal comes (django_q's tables exist by then)."""
    if sender.name != "wijkverband.work":
        return
    from django.db import connections

    if "django_q_schedule" not in connections[using].introspection.table_names():
        return
    schedules_sync()
