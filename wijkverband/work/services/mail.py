"""E-mail through a durable outbox (the `Mail` table) sent by the task worker: the mails of
notices, digests, invitations and account mails (a password reset, a new address's link).

- Sent at once (in the worker, a moment after the commit): a mention while the person is not
  online, being asked to own a bottleneck, an escalation to one's region. Each can be turned off
  on its own (NoticePreference), also with the one-click link in such a mail.
- Everything else goes into the person's digest (wijkverband.work.services.digests).

A mail is written to the outbox before it is sent. `key` is unique (the mail of one notice, one
digest of one period), so a notice is never mailed twice; a failing mail server puts the mail back
with a later `send_after`, so mail is delayed, never lost (`mails_send_due` runs every minute).
Links are absolute (settings.SITE_URL). A mail names who did what, in which team, on which item:
never message text or other free text (docs/work.md).

Invitations (tenancy) and account mails (accounts) sit below this app: they hand their rendered
mail to `outbox_put` through wijkverband.core.outbox, in the transaction of what caused it.
"""

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wijkverband.core.links import absolute
from wijkverband.core.outbox import MailState
from wijkverband.realtime import presence
from wijkverband.work import tasks
from wijkverband.work.models import Mail, Notice, NoticeKind, WorkerCount
from wijkverband.work.selectors import notice_preference

logger = logging.getLogger(__name__)

#: Notices mailed at once, and the preference that turns each off (the rest go into the digest).
IMMEDIATE = {
    NoticeKind.MENTION: "email_mentions",
    NoticeKind.OWNERSHIP_ASKED: "email_ownership",
    NoticeKind.ESCALATED: "email_escalations",
}
#: What a one-click unsubscribe link turns off: an immediate kind's preference, or the digest.
UNSUBSCRIBE_CATEGORIES = {*IMMEDIATE.values(), "digest"}
_UNSUBSCRIBE_SALT = "wijkverband.work.unsubscribe"

#: How long a sender may hold a mail before another may take it (a sender that died lets go).
LEASE = timedelta(minutes=5)
#: Waits after the 1st, 2nd, … failed attempt; the last one repeats: mail is never given up.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))


# --- unsubscribe links ---------------------------------------------------------------------------


def unsubscribe_token(*, user_id: int, category: str) -> str:
    if category not in UNSUBSCRIBE_CATEGORIES:
        raise ValueError(f"Unknown e-mail category {category!r}")
    return signing.dumps({"u": user_id, "c": category}, salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, category) of a link we signed, or None for anything else (tampered, made up)."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in UNSUBSCRIBE_CATEGORIES or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["c"]


def unsubscribe_url(*, user_id: int, category: str) -> str:
    return absolute(
        reverse("notice_unsubscribe", kwargs={"token": unsubscribe_token(user_id=user_id, category=category)})
    )


# --- the mails of notices ---------------------------------------------------------------------------


def notices_committed(*, key: str, kind: str, user_ids: list[int]) -> None:
    """After a change committed: mail the urgent notices, in the worker (nothing waits here)."""
    if kind in IMMEDIATE:
        tasks.enqueue("wijkverband.work.services.mail.notices_mail", key, user_ids)


def notice_line(notice: Notice, *, with_team: bool = True) -> str:
    """One line saying what happened, on which item, in which team, and by whom: no free text.

    with_team=False: without the team, for a line under a heading that names it (the digest's
    "== Utrecht Oost =="), where "(Utrecht Oost)" at the end of every line said it again.

    What nobody did (a reminder, a target passed, a review date) names nobody: signed "Wijkverband",
    the Dutch word for the team, it read as the team's doing."""
    sentence = notice.sentence
    if sentence is not None:
        return f"{sentence} ({notice.team.name})" if with_team else sentence
    values = {"what": notice.label, "title": notice.shown_title, "team": notice.team.name}
    if not with_team:
        if notice.actor_name is None:
            return _("%(what)s · “%(title)s”") % values
        return _("%(actor)s · %(what)s · “%(title)s”") % {"actor": notice.actor_name, **values}
    if notice.actor_name is None:
        return _("%(what)s · “%(title)s” in %(team)s") % values
    return _("%(actor)s · %(what)s · “%(title)s” in %(team)s") % {"actor": notice.actor_name, **values}


_REASONS = {
    "email_mentions": lambda: _("You get this e-mail because you were mentioned while you were not online."),
    "email_ownership": lambda: _("You get this e-mail because you were asked to own a bottleneck."),
    "email_escalations": lambda: _("You get this e-mail because a bottleneck was escalated to your region."),
}


def mail_language(user) -> str:
    """The language of what is mailed to a person: the one they last chose with the switch, or the
    product's first language (accounts.User.language)."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _notice_mail(notice: Notice, category: str) -> tuple[str, str]:
    with translation.override(mail_language(notice.user)):
        sentence = notice.sentence
        if sentence is not None:
            subject = f"{sentence} ({notice.team.name})"
        else:
            subject = _("%(what)s: “%(title)s” (%(team)s)") % {
                "what": notice.label,
                "title": notice.shown_title,
                "team": notice.team.name,
            }
        body = "\n\n".join(
            [
                notice_line(notice),
                _("Open it here (you will be asked to sign in): %(link)s") % {"link": absolute(notice.path)},
                _REASONS[category](),
                _("Stop these e-mails with one click: %(link)s")
                % {"link": unsubscribe_url(user_id=notice.user_id, category=category)},
            ]
        )
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body


def notices_mail(key: str, user_ids: list[int]) -> int:
    """The task: write the mails of one event's notices that are mailed at once, then send them.

    A mention goes out only while the person is not online (else they see it in the app, and the
    digest names it if it stays unread). Returns the number of mails written now.
    """
    notices = list(
        Notice.objects.across_teams()
        .filter(key=key, user_id__in=user_ids, kind__in=list(IMMEDIATE), emailed_at__isnull=True, user__is_active=True)
        .select_related("user", "team", "actor")
    )
    written = []
    for notice in notices:
        category = IMMEDIATE[notice.kind]
        if not getattr(notice_preference(user=notice.user), category):
            continue
        if notice.kind == NoticeKind.MENTION and presence.user_online(notice.user_id):
            continue
        subject, body = _notice_mail(notice, category)
        with transaction.atomic():
            mail, created = Mail.objects.get_or_create(
                key=f"notice:{notice.pk}",
                defaults={"user_id": notice.user_id, "to": notice.user.email, "subject": subject, "body": body},
            )
            Notice.objects.for_team(notice.team_id).filter(pk=notice.pk).update(emailed_at=timezone.now())
        if created:
            written.append(mail.pk)
    for mail_id in written:
        mail_send(mail_id)
    return len(written)


# --- mails of the layers below (wijkverband.core.outbox) -------------------------------------------


def outbox_put(*, key: str, to: str, subject: str, body: str, user_id: int | None = None) -> None:
    """Write a rendered mail in the caller's transaction; after the commit the worker sends it."""
    mail = Mail.objects.create(key=key, to=to, subject=subject, body=body, user_id=user_id)
    transaction.on_commit(lambda: tasks.enqueue("wijkverband.work.services.mail.mail_send", mail.pk))


def outbox_states(*, keys: list[str]) -> dict[str, MailState]:
    rows = Mail.objects.filter(key__in=keys).values_list("key", "sent_at", "send_after", "attempts", "refused_at")
    return {
        key: MailState(
            sent_at=sent_at,
            send_after=send_after,
            failures=0 if sent_at else attempts,
            refused_at=refused_at,
        )
        for key, sent_at, send_after, attempts, refused_at in rows
    }


@contextmanager
def mail_withheld() -> Iterator[None]:
    """Nothing written inside is ever mailed, whatever EMAIL_BACKEND is: for demo data
    (`manage.py seed_demo`), whose notices go to made-up addresses, or to anyone else it names.

    Run inside the caller's transaction: at its end the notices written inside count as mailed at
    once and in a digest (`emailed_at`, `digested_at`), so neither the mail job the commit queues
    (notices_mail) nor a digest takes them up; an outbox mail written inside (none, unless a job
    ran in it) is taken out unsent. They stay in the app as notices."""
    last_notice = Notice.objects.across_teams().aggregate(last=Max("pk"))["last"] or 0
    last_mail = Mail.objects.aggregate(last=Max("pk"))["last"] or 0
    with tasks.jobs_at_once():  # a post's notice job: at once, so its notices are marked below
        yield
    now = timezone.now()
    Notice.objects.across_teams().filter(pk__gt=last_notice).update(emailed_at=now, digested_at=now)
    Mail.objects.filter(pk__gt=last_mail, sent_at__isnull=True).delete()


# --- sending ---------------------------------------------------------------------------------------


def _claim(mail_id: int) -> Mail | None:
    now = timezone.now()
    claimed = (
        Mail.objects.filter(pk=mail_id, sent_at__isnull=True, refused_at__isnull=True, send_after__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE)
    )
    return Mail.objects.filter(pk=mail_id).first() if claimed else None


def _message(mail: Mail) -> EmailMessage:
    headers = {
        # The same id on every attempt: a receiving server that got it already can drop the copy.
        "Message-ID": f"<mail-{mail.pk}.{mail.key.replace(':', '-')}@{settings.MAIL_ID_DOMAIN}>",
    }
    category = _category_of(mail)
    if category is not None:
        url = unsubscribe_url(user_id=mail.user_id, category=category)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return EmailMessage(mail.subject, mail.body, None, [mail.to], headers=headers)


def _category_of(mail: Mail) -> str | None:
    if mail.key.startswith("digest:"):
        return "digest"
    if mail.key.startswith("notice:"):
        kind = Notice.objects.across_teams().filter(pk=mail.key.split(":", 1)[1]).values_list("kind", flat=True).first()
        return IMMEDIATE.get(kind)
    return None


def refused_for_good(error: Exception) -> bool:
    """The mail server refused every recipient with a permanent (5xx) answer: the address does not
    exist or takes no mail. Trying again would be refused again. A 4xx (a full mailbox, greylisting)
    and every other failure (the server down, a timeout) are worth another attempt."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return False
    return all(isinstance(answer, tuple) and int(answer[0]) >= 500 for answer in error.recipients.values())


def mail_send(mail_id: int) -> bool:
    """Send one mail from the outbox if it is due and nobody else holds it. True when it went out.

    Once it went out, or the server refused it for good, its body is emptied: an invitation's or a
    password reset's link is a secret that must not stay in the outbox (Mail's docstring)."""
    mail = _claim(mail_id)
    if mail is None:
        return False
    if mail.key.startswith(INVITATION_PREFIX) and _invitation_closed(mail):
        return False
    try:
        _message(mail).send()
    except Exception as error:  # noqa: BLE001 - any failure: try again later, never lose the mail
        now = timezone.now()
        refused = refused_for_good(error)
        delay = RETRY_DELAYS[min(mail.attempts, len(RETRY_DELAYS) - 1)]
        with transaction.atomic():
            Mail.objects.filter(pk=mail.pk).update(
                attempts=mail.attempts + 1,
                last_error=type(error).__name__[:200],
                send_after=now + delay,
                claimed_until=None,
                **({"refused_at": now, "body": ""} if refused else {}),
            )
            _worker_count_add(WorkerCount.MAIL_SEND_FAILURES)
            _trouble(mail, refused=refused, now=now)
        if refused:
            logger.warning("work: mail %s refused for good by the mail server; not tried again", mail.pk)
        else:
            logger.warning("work: mail %s failed (attempt %s); again in %s", mail.pk, mail.attempts + 1, delay)
        return False
    # Sent: an error of an earlier attempt no longer applies (the admin showed a sent mail with
    # "ConnectionRefusedError"); `attempts` still says how many it took.
    Mail.objects.filter(pk=mail.pk).update(
        sent_at=timezone.now(), claimed_until=None, attempts=mail.attempts + 1, last_error="", body=""
    )
    if mail.attempts and mail.key.startswith(INVITATION_PREFIX):
        from wijkverband.work.services import invitations

        invitations.invitation_mail_sent(invitation_id=int(mail.key.removeprefix(INVITATION_PREFIX)))
    return True


#: The outbox key of an invitation's mail (tenancy.services.invitation_create writes it).
INVITATION_PREFIX = "invitation:"


def _invitation_closed(mail: Mail) -> bool:
    """An invitation withdrawn, replaced or accepted while its mail waited (a mail server that was
    down): its link would only say so. The mail is not sent, nor tried again (`outbox_withdraw`).
    Withdrawing and replacing say so at once; this catches an invitation that closed otherwise."""
    from wijkverband.work.services import invitations

    invitation_id = int(mail.key.removeprefix(INVITATION_PREFIX))
    if invitations.invitation_open(invitation_id=invitation_id):
        return False
    outbox_withdraw(keys=[mail.key])
    logger.info("work: mail %s not sent: its invitation was withdrawn, replaced or accepted", mail.pk)
    return True


def outbox_withdraw(*, keys: list[str]) -> None:
    """Mails no longer wanted (core.outbox.mail_withdraw): one still waiting is never sent, its body
    (the link) emptied; a "not mailed yet" notice about an invitation's is done."""
    from wijkverband.work.services import invitations

    waiting = Mail.objects.filter(key__in=keys, sent_at__isnull=True, refused_at__isnull=True)
    waiting.update(refused_at=timezone.now(), claimed_until=None, body="", last_error="Withdrawn")
    for key in keys:
        if key.startswith(INVITATION_PREFIX):
            invitations.invitation_mail_sent(invitation_id=int(key.removeprefix(INVITATION_PREFIX)))


def _trouble(mail: Mail, *, refused: bool, now) -> None:
    """An attempt failed: the coordinator who invited hears of an invitation refused for good, or
    not mailed yet a while after it was made (work.services.invitations)."""
    if not mail.key.startswith(INVITATION_PREFIX):
        return
    from wijkverband.work.services import invitations

    invitations.invitation_mail_trouble(
        invitation_id=int(mail.key.removeprefix(INVITATION_PREFIX)), refused=refused, waited=now - mail.created_at
    )


def _worker_count_add(name: str) -> None:
    """Add one to a count of the worker's, in the database, where /metrics reads it (work/metrics.py)."""
    if WorkerCount.objects.filter(name=name).update(value=F("value") + 1):
        return
    _count, created = WorkerCount.objects.get_or_create(name=name, defaults={"value": 1})
    if not created:  # another process made the row a moment ago
        WorkerCount.objects.filter(name=name).update(value=F("value") + 1)


def mails_send_due(limit: int = 500) -> int:
    """The periodic sweep: send what is due (retries, and mails whose task was lost). Returns how many went out."""
    now = timezone.now()
    due = list(
        Mail.objects.filter(sent_at__isnull=True, refused_at__isnull=True, send_after__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(mail_send(mail_id) for mail_id in due)
    _invitations_late(now)
    return sent


def _invitations_late(now) -> None:
    """An invitation's mail still not out LATE_AFTER after it was made: its coordinator is told (once:
    the notice's key) at the minute's sweep, not only at the next failed attempt, which may come
    an hour later (RETRY_DELAYS)."""
    from wijkverband.work.services import invitations

    late = Mail.objects.filter(
        key__startswith=INVITATION_PREFIX,
        sent_at__isnull=True,
        refused_at__isnull=True,
        attempts__gt=0,
        created_at__lte=now - invitations.LATE_AFTER,
    ).values_list("key", "created_at")
    for key, created_at in late:
        invitations.invitation_mail_trouble(
            invitation_id=int(key.removeprefix(INVITATION_PREFIX)), refused=False, waited=now - created_at
        )
