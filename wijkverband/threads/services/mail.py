"""Mention e-mails for people who were not online when mentioned.

Sent by one background sender per process: the mail server is never waited for on the post path
(it runs before the poster gets their answer), and the order is kept. An e-mail names the actor and
the team and links to the thread: never the message text or the thread title, which may carry
client details.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wijkverband.tenancy.models import Membership, Team
from wijkverband.threads.models import Notification, NotificationPreference, Thread

logger = logging.getLogger(__name__)


def mention_emails_queue(*, user_ids: list[int], actor, thread: Thread, site_url: str) -> None:
    """Queue a mention e-mail for each of these people who still reads the team and has not turned them off.

    After the post's commit; marks their mention notifications as e-mailed.
    """
    if not user_ids:
        return
    muted = set(
        NotificationPreference.objects.filter(user_id__in=user_ids, email_mentions=False).values_list(
            "user_id", flat=True
        )
    )
    recipients = list(
        Membership.objects.for_team(thread.team_id)
        .filter(user_id__in=set(user_ids) - muted, user__is_active=True)
        .select_related("user")
    )
    if not recipients:
        return
    path = reverse("thread_detail", kwargs={"team_slug": thread.team.slug, "thread_id": thread.pk})
    link = (site_url.rstrip("/") + path) if site_url else path
    Notification.objects.for_team(thread.team_id).filter(
        user_id__in=[m.user_id for m in recipients],
        thread=thread,
        kind=Notification.Kind.MENTION,
        emailed_at__isnull=True,
    ).update(emailed_at=timezone.now())
    for membership in recipients:
        _mail_sender.submit(_mention_email_send, user=membership.user, actor=actor, team=thread.team, link=link)


_mail_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wv-mention-mail")


def mention_emails_wait(timeout: float = 10.0) -> None:
    """Wait until every mention e-mail queued so far was handed to the mail backend (tests, shutdown)."""
    _mail_sender.submit(lambda: None).result(timeout=timeout)


def _mention_email_send(*, user, actor, team: Team, link: str) -> None:
    # Never the message text or the thread title: an e-mail must not carry client details.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(actor)s mentioned you in %(team)s") % {"actor": actor.name or actor.email, "team": team.name}
        body = "\n\n".join(
            [
                _("%(actor)s mentioned you in a thread of %(team)s on Wijkverband.")
                % {"actor": actor.name or actor.email, "team": team.name},
                _("Read it here (you will be asked to sign in): %(link)s") % {"link": link},
                _(
                    "You get this e-mail because you were not online. "
                    "You can turn these e-mails off on your notifications page."
                ),
            ]
        )
    try:
        send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
    except Exception:  # noqa: BLE001 - the in-app notification is already there
        logger.warning("threads: mention e-mail to user %s failed", user.pk, exc_info=True)
