"""Reminders and time-based notices: the hourly job (docs/work.md, "Reminders").

The apps above work know what waits on whom (agreements: endorsements and review dates;
bottlenecks: ownership, targets, escalations). Each registers a time check in its
AppConfig.ready(); the periodic job `time_checks_run` calls every check with today's date
(Amsterdam time). A check describes what waits (`Waiting`) and calls `reminders_send`, and says
which requests are still open (`time_notices_settle`), so the notices of what is done are read.

A reminder's key names its request and its interval (`reminder:<request>:<n>`), so a check that
runs every hour, twice at once or again after a restart makes at most one reminder per interval
(Notice has a unique (user, key)). Once two reminders were sent (counted by their keys: more
intervals may have passed) the team's coordinators are told once (`still_waiting:<request>`), who
it waits on named when it is one person (but not a coordinator it waits on: they had the reminders). A
request that is done is no longer found by its app's check: no new reminder, and its open time
notices are read for everyone who got them.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkverband.core.workdays import working_days_between
from wijkverband.work.models import Notice, NoticeKind
from wijkverband.work.serialise import WAITS_ON_REGION
from wijkverband.work.services import Subject, _counts_push, notices_create

logger = logging.getLogger(__name__)

#: name -> check(today) -> the number of notices it made
_checks: dict[str, Callable[[date], int]] = {}

#: The kinds made by time checks; their keys start with the kind and name the request (`base`).
TIME_KINDS = (
    NoticeKind.REMINDER,
    NoticeKind.STILL_WAITING,
    NoticeKind.OVERDUE,
    NoticeKind.REVIEW_SOON,
    NoticeKind.REVIEW_PASSED,
)


def register_time_check(name: str, check: Callable[[date], int]) -> None:
    """An app's time check, called by the hourly job (register in AppConfig.ready())."""
    _checks[name] = check


def time_checks_run() -> int:
    """The periodic job: every app's time check for today. Returns the number of notices made."""
    today = timezone.localdate()
    made = 0
    for name in sorted(_checks):
        try:
            made += _checks[name](today)
        except Exception:  # one app's failure must not stop the others' reminders
            logger.exception("work: the time check %s failed", name)
    return made


@dataclass(frozen=True)
class Waiting:
    """A request that waits on people since a day: a reminder every `interval` working days."""

    subject: Subject
    #: names the request, e.g. "bottleneck:7:ownership:1764540000" (a new request is a new name)
    base: str
    since: date
    interval: int
    #: who the request waits on: they get the reminders
    waiting_on: Iterable[int]
    #: told once, after the second reminder
    coordinators: Iterable[int] = ()
    #: on whom it waits when that is not simply the people reminded, as the notices say it
    #: (Notice.params, work.serialise.notice_label): {"waits_on": "region"} (an escalation),
    #: {"waits_on": "organisation", "name": …} (an endorsement, any of its people's)
    waits_on: dict | None = None


def time_notice(
    *, kind: str, subject: Subject, base: str, recipients: Iterable[int] = (), coordinators: Iterable[int] = ()
) -> int:
    """A time-based notice (past its target, review date near or passed): once per request, to
    `recipients` and to `coordinators`, told as the team's coordinators (_to_coordinators)."""
    recipients = set(recipients)
    made = notices_create(kind=kind, subject=subject, recipients=recipients, key=f"{kind}:{base}")
    return made + _to_coordinators(
        kind=kind, subject=subject, recipients=set(coordinators) - recipients, key=f"{kind}:{base}"
    )


@transaction.atomic
def _to_coordinators(*, kind: str, subject: Subject, recipients: Iterable[int], key: str, **fields) -> int:
    """A notice to the team's coordinators, as the job read them at its start. Only those who are
    still coordinators get it, read under a lock a change of their role waits for (notices_create
    as_coordinators), in a transaction of its own: a coordinator made member while the job runs was
    told as one, after the change had taken such notices away, and it stayed."""
    return notices_create(kind=kind, subject=subject, recipients=recipients, key=key, as_coordinators=True, **fields)


def reminders_send(waiting: Waiting, *, today: date) -> int:
    """The reminder of the interval we are in (none before the first interval has passed), and after
    the second reminder, once, the coordinators. A job that missed intervals sends only the current one."""
    interval = max(1, waiting.interval)
    number = working_days_between(waiting.since, today) // interval
    if number < 1:
        return 0
    key = f"{NoticeKind.REMINDER}:{waiting.base}:{number}"
    made = notices_create(
        kind=NoticeKind.REMINDER,
        subject=waiting.subject,
        recipients=waiting.waiting_on,
        key=key,
        params=waiting.waits_on,
    )
    if made:
        # One open reminder per request and person: the new one replaces the earlier ones (eight
        # unread reminders of one bottleneck piled up in a person's count).
        earlier = (
            Notice.objects.across_teams()
            .filter(
                user_id__in=list(waiting.waiting_on),
                read_at__isnull=True,
                kind=NoticeKind.REMINDER,
                key__startswith=f"{NoticeKind.REMINDER}:{waiting.base}:",
            )
            .exclude(key=key)
        )
        users = sorted(set(earlier.values_list("user_id", flat=True)))
        if users and earlier.update(read_at=timezone.now()):
            transaction.on_commit(partial(_counts_push, user_ids=users))
    # Told after two reminders were sent, not after two intervals passed: a request found late (an
    # impact raised so its due date lies weeks back, a job that did not run) gets its first reminder
    # keyed by a later interval, and the coordinators would have heard at once.
    if number >= 2 and reminders_sent(waiting.base) >= 2:
        made += _still_waiting(waiting)
    return made


#: What the coordinators' "still waiting" says when one person is waited on (its actor, named; with
#: several, an organisation's members or a region's overseers, its label names the organisation or
#: the region: Waiting.waits_on). Registered in WorkConfig.ready.
REMINDER_SENTENCES = {
    NoticeKind.STILL_WAITING: lambda: _("“%(title)s” still waits on %(actor)s after two reminders"),
}


def _still_waiting(waiting: Waiting) -> int:
    """The coordinators hear once that the request still waits, and on whom. Not a coordinator it
    waits on: they had the reminders (a coordinator who owns the overdue item was told that it waits
    on themselves)."""
    waiting_on = set(waiting.waiting_on)
    coordinators = set(waiting.coordinators) - waiting_on
    if not coordinators:
        return 0
    # One person: named ("… wacht na twee herinneringen nog steeds op Pieter"). The region: named as
    # the region, even when one person answers for it; an organisation's people: the organisation.
    one = len(waiting_on) == 1 and (waiting.waits_on or {}).get("waits_on") != WAITS_ON_REGION
    person = get_user_model().objects.filter(pk=next(iter(waiting_on))).first() if one else None
    return _to_coordinators(
        kind=NoticeKind.STILL_WAITING,
        subject=waiting.subject,
        recipients=coordinators,
        actor=person,
        key=f"{NoticeKind.STILL_WAITING}:{waiting.base}",
        params=None if person is not None else waiting.waits_on,
    )


def reminders_sent(base: str) -> int:
    """How many reminders of this request were sent: the intervals that got one (read or not)."""
    keys = (
        Notice.objects.across_teams()
        .filter(kind=NoticeKind.REMINDER, key__startswith=f"{NoticeKind.REMINDER}:{base}:")
        .order_by()
        .values_list("key", flat=True)
        .distinct()
    )
    return sum(1 for key in keys if key_base(key) == base)


def key_base(key: str) -> str:
    """The request a time notice's key names: `reminder:<base>:<n>`, `<kind>:<base>`."""
    kind, _, rest = key.partition(":")
    if kind == NoticeKind.REMINDER:
        rest = rest.rpartition(":")[0]
    return rest


def time_notices_settle(*, subject_kind: str, live: set[str], quiet: Iterable[str] = ()) -> int:
    """Time notices about this kind of item whose request is no longer open (endorsed, accepted,
    answered, resolved, closed, rescheduled) are read for everyone who got them. `quiet`: requests
    still open whose coordinators are not to be told now (a bottleneck the region took up): their
    "still waiting" is read too, their reminders stay."""
    quiet = set(quiet)
    rows = list(
        Notice.objects.across_teams()  # every team's time notices: the job runs for all of them
        .filter(read_at__isnull=True, subject_kind=subject_kind, kind__in=list(TIME_KINDS))
        .values_list("pk", "key", "user_id", "kind")
    )
    done = [
        (pk, user_id)
        for pk, key, user_id, kind in rows
        if key_base(key) not in live or (kind == NoticeKind.STILL_WAITING and key_base(key) in quiet)
    ]
    if not done:
        return 0
    Notice.objects.across_teams().filter(pk__in=[pk for pk, _ in done]).update(read_at=timezone.now())
    transaction.on_commit(partial(_counts_push, user_ids=sorted({user_id for _, user_id in done})))
    return len(done)
