"""Notifications: created with a post (mentions, confirmation requests, new activity for the
thread's owner), pushed to the person's open pages after commit, read when the thread is read, and
the person's preferences. Mention e-mails for people who are not online: wijkverband.threads.services.mail.

Never client data: a notification names the actor, the team and the thread, not the text.
"""

from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wijkverband.audit.services import audit_record
from wijkverband.realtime import presence, publish
from wijkverband.tenancy.models import Membership
from wijkverband.threads import selectors
from wijkverband.threads.mentions import mention_words, mentioned_users
from wijkverband.threads.models import Message, Notification, NotificationPreference, Thread
from wijkverband.threads.serialise import dumps
from wijkverband.threads.services import mail


def notifications_for_post(*, actor, thread: Thread, message: Message, site_url: str) -> None:
    owner = thread.created_by_id
    needs_owner_check = bool(owner) and owner != actor.pk
    if not message.asks_ack and not mention_words(message.body):
        # The hot path (no mention, no confirmation asked): at most the thread owner's activity
        # notification, which exists already while they have not looked (one query).
        if needs_owner_check and not _activity_pending(owner, thread):
            _notify_owner(actor=actor, thread=thread, message=message, owner=owner)
        return
    memberships = list(
        Membership.objects.for_team(thread.team_id).select_related("user", "organisation").filter(user__is_active=True)
    )
    if not thread.representatives_read:
        memberships = [m for m in memberships if m.role != Membership.Role.CLIENT_REPRESENTATIVE]
    readers = {m.user_id for m in memberships} - {actor.pk}
    mentioned = mentioned_users(message.body, memberships) & readers
    professionals = {m.user_id for m in memberships if m.role != Membership.Role.CLIENT_REPRESENTATIVE} - {actor.pk}
    rows: list[Notification] = []
    kinds: dict[int, str] = {}
    for user_id in mentioned:
        rows.append(Notification(user_id=user_id, kind=Notification.Kind.MENTION))
        kinds[user_id] = Notification.Kind.MENTION
    if message.asks_ack:
        for user_id in professionals - mentioned:
            rows.append(Notification(user_id=user_id, kind=Notification.Kind.ACK_REQUEST))
            kinds[user_id] = Notification.Kind.ACK_REQUEST
    if needs_owner_check and owner in readers and owner not in kinds and not _activity_pending(owner, thread):
        rows.append(Notification(user_id=owner, kind=Notification.Kind.ACTIVITY))
        kinds[owner] = Notification.Kind.ACTIVITY
    _notifications_create(actor=actor, thread=thread, message=message, rows=rows, kinds=kinds, site_url=site_url)


def _activity_pending(owner: int, thread: Thread) -> bool:
    """Whether the thread's owner still has an unread 'new activity' notification for it."""
    return (
        Notification.objects.for_team(thread.team_id)
        .filter(user_id=owner, thread=thread, kind=Notification.Kind.ACTIVITY, read_at__isnull=True)
        .exists()
    )


def _notify_owner(*, actor, thread: Thread, message: Message, owner: int) -> None:
    """New activity on a thread someone opened: notify them if they still read it."""
    membership = Membership.objects.for_team(thread.team_id).filter(user_id=owner, user__is_active=True).first()
    if membership is None:
        return
    if membership.role == Membership.Role.CLIENT_REPRESENTATIVE and not thread.representatives_read:
        return
    rows = [Notification(user_id=owner, kind=Notification.Kind.ACTIVITY)]
    _notifications_create(
        actor=actor, thread=thread, message=message, rows=rows, kinds={owner: Notification.Kind.ACTIVITY}, site_url=""
    )


def _notifications_create(
    *, actor, thread: Thread, message: Message, rows: list, kinds: dict[int, str], site_url: str
) -> None:
    if not rows:
        return
    mentioned = {user_id for user_id, kind in kinds.items() if kind == Notification.Kind.MENTION}
    for row in rows:
        row.team_id = thread.team_id
        row.thread = thread
        row.message = message
        row.actor = actor
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    team_name = thread.team.name
    frames = {
        user_id: dumps(
            {
                "type": "notification",
                "kind": kind,
                "thread": thread.pk,
                "message": message.pk,
                "actor": actor.name or actor.email,
                "team": team_name,
                "url": reverse("thread_detail", kwargs={"team_slug": thread.team.slug, "thread_id": thread.pk}),
            }
        )
        for user_id, kind in kinds.items()
    }
    transaction.on_commit(
        partial(
            _notifications_deliver, frames=frames, mentioned=mentioned, actor=actor, thread=thread, site_url=site_url
        )
    )


def _notifications_deliver(
    *, frames: dict[int, str], mentioned: set[int], actor, thread: Thread, site_url: str
) -> None:
    for user_id, frame in frames.items():
        publish.user_push(user_id=user_id, frame=frame)
    if not mentioned:
        return
    offline = [uid for uid in mentioned if not presence.user_online(uid)]
    if not offline:
        return
    mail.mention_emails_queue(user_ids=offline, actor=actor, thread=thread, site_url=site_url)


def thread_notifications_read(*, actor, thread: Thread, upto_seq: int) -> None:
    """The person read the thread up to this seq: their mentions and activity notices there are read.

    A confirmation request stays until it is confirmed (ack_request_read).
    """
    # Usually matches nothing: a probe of the person's few unread rows (index user, read_at).
    seen = (
        Notification.objects.for_team(thread.team_id)
        .filter(
            user=actor,
            read_at__isnull=True,
            thread=thread,
            kind__in=[Notification.Kind.MENTION, Notification.Kind.ACTIVITY],
            message__seq__lte=upto_seq,
        )
        .update(read_at=timezone.now())
    )
    if seen:
        transaction.on_commit(partial(unread_count_push, user=actor))


def ack_request_read(*, actor, message: Message) -> None:
    """The person confirmed the message: its confirmation request is read."""
    if (
        Notification.objects.for_team(message.team_id)
        .filter(user=actor, message=message, kind=Notification.Kind.ACK_REQUEST, read_at__isnull=True)
        .update(read_at=timezone.now())
    ):
        transaction.on_commit(partial(unread_count_push, user=actor))


@transaction.atomic
def notifications_mark_read(*, actor, notification_ids: list[int] | None = None) -> int:
    # The person's own notifications, in all their teams.
    rows = Notification.objects.across_teams().filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    marked = rows.update(read_at=timezone.now())
    if marked:
        transaction.on_commit(partial(unread_count_push, user=actor))
    return marked


def unread_count_push(*, user) -> None:
    """Tell the person's open pages their number of unread notifications (the header's count)."""
    unread = selectors.user_unread_notification_count(user=user)
    publish.user_push(user_id=user.pk, frame=dumps({"type": "notifications", "unread": unread}))


@transaction.atomic
def notification_preferences_set(*, actor, email_mentions: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"email_mentions": bool(email_mentions)}
    )
    audit_record(actor=actor, action="notification_preferences.changed", data={"email_mentions": bool(email_mentions)})
    return preference
