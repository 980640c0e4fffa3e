"""The digest: one e-mail per person per period with every notice that was not mailed at once.

Each person chooses (NoticePreference.digest): daily (the default, from 07:30 Amsterdam time),
weekly (from Monday 07:30) or off. The job runs every quarter hour (schedules.py) and sends the
digests that are due: a person whose period started and who has no digest for it yet, and who has
something new from before that start: unread notices that were neither mailed at once nor in an
earlier digest. A
digest names, per notice, what happened, in which team, on which item, who did it, and links there
(absolute); never message text or other free text. It carries a signed one-click unsubscribe
link for the digest.

One digest per person per period, however often or concurrently the job runs: the mail's outbox
key is `digest:<person>:<frequency>:<first day of the period>` (unique), and a run claims the
person's preference row with SELECT ... FOR UPDATE SKIP LOCKED, so a second run at the same moment
skips that person instead of building the same digest.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkverband.work.models import Frequency, Mail, Notice, NoticePreference
from wijkverband.work.services import mail as outbox

#: A digest names at most this many notices; the rest are counted, with a link to the list.
DIGEST_LINES = 40
DIGEST_HOUR, DIGEST_MINUTE = 7, 30
_LENGTH = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
#: Older notices were due in an earlier digest (or the person had the digest off then): a digest
#: turned on again does not bring up old news.
OLDEST = timedelta(days=8)


def period_start(now: datetime, frequency: str) -> datetime:
    """The start of the digest period `now` is in: today's 07:30 (or yesterday's, before 07:30),
    for weekly the Monday 07:30 of this week (Amsterdam time)."""
    local = timezone.localtime(now)
    start = local.replace(hour=DIGEST_HOUR, minute=DIGEST_MINUTE, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        start -= timedelta(days=start.weekday())
    return start


def digest_key(*, user_id: int, frequency: str, start: datetime) -> str:
    return f"digest:{user_id}:{frequency}:{start.date().isoformat()}"


def _pending(*, user_id: int | None = None, since: datetime, until: datetime):
    """Notices a digest may name: unread, not mailed at once, in no digest yet."""
    rows = Notice.objects.across_teams().filter(  # a person's own notices, in all their teams
        read_at__isnull=True,
        emailed_at__isnull=True,
        digested_at__isnull=True,
        created_at__gte=since,
        created_at__lt=until,
    )
    return rows if user_id is None else rows.filter(user_id=user_id)


def digests_send_due(now: datetime | None = None) -> int:
    """The periodic job: write and send every digest that is due now. Returns how many were written."""
    now = now or timezone.now()
    people = sorted(
        set(_pending(since=now - OLDEST, until=now).filter(user__is_active=True).values_list("user_id", flat=True))
    )
    if not people:
        return 0
    # Everyone gets a preference row (the defaults), so a run can claim it.
    NoticePreference.objects.bulk_create([NoticePreference(user_id=pk) for pk in people], ignore_conflicts=True)
    written = [mail_id for pk in people if (mail_id := digest_write(user_id=pk, now=now)) is not None]
    for mail_id in written:
        outbox.mail_send(mail_id)
    return len(written)


def digest_write(*, user_id: int, now: datetime) -> int | None:
    """Write this person's digest for the period now is in, if it is due and something is new.

    Returns the outbox mail's id, or None (not due, nothing new, off, or another run has them)."""
    try:
        with transaction.atomic():
            preference = (
                NoticePreference.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(user_id=user_id)
                .first()
            )
            if preference is None or preference.digest not in _LENGTH or not preference.user.is_active:
                return None
            start = period_start(now, preference.digest)
            if preference.last_digest_at is not None and preference.last_digest_at >= start:
                return None
            key = digest_key(user_id=user_id, frequency=preference.digest, start=start)
            if Mail.objects.filter(key=key).exists():
                return None
            # Since the last digest (a missed day is not skipped), at most the longest period back.
            since = start - _LENGTH[preference.digest]
            if preference.last_digest_at is not None:
                since = min(since, preference.last_digest_at)
            since = max(since, now - OLDEST)
            # What came before the period started: the digest of 07:30 tells what happened since the
            # last one; what comes after it waits for the next.
            pending = _pending(user_id=user_id, since=since, until=start)
            notices = list(pending.select_related("team", "actor").order_by("team__name", "created_at", "pk"))
            if not notices:
                return None
            subject, body = _digest_mail(preference, notices)
            mail = Mail.objects.create(
                user_id=user_id, key=key, to=preference.user.email, subject=subject, body=body, created_at=now
            )
            Notice.objects.across_teams().filter(pk__in=[n.pk for n in notices]).update(digested_at=now)
            preference.last_digest_at = now
            preference.save(update_fields=["last_digest_at"])
            return mail.pk
    except IntegrityError:
        # The same digest written at the same moment by another run (its key is unique): theirs stands.
        return None


def _digest_mail(preference: NoticePreference, notices: list[Notice]) -> tuple[str, str]:
    user = preference.user
    with translation.override(outbox.mail_language(user)):
        count = len(notices)
        subject = ngettext("%(count)s new notification for you", "%(count)s new notifications for you", count) % {
            "count": count
        }
        # It tells what came before its period started (Monday 07:30, today 07:30): "this week"
        # read as the week that had only just begun.
        if preference.digest == Frequency.WEEKLY:
            intro = _("What is new for you from the past week, %(name)s:")
        else:
            intro = _("What is new for you since yesterday, %(name)s:")
        parts = [intro % {"name": user.name or user.email}]
        team = None
        for notice in notices[:DIGEST_LINES]:
            if notice.team_id != team:
                team = notice.team_id
                parts.append(f"== {notice.team.name} ==")
            # Under its team's heading: the line does not name the team again.
            parts.append(f"- {outbox.notice_line(notice, with_team=False)}\n  {outbox.absolute(notice.path)}")
        if count > DIGEST_LINES:
            more = count - DIGEST_LINES
            parts.append(ngettext("And %(count)s more.", "And %(count)s more.", more) % {"count": more})
        parts.append(
            _("All your notifications (you will be asked to sign in): %(link)s")
            % {"link": outbox.absolute(reverse("notification_list"))}
        )
        parts.append(
            _("You get this digest because it is on in your notification settings. Stop it with one click: %(link)s")
            % {"link": outbox.unsubscribe_url(user_id=user.pk, category="digest")}
        )
        body = "\n\n".join(parts)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body
