"""Writes for threads and messages: one transaction each, an audit row, and a doorbell for live
clients on commit. The notices a post makes (mentions, confirmation requests, new activity):
wijkverband.threads.services.notifications, on wijkverband.work.

Sequenced changes (post, edit, delete, acknowledge) lock the thread row (select_for_update),
take thread.seq + 1 and append the Event in the same transaction, so the per-thread sequence is
gap-free and in commit order. ActionRefused.code is one of the protocol's error codes
(invalid, too_large, rate_limited); PermissionDenied means "forbidden".
"""

import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, router, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from wijkverband.audit.services import audit_record
from wijkverband.core import rows
from wijkverband.core.errors import ActionRefused
from wijkverband.core.guard import check_text
from wijkverband.core.markdown import render_message
from wijkverband.core.ratelimit import rate_limit_counting
from wijkverband.realtime import lifecycle, publish
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import team_rights
from wijkverband.threads.models import (
    Acknowledgement,
    Event,
    Message,
    MessageRevision,
    ReadMarker,
    SubjectKind,
    Thread,
)
from wijkverband.threads.policy import ThreadRights, thread_rights
from wijkverband.threads.serialise import display_name, dumps, event_dict, read_by_frame
from wijkverband.threads.services import notifications, numbered

# Read once at import; tests change the module attributes.
MAX_BODY_CHARS = settings.THREADS_MAX_BODY_CHARS
POSTS_PER_MINUTE = settings.THREADS_POSTS_PER_MINUTE
MAX_TITLE_LENGTH = 200


@dataclass(frozen=True)
class PostResult:
    message: Message
    created: bool

    @property
    def ack(self) -> dict:
        return {
            "type": "ack",
            "client_id": str(self.message.client_id),
            "message": self.message.pk,
            "seq": self.message.seq,
        }


def _rights(actor, thread: Thread) -> ThreadRights:
    return thread_rights(rights=team_rights(user=actor, team=thread.team), thread=thread)


def _require_post(actor, thread: Thread) -> ThreadRights:
    rights = _rights(actor, thread)
    if not rights.can_post:
        raise PermissionDenied
    return rights


def _require_post_locked(actor, team: Team, locked: Thread) -> None:
    """The right to post checked again on the thread's locked row, where it hangs on the thread: a
    region's overseer posts only while it is escalated. The check on the thread as the page read it
    let a post or a confirmation that waited for the escalation's end (thread_set_escalated holds
    the same lock) go in after it."""
    if not thread_rights(rights=team_rights(user=actor, team=team), thread=locked).can_post:
        raise PermissionDenied


def body_length(body: str) -> int:
    """A message's length as its limit counts it: characters (code points, as threads.js counts
    them with [...text]), a line break one however it was sent (a form sends CR LF)."""
    return len(body.replace("\r\n", "\n"))


def too_long_text(count) -> str:
    """Why a message is refused as too long, in characters people can check ("10 kB" they could
    not). `count` a number, or the placeholder threads.js fills in ("%(count)s")."""
    if not isinstance(count, str):
        count = number_format(count, force_grouping=True)
    return _("This message is too long: at most %(max)s characters, this one has %(count)s.") % {
        "max": number_format(MAX_BODY_CHARS, force_grouping=True),
        "count": count,
    }


def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise ActionRefused(_("A message must be text."), code="invalid")
    length = body_length(body)
    if length > MAX_BODY_CHARS:
        raise ActionRefused(too_long_text(length), code="too_large")
    if "\x00" in body:
        # PostgreSQL cannot store it, and no keyboard types it: refuse rather than fail.
        raise ActionRefused(_("A message cannot contain a NUL character."), code="invalid")
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ActionRefused(_("Write a message first."), code="invalid")
    return body


def _parse_client_id(client_id) -> uuid.UUID:
    if isinstance(client_id, uuid.UUID):
        return client_id
    if isinstance(client_id, str) and len(client_id) <= 40:
        try:
            return uuid.UUID(client_id)
        except ValueError:
            pass
    raise ActionRefused(_("The message has no valid client id."), code="invalid")


def _post_counting(actor):
    """Posts per minute per person, every worker together (fails open: wijkverband.core.ratelimit)."""
    return rate_limit_counting(f"threads.posts:{actor.pk}", limit=POSTS_PER_MINUTE, window_seconds=60)


class _TooFast(Exception):
    """A post past the rate limit, found before any of its writes: nothing was written."""


def _require_allowed(hit) -> None:
    if not hit.allowed():
        raise _TooFast


def _too_fast() -> ActionRefused:
    return ActionRefused(
        _("You are posting very fast: wait a moment and try again (at most %(n)d messages a minute).")
        % {"n": POSTS_PER_MINUTE},
        code="rate_limited",
    )


def _lock(thread: Thread) -> Thread:
    return Thread.objects.for_team(thread.team_id).select_for_update().get(pk=thread.pk)


def _take_seq(thread: Thread, now=None) -> tuple[int, "timezone.datetime"]:
    """Lock the thread row and take its next sequence number in one statement.

    UPDATE ... RETURNING holds the row lock until the transaction ends, like select_for_update,
    so concurrent writers of one thread queue here and numbers are gap-free in commit order (a
    rollback gives the number back). A post on PostgreSQL does this inside NumberedPost.
    """
    now = now or timezone.now()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Thread._meta.db_table)} SET {quote('seq')} = {quote('seq')} + 1, "  # noqa: S608 - names only
            f"{quote('last_activity_at')} = %s WHERE {quote('id')} = %s RETURNING {quote('seq')}",
            [now, thread.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Thread.DoesNotExist
    return row[0], now


def _append_event(*, locked: Thread, kind: str, message: Message, data: dict | None = None) -> Event:
    """Take the next sequence number of the (locked) thread and log the event; publish on commit."""
    seq, now = locked.seq + 1, timezone.now()
    Thread.objects.for_team(locked.team_id).filter(pk=locked.pk).update(seq=seq, last_activity_at=now)
    locked.seq = seq
    event = Event(
        team_id=locked.team_id, thread=locked, seq=seq, kind=kind, message=message, data=data or {}, created_at=now
    )
    rows.insert(event)
    _publish_on_commit(event)
    return event


def _publish_on_commit(event: Event) -> None:
    frame = dumps(event_dict(event))
    transaction.on_commit(partial(publish.thread_event, thread_id=event.thread_id, seq=event.seq, frame=frame))
    _team_activity_on_commit(event.thread)


def _team_activity_on_commit(thread: Thread) -> None:
    """The thread lists watching the team hear of it (its order and unread counts changed), also
    those that show other threads: a list follows only the threads of its own page."""
    transaction.on_commit(
        partial(publish.team_activity, team_id=thread.team_id, thread_id=thread.pk, opened=thread.representatives_read)
    )


def _existing_post(actor, client_id: uuid.UUID, thread: Thread) -> Message | None:
    # The client id is the author's own: whichever team it was used in (another thread is refused).
    message = Message.objects.across_teams().select_related("author").filter(author=actor, client_id=client_id).first()
    if message is not None and message.thread_id != thread.pk:
        raise ActionRefused(_("This client id was already used for another message."), code="invalid")
    return message


# --- threads -------------------------------------------------------------------------------------


def _clean_title(title) -> str:
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title:
        raise ActionRefused(_("Give the thread a title."))
    if len(title) > MAX_TITLE_LENGTH:
        raise ActionRefused(_("A title has at most %(n)d characters.") % {"n": MAX_TITLE_LENGTH})
    return title


@transaction.atomic
def thread_create(*, actor, team: Team, title: str, open_to_representatives: bool = False) -> Thread:
    """A team topic such as "Algemeen" or "Medicatieoverdracht"."""
    if not team_rights(user=actor, team=team).can_contribute:
        raise PermissionDenied
    title = _clean_title(title)
    thread = Thread.objects.create(
        team=team, title=title, open_to_representatives=bool(open_to_representatives), created_by=actor
    )
    audit_record(actor=actor, action="thread.created", team=team, target=thread, data={"title": title})
    _team_activity_on_commit(thread)
    return thread


def _check_subject(kind: str, subject_id) -> None:
    if kind not in (SubjectKind.AGREEMENT, SubjectKind.BOTTLENECK):
        raise ValueError(f"Unknown thread subject kind: {kind!r}")
    if not isinstance(subject_id, int) or subject_id <= 0:
        raise ValueError("subject_id must be a positive integer")


def thread_for_subject(
    *,
    team: Team,
    kind: str,
    subject_id: int,
    title: str,
    actor=None,
    open_to_representatives: bool = False,
    internal: bool = False,
) -> Thread:
    """The one thread of an agreement or bottleneck: found, or created if it is missing.

    For the apps that own those subjects: they call it in the transaction that creates the
    subject (so reading a subject's page never writes) and decide who may see the subject; this
    keys the thread by (team, kind, subject id) so there is exactly one. `internal` (an internal
    bottleneck) keeps client representatives out whatever open_to_representatives says.
    """
    _check_subject(kind, subject_id)
    existing = Thread.objects.for_team(team).filter(subject_kind=kind, subject_id=subject_id).first()
    if existing is not None:
        return existing
    title = _clean_title(title)
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                team=team,
                title=title,
                subject_kind=kind,
                subject_id=subject_id,
                open_to_representatives=open_to_representatives,
                internal=bool(internal),
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action="thread.created",
                team=team,
                target=thread,
                data={"kind": kind, "subject": subject_id},
            )
            return thread
    except IntegrityError:  # created concurrently by someone else: there is still exactly one
        return Thread.objects.for_team(team).get(subject_kind=kind, subject_id=subject_id)


def thread_subject_update(*, team: Team, kind: str, subject_id: int, title=None, internal=None) -> int:
    """Keep a subject's thread in step with its subject: its title (renamed) and whether it is internal.

    For the subjects' apps, inside their own transaction; one UPDATE, no audit row (the subject's
    own service records the change). Returns the number of threads changed (0 or 1).
    """
    _check_subject(kind, subject_id)
    changes = {}
    if title is not None:
        changes["title"] = _clean_title(title)
    if internal is not None:
        changes["internal"] = bool(internal)
    if not changes:
        return 0
    threads = Thread.objects.for_team(team).filter(subject_kind=kind, subject_id=subject_id)
    if internal is not None:
        # Held FOR UPDATE, as a closing to representatives holds it: a mention's job under way (which
        # holds it FOR KEY SHARE) is waited for, and one that comes after reads it internal
        # (notifications._thread_held).
        list(threads.select_for_update().values_list("pk", flat=True))
    changed = threads.update(**changes)
    if internal is not None:
        for thread in threads.only("pk", "team_id", "open_to_representatives", "internal"):
            notifications.thread_internal_changed(thread)
    return changed


@transaction.atomic
def thread_set_open_to_representatives(
    *, actor, thread: Thread, open_to_representatives: bool, by_service: bool = False
) -> Thread:
    """by_service: on behalf of another service that checked the actor's rights itself (a
    bottleneck marked internal closes its thread); the audit row still names who did it."""
    if not by_service:
        rights = _rights(actor, thread)
        if not (rights.can_moderate or (rights.can_post and thread.created_by_id == actor.pk)):
            raise PermissionDenied
    locked = _lock(thread)
    if open_to_representatives and locked.internal:
        raise ActionRefused(_("This thread is about an internal item: client representatives never read it."))
    if locked.open_to_representatives and not open_to_representatives:
        lifecycle.thread_access_changed_on_commit(locked.pk)  # representatives following it lose it now
    locked.open_to_representatives = bool(open_to_representatives)
    locked.save(update_fields=["open_to_representatives"])
    notifications.thread_internal_changed(locked)
    audit_record(
        actor=actor,
        action="thread.representatives_opened" if open_to_representatives else "thread.representatives_closed",
        team=thread.team,
        target=locked,
    )
    thread.open_to_representatives = locked.open_to_representatives
    return thread


@transaction.atomic
def thread_set_escalated(*, actor, thread: Thread, escalated: bool) -> Thread:
    """For the bottlenecks app: an escalated bottleneck's thread lets the region's overseers post.

    actor: who escalated or ended the escalation, recorded in the audit row. A member of the team
    escalates; the escalation also ends when the region's overseer answering it hands it back.
    (None: on behalf of another service that checked its own rights.)
    """
    rights = team_rights(user=actor, team=thread.team) if actor is not None else None
    if rights is not None and not (rights.can_contribute or (not escalated and rights.can_oversee)):
        raise PermissionDenied
    locked = _lock(thread)
    if locked.escalated and not escalated:
        lifecycle.thread_access_changed_on_commit(locked.pk)  # overseers' sockets lose the right to post
    locked.escalated = bool(escalated)
    locked.save(update_fields=["escalated"])
    audit_record(
        actor=actor, action="thread.escalated" if escalated else "thread.deescalated", team=thread.team, target=locked
    )
    thread.escalated = locked.escalated
    return thread


# --- messages ------------------------------------------------------------------------------------


def message_post(*, actor, thread: Thread, body, client_id, asks_ack: bool = False) -> PostResult:
    """Post a message. Posting the same client_id again returns the same result and creates nothing."""
    client_uuid = _parse_client_id(client_id)
    _require_post(actor, thread)
    body = _clean_body(body)
    # Counted before any write, so the thread's lock is not held across the Redis round trip and a
    # refused post costs the database nothing. The count is sent now and its answer read just
    # before the first write: the post is built during the round trip (docs/realtime.md, "Cost of
    # a post"). A repeat of a post that is in already gets its answer, counted or not.
    try:
        with _post_counting(actor) as hit:
            return _message_post_locked(
                actor=actor, thread=thread, body=body, client_id=client_uuid, asks_ack=bool(asks_ack), hit=hit
            )
    except _TooFast:
        existing = _existing_post(actor, client_uuid, thread)
        if existing is not None:
            return PostResult(existing, created=False)
        raise _too_fast() from None
    except IntegrityError:
        # The same client id committed concurrently (two sockets, one double click): same answer.
        existing = _existing_post(actor, client_uuid, thread)
        if existing is None:
            raise
        return PostResult(existing, created=False)


@transaction.atomic
def _message_post_locked(*, actor, thread, body, client_id, asks_ack, hit) -> PostResult:
    # The hot path of the live threads (docs/realtime.md, "Cost of a post"): lock and number with
    # the inserts, and no look-up for a repeated client id first. A repeat (retry, reconnect,
    # double click) hits the unique (author, client_id) constraint instead: the transaction rolls
    # back, giving the number back, and message_post answers with the first message.
    if not team_rights(user=actor, team=thread.team).can_contribute:
        _require_post_locked(actor, thread.team, _lock(thread))  # an overseer's: only while it is escalated
    now = timezone.now()
    # Inserted by SQL written out once (wijkverband.core.rows): the ORM would build the inserts
    # anew for every post, and its team-scoped manager a team filter the insert ignores. The
    # number is taken with them (numbered.NumberedPost).
    message = Message(
        team_id=thread.team_id,
        thread_id=thread.pk,
        author=actor,
        client_id=client_id,
        body=body,
        body_html=str(render_message(body)),
        seq=None,
        asks_ack=asks_ack,
        created_at=now,
    )
    event = Event(team_id=thread.team_id, thread=thread, seq=None, kind=Event.Kind.MESSAGE_CREATED, created_at=now)
    writes = _numbered_writes(thread, message, event, now, hit)
    notices = notifications.PostNotices(actor=actor, thread=thread, message=message)
    if isinstance(writes[0], numbered.NumberedPost):
        message_id, seq = writes[0].audited()
    else:
        message_id, seq = None, message.seq
    _require_allowed(hit)  # the rate limit's answer, before the first write
    # Last: the team's audit chain is locked from here until the commit. The number, the message,
    # its event and the owner's notice check go to the database in the same round trip as the
    # audit row (docs/realtime.md, "Cost of a post").
    audit_record(
        actor=actor,
        action="message.posted",
        team=thread.team_id,
        target=message,
        target_id=message_id,
        data={"thread": thread.pk, "seq": seq},
        along=writes if notices.check is None else (*writes, notices.check),
    )
    message.author = actor
    message.thread = thread
    _publish_on_commit(event)
    notices.make()
    return PostResult(message, created=True)


def _numbered_writes(thread: Thread, message: Message, event: Event, now, hit) -> tuple[rows.Statement, ...]:
    """The statements that number the post and insert its message and event, to send with the
    audit row: on PostgreSQL all of it in one (numbered.NumberedPost). Elsewhere the
    number and the message are written now, one statement each (after the rate limit's answer,
    `hit`), and the event goes along."""
    if numbered.possible(router.db_for_write(Message)):
        return (numbered.NumberedPost(thread=thread, message=message, event=event, now=now),)
    _require_allowed(hit)
    seq, _now = _take_seq(thread, now)
    message.seq = event.seq = thread.seq = seq
    rows.insert(message)
    event.message = message
    return (rows.Insert(event),)


def _require_author_or_moderator(actor, message: Message, *, moderator_allowed: bool) -> bool:
    """True when the right is the author's (checked again once the thread is locked:
    _require_author_locked), False when it is a moderator's."""
    rights = _rights(actor, message.thread)
    if moderator_allowed and rights.can_moderate:
        return False
    if message.author_id == actor.pk and rights.can_post:
        return True
    raise PermissionDenied


def _require_author_locked(actor, message: Message, locked: Thread) -> None:
    """An author's right to change their message is their right to post, checked again on the
    thread's locked row as a post's is (_require_post_locked): a region overseer's edit or
    deletion that waited for the escalation's hand-back went in after it."""
    _require_post_locked(actor, message.thread.team, locked)


@transaction.atomic
def message_edit(*, actor, message: Message, body) -> Message:
    """Replace the text; the earlier text is kept as a revision and the message shows as edited."""
    _require_author_or_moderator(actor, message, moderator_allowed=False)
    body = _clean_body(body)
    locked = _lock(message.thread)
    _require_author_locked(actor, message, locked)
    current = Message.objects.for_team(message.team_id).select_for_update().get(pk=message.pk)
    if current.deleted_at is not None:
        raise ActionRefused(_("This message has been deleted and can no longer be edited."))
    if current.body == body:
        return current
    revision = MessageRevision.objects.create(
        team_id=current.team_id, message=current, body=current.body, body_html=current.body_html, replaced_by=actor
    )
    current.body = body
    current.body_html = str(render_message(body))
    current.edited_at = timezone.now()
    current.save(update_fields=["body", "body_html", "edited_at"])
    current.author = message.author
    _append_event(locked=locked, kind=Event.Kind.MESSAGE_EDITED, message=current)
    audit_record(actor=actor, action="message.edited", team=current.team_id, target=current)
    notifications.edit_notices_queue(message=current, revision=revision)  # the people it newly mentions
    return current


def may_redact(rights: ThreadRights, message: Message, actor) -> bool:
    """The author (while they may post) and the thread's moderators (coordinators)."""
    return (rights.can_post and message.author_id == actor.pk) or rights.can_moderate


@transaction.atomic
def message_redact(*, actor, message: Message, body, reason) -> Message:
    """Take client data out of a message that got in: its text becomes `body`, and the text of every
    earlier version of it is removed. Readers see the new text live. The audit row says who, when
    and why (`reason`), never what was there."""
    rights = _rights(actor, message.thread)
    if not may_redact(rights, message, actor):
        raise PermissionDenied
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ActionRefused(_("Say why the text is removed, such as “it held a BSN”."), field="reason")
    if len(reason) > 300:
        raise ActionRefused(_("Keep the reason under 300 characters."), field="reason")
    check_text(reason, field="reason", label=_("reason"))
    body = _clean_body(body)
    locked = _lock(message.thread)
    if not rights.can_moderate:
        _require_author_locked(actor, message, locked)
    current = Message.objects.for_team(message.team_id).select_for_update().get(pk=message.pk)
    if current.deleted_at is not None:
        raise ActionRefused(_("This message has been deleted: its text is no longer shown to anyone."))
    now = timezone.now()
    MessageRevision.objects.for_team(current.team_id).filter(message=current).update(
        body="", body_html="", redacted_at=now
    )
    current.body = body  # checked by the guard when saved: client data left in is refused
    current.body_html = str(render_message(body))
    current.edited_at = current.redacted_at = now
    current.save(update_fields=["body", "body_html", "edited_at", "redacted_at"])
    current.author = message.author
    _append_event(locked=locked, kind=Event.Kind.MESSAGE_EDITED, message=current)
    audit_record(actor=actor, action="message.redacted", team=current.team_id, target=current, data={"reason": reason})
    return current


@transaction.atomic
def message_delete(*, actor, message: Message) -> Message:
    """Delete by the author or a coordinator: a tombstone stays in the flow, the text is no longer shown."""
    as_author = _require_author_or_moderator(actor, message, moderator_allowed=True)
    locked = _lock(message.thread)
    if as_author:
        _require_author_locked(actor, message, locked)
    current = Message.objects.for_team(message.team_id).select_for_update().get(pk=message.pk)
    if current.deleted_at is not None:
        raise ActionRefused(_("This message has already been deleted."))
    current.deleted_at = timezone.now()
    current.deleted_by = actor
    current.save(update_fields=["deleted_at", "deleted_by"])
    current.author = message.author
    _append_event(locked=locked, kind=Event.Kind.MESSAGE_DELETED, message=current)
    if current.asks_ack:
        notifications.ack_request_withdrawn(message=current)
    audit_record(
        actor=actor,
        action="message.deleted",
        team=current.team_id,
        target=current,
        data={"by_author": actor.pk == current.author_id},
    )
    return current


@transaction.atomic
def message_acknowledge(*, actor, message: Message) -> Acknowledgement:
    """Confirm a message that asks for it. Confirming twice is harmless and changes nothing."""
    rights = _rights(actor, message.thread)
    if not rights.can_post:
        raise PermissionDenied
    if not message.asks_ack or message.deleted_at is not None:
        raise ActionRefused(_("This message does not ask for confirmation."))
    if message.author_id == actor.pk:
        raise ActionRefused(_("You cannot confirm your own message."))
    locked = _lock(message.thread)
    _require_post_locked(actor, message.thread.team, locked)
    # Read again now that the thread is ours: a deletion holds the same lock, and one that committed
    # while this waited was confirmed all the same, checked only as the page had read the message.
    deleted_at = Message.objects.for_team(message.team_id).filter(pk=message.pk).values_list("deleted_at", flat=True)
    if deleted_at.first() is not None:
        raise ActionRefused(_("This message has already been deleted."))
    existing = Acknowledgement.objects.for_team(message.team_id).filter(message=message, user=actor).first()
    if existing is not None:
        return existing
    ack = Acknowledgement.objects.create(team_id=message.team_id, message=message, user=actor)
    _append_event(
        locked=locked,
        kind=Event.Kind.ACK_ADDED,
        message=message,
        data={"message": message.pk, "user": {"id": actor.pk, "name": actor.name or actor.email}},
    )
    audit_record(actor=actor, action="message.acknowledged", team=message.team_id, target=message)
    notifications.ack_request_read(actor=actor, message=message)
    return ack


def read_marker_set(*, actor, thread: Thread, seq, announce: bool = True) -> int:
    """Move the person's read marker forward (never back). Returns the marker.

    Not audited: it changes nothing anyone else wrote, and happens on every glance at a thread.
    When it moved, the thread's viewers get a `read_by` frame (announce=False: the socket
    gathers its own, see wijkverband.realtime.ephemeral), and the person's mentions and
    new-activity notifications of the messages now read are read too (a confirmation request
    stays until it is confirmed).
    """
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ActionRefused(_("A read marker is a sequence number."), code="invalid")
    if not _rights(actor, thread).can_read:
        raise PermissionDenied
    head = Thread.objects.for_team(thread.team_id).filter(pk=thread.pk).values_list("seq", flat=True).first() or 0
    seq = min(seq, head)
    marker, created = ReadMarker.objects.for_team(thread.team_id).get_or_create(
        thread=thread, user=actor, defaults={"team_id": thread.team_id, "seq": seq}
    )
    moved = created and seq > 0
    if not created and seq > marker.seq:
        moved = bool(
            ReadMarker.objects.for_team(thread.team_id)
            .filter(pk=marker.pk, seq__lt=seq)
            .update(seq=seq, updated_at=timezone.now())
        )
        marker.seq = seq
    if moved and announce:
        frame = read_by_frame(thread.pk, [{"id": actor.pk, "name": display_name(actor), "seq": marker.seq}])
        transaction.on_commit(partial(publish.thread_ephemeral, thread_id=thread.pk, frame=frame))
    if moved:
        notifications.thread_notifications_read(actor=actor, thread=thread, upto_seq=marker.seq)
    return marker.seq
