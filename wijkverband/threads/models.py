"""Threads (gesprekken), their messages and the per-thread event log.

Every change to a thread's flow (a message posted, edited, deleted, acknowledged) takes the next
number of the thread's own sequence in the writing transaction, with the thread row locked, and
appends an Event (thread, seq). The sequence is therefore gap-free and the Event table is the
replay log that live clients catch up from (docs/realtime.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.tenancy.models import Team
from wijkverband.tenancy.scoping import TeamScopedManager


class SubjectKind(models.TextChoices):
    TOPIC = "topic", _("Team topic")
    AGREEMENT = "agreement", _("Agreement")
    BOTTLENECK = "bottleneck", _("Bottleneck")


class Thread(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="threads", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=200)
    # What the thread is about: a topic of the team, or exactly one agreement or bottleneck.
    subject_kind = models.CharField(_("about"), max_length=20, choices=SubjectKind.choices, default=SubjectKind.TOPIC)
    subject_id = models.BigIntegerField(_("subject"), null=True, blank=True)
    open_to_representatives = models.BooleanField(_("open to client representatives"), default=False)
    # Set by the subject's app (an internal bottleneck): client representatives never read the
    # thread, whatever open_to_representatives says.
    internal = models.BooleanField(_("internal"), default=False)
    # Escalated (bottleneck) threads: the region's overseers may post, not only read.
    escalated = models.BooleanField(_("escalated"), default=False)
    seq = models.BigIntegerField(_("last sequence number"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "subject_kind", "subject_id"],
                condition=models.Q(subject_id__isnull=False),
                name="thread_one_per_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(subject_kind="topic", subject_id__isnull=True)
                | (~models.Q(subject_kind="topic") & models.Q(subject_id__isnull=False)),
                name="thread_subject_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def representatives_read(self) -> bool:
        """Whether client representatives read this thread (opened to them, and not internal)."""
        return self.open_to_representatives and not self.internal


class Message(models.Model):
    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {"body_html": "rendered from body, which is checked"}

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    # No index of their own: message_thread_seq starts with the thread, the client id's unique
    # constraint with the author. Every index is written with every post (docs/realtime.md).
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("thread"), db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"), db_index=False
    )
    # The idempotency key of a post: the same author posting the same client_id gets the same message.
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4)
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    seq = models.BigIntegerField(_("sequence number"))
    asks_ack = models.BooleanField(_("asks for confirmation"), default=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Client data was removed from this message and from every earlier version of it.
    redacted_at = models.DateTimeField(_("client data removed"), null=True, blank=True)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_id"], name="message_client_id_once_per_author"),
        ]
        indexes = [models.Index(fields=["thread", "seq"], name="message_thread_seq")]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.thread_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageRevision(models.Model):
    """An earlier text of an edited message: edits never lose what was said before."""

    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {
        # Checked when it was written; text from before the guard goes by redaction.
        "body": "a copy of what the message said before an edit",
        "body_html": "rendered from body",
    }
    #: Not checked on save, but scanned for client data (manage.py client_data_scan).
    CLIENT_DATA_SCAN = ("body",)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField()
    # When this text was replaced, and by whom.
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The text was removed because it held client data (message redaction); body is then empty.
    redacted_at = models.DateTimeField(null=True, blank=True)

    objects = TeamScopedManager()

    class Meta:
        ordering = ["replaced_at", "id"]

    def __str__(self) -> str:
        return f"revision of {self.message_id}"


class Acknowledgement(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="acknowledgement_once")]

    def __str__(self) -> str:
        return f"{self.user_id} confirmed {self.message_id}"


class ReadMarker(models.Model):
    """How far a person has read a thread (a sequence number); unread = thread.seq beyond it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="read_marker_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} up to {self.seq}"


class Event(models.Model):
    """The replay log: one row per sequence number of a thread, written with the change itself."""

    class Kind(models.TextChoices):
        MESSAGE_CREATED = "message.created"
        MESSAGE_EDITED = "message.edited"
        MESSAGE_DELETED = "message.deleted"
        ACK_ADDED = "ack.added"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    # No index of its own: event_seq_unique_per_thread starts with the thread.
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="events", db_index=False)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        ordering = ["thread", "seq"]
        constraints = [models.UniqueConstraint(fields=["thread", "seq"], name="event_seq_unique_per_thread")]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.seq} {self.kind}"
