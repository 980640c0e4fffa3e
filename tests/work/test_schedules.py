"""The periodic jobs are django-q2 schedules, installed and kept up to date by every `migrate`."""

from django.core.management import call_command
from django_q.models import Schedule

from tests.work.conftest import amsterdam
from wijkverband.work.schedules import JOBS, PREFIX, next_on_the_clock, schedules_sync


def ours() -> dict[str, Schedule]:
    return {s.name: s for s in Schedule.objects.filter(name__startswith=PREFIX)}


def test_migrate_installed_a_schedule_for_every_job(db):
    schedules = ours()
    assert set(schedules) == {PREFIX + job.name for job in JOBS}
    for job in JOBS:
        schedule = schedules[PREFIX + job.name]
        assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
            job.func,
            Schedule.MINUTES,
            job.minutes,
            -1,
        )


def test_the_jobs_are_the_outbox_each_minute_digests_each_quarter_and_reminders_each_hour(db):
    minutes = {job.name: job.minutes for job in JOBS}
    assert minutes == {"outbox": 1, "digests": 15, "reminders": 60, "search-words": 10080, "sessions": 60}


def test_syncing_again_changes_nothing_and_keeps_the_next_runs(db):
    before = {name: (s.pk, s.next_run) for name, s in ours().items()}
    assert schedules_sync() == []
    call_command("migrate", verbosity=0)  # post_migrate syncs again
    assert {name: (s.pk, s.next_run) for name, s in ours().items()} == before


def test_a_changed_job_is_updated_a_gone_one_removed_and_others_left_alone(db):
    Schedule.objects.filter(name=PREFIX + "digests").update(minutes=5, func="old.path")
    Schedule.objects.create(name=PREFIX + "gone", func="old.job", schedule_type=Schedule.MINUTES, minutes=1)
    Schedule.objects.create(name="someone-else", func="their.job", schedule_type=Schedule.DAILY)
    assert schedules_sync() == [PREFIX + "digests"]
    digests = ours()[PREFIX + "digests"]
    assert digests.minutes == 15 and digests.func.endswith("digests_send_due")
    assert PREFIX + "gone" not in ours()
    assert Schedule.objects.filter(name="someone-else").exists()


def test_runs_fall_on_the_clock():
    assert next_on_the_clock(amsterdam(2027, 9, 8, 7, 22), 15) == amsterdam(2027, 9, 8, 7, 30)
    assert next_on_the_clock(amsterdam(2027, 9, 8, 7, 30), 15) == amsterdam(2027, 9, 8, 7, 45)
    assert next_on_the_clock(amsterdam(2027, 9, 8, 23, 59), 60) == amsterdam(2027, 9, 9, 0, 0)
    assert next_on_the_clock(amsterdam(2027, 9, 8, 7, 22), 1) == amsterdam(2027, 9, 8, 7, 23)


def test_the_monitoring_commands_the_docs_name_run(db, capsys):
    """docs/work.md sends operators to `qinfo` (and `qmonitor`, its live form): it counts the queue
    and the schedules (django-q2's commands need the blessed package, a pinned requirement)."""
    call_command("qinfo")
    out = capsys.readouterr().out
    assert "Queued" in out and "Schedules" in out
