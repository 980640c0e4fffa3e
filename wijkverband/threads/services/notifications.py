"""The notices a discussion makes (wijkverband.work): mentions (by a post, or added by an edit),
confirmation requests, new activity for the thread's owner; and reading them by reading the thread
or confirming.

Never client data: a notice names the actor, the team and the thread, not the text.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wijkverband.core import rows
from wijkverband.core.locking import key_share_read, share_held
from wijkverband.tenancy.models import Membership
from wijkverband.threads.mentions import mention_words, mentioned_users
from wijkverband.threads.models import Event, Message, MessageRevision, ReadMarker, Thread
from wijkverband.work import tasks
from wijkverband.work.models import Notice, NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create, notices_done, notices_internal_set, notices_settle

#: What a discussion's notice says (wijkverband.work.serialise.register_notice_sentence): it names
#: the thread, never the message.
NOTICE_SENTENCES = {
    NoticeKind.MENTION: lambda: _("%(actor)s mentioned you in “%(title)s”"),
    NoticeKind.ACK_REQUEST: lambda: _("%(actor)s asks you to confirm a message in “%(title)s”"),
    NoticeKind.ACTIVITY: lambda: _("%(actor)s wrote in your thread “%(title)s”"),
}


def thread_subject(thread: Thread) -> Subject:
    """The thread as notices see it: representatives hear of it only when they may read it."""
    return Subject(
        team=thread.team,
        kind=SubjectKind.THREAD,
        id=thread.pk,
        title=thread.title,
        path=reverse("thread_detail", kwargs={"team_slug": thread.team.slug, "thread_id": thread.pk}),
        internal=not thread.representatives_read,
    )


def thread_internal_changed(thread: Thread) -> None:
    """The thread was closed or opened to client representatives, or its item marked internal or
    visible: its notices follow whether representatives read it (work.services.notices_internal_set:
    a representative mentioned in it loses the notice once it is closed to them)."""
    notices_internal_set(
        team=thread.team_id,
        subject_kind=SubjectKind.THREAD,
        subject_id=thread.pk,
        internal=not thread.representatives_read,
    )


def _shown_to(thread: Thread, recipients, *, seq: int) -> set[int]:
    """Who of `recipients` has read the thread to `seq` already: the live page showed them the
    message as it came and said so (read_marker_set) before this job got to it. Their markers held
    FOR SHARE (core.locking.share_held), those behind as well: a read under way is waited for and
    counted, and one that comes after waits for the notice and then reads it
    (thread_notifications_read). A person without a marker has not opened the thread."""
    recipients = sorted(set(recipients))
    if not recipients:
        return set()
    markers = (
        ReadMarker.objects.for_team(thread.team_id)
        .filter(thread=thread, user_id__in=recipients)
        .values_list("user_id", "seq")
    )
    return {user_id for user_id, read in share_held(markers) if read >= seq}


def _notify(kind: str, *, thread: Thread, message: Message, actor, recipients, shown_at: int | None = None) -> None:
    """shown_at: the notice (a mention, new activity) is read for whoever has read the thread this far
    (_shown_to): made read, neither pushed nor mailed. Not for a confirmation request, which asks
    more than reading (ack_request_read)."""
    subject = thread_subject(thread)
    # ?at=: the page around the message, however far back it is by the time the link is followed
    # (only the newest 200 are on the thread's own page).
    subject = Subject(**{**subject.__dict__, "path": f"{subject.path}?at={message.seq}#message-{message.pk}"})
    notices_create(
        kind=kind,
        subject=subject,
        recipients=recipients,
        actor=actor,
        key=f"{kind}:message:{message.pk}",
        seq=message.seq,
        read_by=() if shown_at is None else _shown_to(thread, recipients, seq=shown_at),
    )


class PostNotices:
    """The notices of one post, decided once and made in two steps, so that the one read they need
    goes to the database with the post's own last statements (wijkverband.core.rows.run;
    docs/realtime.md, "Cost of a post"): `check` is that read, or None, and `make()` writes or
    queues the notices once it has run. Both inside the post's transaction.

    A plain post: at most the thread owner's activity notice, which exists already while they have
    not looked (the check). A mention or a confirmation request can reach the whole team: that work
    (members, names, one notice each, their pushes and mails) is one job for the task worker,
    queued in this transaction, so the post costs what a plain post costs and the job exists
    exactly when the post does (docs/work.md).
    """

    def __init__(self, *, actor, thread: Thread, message: Message):
        self.actor, self.thread, self.message = actor, thread, message
        self.job = message.asks_ack or bool(mention_words(message.body))
        owner = thread.created_by_id
        # The job tells everyone, the owner included (post_notices); nobody is told of their own post.
        self.owner = owner if not self.job and owner and owner != actor.pk else None
        self.check = None if self.owner is None else _activity_pending_statement(self.owner, thread)

    def make(self) -> None:
        if self.job:
            tasks.enqueue_in_transaction(POST_NOTICES_JOB, self.message.pk)
            return
        if self.owner is None:
            return
        if self.check.result is None:
            raise RuntimeError("PostNotices.make: run its check first")
        if not self.check.result:
            _notify(
                NoticeKind.ACTIVITY, thread=self.thread, message=self.message, actor=self.actor, recipients=[self.owner]
            )


POST_NOTICES_JOB = "wijkverband.threads.services.notifications.post_notices"


def _live_message(message_id: int) -> Message | None:
    return (
        Message.objects.across_teams()  # the job knows only the message's id; its thread names the team
        .select_related("thread", "thread__team", "author")
        .filter(pk=message_id, deleted_at__isnull=True)
        .first()
    )


def _thread_held(message: Message) -> Thread:
    """The message's thread as it is now, held FOR KEY SHARE until the job's transaction ends. Who
    reads it (opened to client representatives, not internal) is what a closing changes, holding the
    thread FOR UPDATE (thread_set_open_to_representatives, thread_subject_update): a closing under way
    is waited for and read as it committed, so a representative mentioned just before is left out,
    and one that comes while the job writes waits for it and takes the notice away
    (notices_internal_set). Without it the job read the thread as committed while the closing was
    under way, and wrote the representative's notice after the closing had taken away the others':
    it stayed, linking to a thread that is a 404 to them. A post only updates the thread (its number):
    it does not wait for the job, nor the job for it."""
    return key_share_read(Thread.objects.for_team(message.team_id), pk=message.thread_id, related=("team",))


def _reading_memberships(thread: Thread) -> list[Membership]:
    """The memberships of the team's people who read the thread (with their users and organisations,
    which mentions are matched against)."""
    memberships = list(
        Membership.objects.for_team(thread.team_id)
        .select_related("user", "organisation")
        .filter(user__is_active=True)
        .exclude(role=Membership.Role.EXTERNAL_PARTY)  # reads no discussion
    )
    if not thread.representatives_read:
        memberships = [m for m in memberships if m.role != Membership.Role.CLIENT_REPRESENTATIVE]
    return memberships


@transaction.atomic
def post_notices(message_id: int) -> None:
    """The job: the notices of a post that mentions people or asks for confirmation.

    Safe to run twice (a worker that died, a retry): every notice has its key per message and
    person. A message deleted before the job ran tells nobody. Who reads the thread is read with
    the thread held (_thread_held), in the job's one transaction."""
    message = _live_message(message_id)
    if message is None:
        return
    thread, actor = _thread_held(message), message.author
    owner = thread.created_by_id
    needs_owner_check = bool(owner) and owner != actor.pk
    memberships = _reading_memberships(thread)
    readers = {m.user_id for m in memberships} - {actor.pk}
    mentioned = mentioned_users(message.body, memberships) & readers
    professionals = {m.user_id for m in memberships if m.role != Membership.Role.CLIENT_REPRESENTATIVE} - {actor.pk}
    # Who read the thread as the message came (its live page said so before this job ran) saw it.
    _notify(NoticeKind.MENTION, thread=thread, message=message, actor=actor, recipients=mentioned, shown_at=message.seq)
    if message.asks_ack:
        _notify(
            NoticeKind.ACK_REQUEST, thread=thread, message=message, actor=actor, recipients=professionals - mentioned
        )
    if (
        needs_owner_check
        and owner in readers
        and not (owner in mentioned or (message.asks_ack and owner in professionals))
    ):
        if not _activity_pending(owner, thread):
            _notify(
                NoticeKind.ACTIVITY,
                thread=thread,
                message=message,
                actor=actor,
                recipients=[owner],
                shown_at=message.seq,
            )


EDIT_NOTICES_JOB = "wijkverband.threads.services.notifications.edit_notices"


def edit_notices_queue(*, message: Message, revision: MessageRevision) -> None:
    """An edit that may mention people its earlier text did not (`revision`, the text it replaced):
    the job telling them, in the edit's transaction, as a post queues its own (PostNotices). An
    edit whose mention words are all in the earlier text mentions nobody new: no job."""
    if mention_words(message.body) - mention_words(revision.body):
        tasks.enqueue_in_transaction(EDIT_NOTICES_JOB, message.pk, revision.pk)


@transaction.atomic
def edit_notices(message_id: int, revision_id: int) -> None:
    """The job: the mentions an edit added tell those people, as a post's mentions do (readers of the
    thread only, never the author; the notice names the thread, not the text).

    Who the text mentions now (by the time the job runs), less whom the text it replaced mentioned;
    anyone told of this message's mention before (by the post or an earlier edit) keeps that one
    notice and is not told again (the key is the message's). Safe to run twice; a message deleted
    before the job ran tells nobody. The thread held as post_notices holds it (_thread_held)."""
    message = _live_message(message_id)
    if message is None:
        return
    thread = _thread_held(message)
    before = (
        MessageRevision.objects.for_team(message.team_id)
        .filter(pk=revision_id, message=message)
        .values_list("body", flat=True)
        .first()
    )
    actor = message.author
    memberships = _reading_memberships(thread)
    readers = {m.user_id for m in memberships} - {actor.pk}
    mentioned = mentioned_users(message.body, memberships) - mentioned_users(before or "", memberships)
    # Read by who was shown the text as it is now: their marker past its newest edit, not the message.
    shown_at = (
        Event.objects.for_team(message.team_id).filter(message=message).order_by("-seq").values_list("seq", flat=True)
    ).first()
    _notify(
        NoticeKind.MENTION,
        thread=thread,
        message=message,
        actor=actor,
        recipients=mentioned & readers,
        shown_at=shown_at,
    )


def _activity_pending(owner: int, thread: Thread) -> bool:
    """Whether the thread's owner still has an unread 'new activity' notice for it."""
    return rows.run(_activity_pending_statement(owner, thread))[0]


def _activity_pending_statement(owner: int, thread: Thread) -> rows.Exists:
    # On every post that is not the owner's: written out once (wijkverband.core.rows), scoped to
    # the thread's team as Notice.objects.for_team would.
    return rows.Exists(
        Notice,
        team_id=thread.team_id,
        user_id=owner,
        subject_kind=SubjectKind.THREAD,
        subject_id=thread.pk,
        kind=NoticeKind.ACTIVITY,
        null=("read_at",),
    )


def thread_notifications_read(*, actor, thread: Thread, upto_seq: int) -> None:
    """The person read the thread up to this seq: their mentions and activity notices there are read.

    A confirmation request stays until it is confirmed (ack_request_read).
    """
    notices_settle(
        user=actor,
        subject_kind=SubjectKind.THREAD,
        subject_id=thread.pk,
        kinds=[NoticeKind.MENTION, NoticeKind.ACTIVITY],
        seq=upto_seq,
    )


def ack_request_read(*, actor, message: Message) -> None:
    """The person confirmed the message: its confirmation request is read, and so is its mention of
    them (which is their request when it named them: post_notices sends one notice, not two).
    Confirmed from Mijn werk, without opening the thread, the mention stayed unread."""
    notices_settle(
        user=actor,
        subject_kind=SubjectKind.THREAD,
        subject_id=message.thread_id,
        kinds=[NoticeKind.ACK_REQUEST, NoticeKind.MENTION],
        keys=[f"{kind}:message:{message.pk}" for kind in (NoticeKind.ACK_REQUEST, NoticeKind.MENTION)],
    )


def ack_request_withdrawn(*, message: Message) -> None:
    """The message that asked for confirmation was deleted: it can no longer be confirmed, so its
    requests are done for everyone who got them (Mijn werk no longer lists it either)."""
    notices_done(
        team=message.team_id,
        subject_kind=SubjectKind.THREAD,
        subject_id=message.thread_id,
        kinds=[NoticeKind.ACK_REQUEST],
        key=f"{NoticeKind.ACK_REQUEST}:message:{message.pk}",
    )


def rights_narrowed(*, user, team_ids, actor=None) -> None:
    """`user` may do less in these teams (core.registry.rights_narrowed). Where they may no longer
    post (a member made client representative or external party), they can confirm nothing: their
    open confirmation requests there are read, as Mijn werk no longer lists them
    (selectors.confirmations_asked_of). Read, not taken away: the thread may still be theirs to read
    (one opened to representatives; work.services.rights_narrowed takes those they may not), and a
    role that posts again lists the message in Mijn werk again, since it still asks."""
    posting = Membership.objects.across_teams().filter(
        user=user, team_id__in=list(team_ids), role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR]
    )
    asked = (
        Notice.objects.across_teams()
        .filter(user=user, team_id__in=list(team_ids), kind=NoticeKind.ACK_REQUEST, read_at__isnull=True)
        .exclude(team_id__in=posting.values("team_id"))
        .values_list("team_id", "subject_id")
        .distinct()
    )
    for team_id, thread_id in list(asked):
        notices_done(
            team=team_id,
            subject_kind=SubjectKind.THREAD,
            subject_id=thread_id,
            kinds=[NoticeKind.ACK_REQUEST],
            user_ids=[user.pk],
        )
