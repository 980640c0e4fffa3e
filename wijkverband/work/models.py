"""Notices (meldingen): something that asks a person to act, or tells them their work moved.

A notice names what happened, in which team, on which item (its title), who did it, and links
there. It never carries message text or other free text that could be client data. Feature apps
create notices through wijkverband.work.services.notices_create, which keeps out everyone who may
not read the item (docs/work.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wijkverband.tenancy.models import Team
from wijkverband.tenancy.scoping import TeamScopedManager


class SubjectKind(models.TextChoices):
    AGREEMENT = "agreement", _("agreement")
    BOTTLENECK = "bottleneck", _("bottleneck")
    THREAD = "thread", _("thread")
    WIJKCARD_ENTRY = "wijkcard_entry", _("Neighbourhood card")
    SOCIAL_MAP_ENTRY = "social_map_entry", _("Social map")
    SIGNAL = "signal", _("signal")
    #: Items of one team at once (someone left it: their bottlenecks need an owner); the id is the team's.
    TEAM = "team", _("team")
    #: An invitation to the team (its mail did not go out); the title is the invitee's address.
    INVITATION = "invitation", _("invitation")


class NoticeKind(models.TextChoices):
    # Discussions
    MENTION = "mention", _("Mentioned you")
    ACK_REQUEST = "ack_request", _("Asks for your confirmation")
    ACTIVITY = "activity", _("New activity on your thread")
    # Agreements
    ENDORSEMENT_REQUESTED = "endorsement_requested", _("Asks your organisation to endorse")
    AGREEMENT_ENDORSED = "agreement_endorsed", pgettext_lazy("notice", "Endorsed")
    AGREEMENT_DECLINED = "agreement_declined", pgettext_lazy("notice", "Declined")
    AGREEMENT_ADOPTED = "agreement_adopted", pgettext_lazy("notice", "Adopted")
    REVIEW_SOON = "review_soon", _("Review date within 30 days")
    REVIEW_PASSED = "review_passed", _("Review date passed")
    AGREEMENT_ENDED = "agreement_ended", pgettext_lazy("notice", "Ended")
    # Bottlenecks
    OWNERSHIP_ASKED = "ownership_asked", _("Asks you to own it")
    OWNERSHIP_ACCEPTED = "ownership_accepted", _("Accepted ownership")
    OWNERSHIP_DECLINED = "ownership_declined", _("Declined ownership")
    ESCALATED = "escalated", _("Escalated to the region")
    REGION_RESPONDED = "region_responded", _("The region responded")
    REGION_TOOK_UP = "region_took_up", _("The region took it up regionally")
    REGION_HANDED_BACK = "region_handed_back", _("The region handed it back")
    # As the bottleneck's badge, Mijn werk and the dashboard say it (it said "Over de termijn"
    # beside their "te laat"), for an escalation past the region's target too ("Op tijd" / "Te laat").
    OVERDUE = "overdue", _("Overdue")
    RESOLVED = "resolved", pgettext_lazy("notice", "Resolved")
    # Regional work (wijkverband.regional): about the team's own linked bottleneck
    REGIONAL_LINKED = "regional_linked", _("Taken up by the region with other teams")
    REGIONAL_PROGRESS = "regional_progress", _("Progress at the region")
    # The wijk card and the sociale kaart (contact details kept current)
    RECONFIRM_DUE = "reconfirm_due", _("Contact details to confirm again")
    CORRECTION_SUGGESTED = "correction_suggested", _("Suggests a correction")
    CORRECTION_HANDLED = "correction_handled", _("Handled your suggested correction")
    # Signals of client representatives (wijkverband.signals)
    SIGNAL_FILED = "signal_filed", _("Filed a signal")
    SIGNAL_ANSWERED = "signal_answered", _("Answered your signal")
    # Someone left the team or was removed from it: what they held needs someone else (the notice
    # names them as its actor and says how many items, in a phrase written as it is read, params:
    # work.services.notices_of_leaving)
    MEMBER_LEFT = "member_left", _("Left the team")
    MEMBER_REMOVED = "member_removed", _("Removed from the team")
    # ... or was given a role in which they hold none of it (a member made client representative)
    MEMBER_ROLE_CHANGED = "member_role_changed", _("Given another role")
    # An invitation's mail (wijkverband.work.services.invitations): told to the coordinator who invited
    INVITATION_NOT_SENT = "invitation_not_sent", _("Invitation not mailed yet")
    INVITATION_UNDELIVERED = "invitation_undelivered", _("Invitation could not be delivered")
    # Reminders (wijkverband.work.services.reminders)
    REMINDER = "reminder", _("Reminder: still waiting on you")
    STILL_WAITING = "still_waiting", _("Still waiting after two reminders")


class Notice(models.Model):
    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {
        "path": "a link of ours, with ids, written by code",
        "key": "an id of the event, written by code",
    }

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("what happened"), max_length=40, choices=NoticeKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField()
    # The item's title when the notice was made (checked by the client-data guard where it was written).
    # A notice whose title is a phrase of ours keeps the phrase's words as they were written then,
    # shown only when the phrase cannot be written now (params).
    title = models.CharField(_("title"), max_length=200)
    # A title that is a phrase of ours (someone left the team: "3 open bottlenecks need a new
    # owner"): its name and values, {"phrase": "bottlenecks.need_owner", "count": 3}, written as it is
    # read, in the reader's language (work.serialise.register_notice_phrase). Counts, ids and the
    # name of who left: never free text.
    params = models.JSONField(default=dict, blank=True)
    # Where the notice links: a path of ours (e-mails make it absolute).
    path = models.CharField(max_length=400)
    # Whether its item was internal when the notice was made (Subject.internal: an internal bottleneck,
    # a thread not opened to client representatives), and since, as its app keeps it: read by whoever
    # takes notices away from someone who may no longer read internal items (a member made client
    # representative, an overseer's region role ended: work.services.rights_narrowed).
    internal = models.BooleanField(default=False)
    # Discussions: the message's sequence number, so reading the thread that far reads the notice.
    seq = models.BigIntegerField(null=True, blank=True)
    # One notice per person per event: posting, retrying or a reminder run twice creates one.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # E-mail: sent at once (emailed_at) or gathered into the person's digest (digested_at).
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_person")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
            models.Index(fields=["subject_kind", "subject_id"], name="notice_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def shown_title(self) -> str:
        """The title in the reader's language where it is in words of ours: a phrase (params), an item
        named by us (a signal). A phrase naming who left names them as they are called now."""
        from wijkverband.work.serialise import shown_title

        params = self.params
        if params and "name" in params and self.actor_id:
            params = {**params, "name": self.actor_name}
        return shown_title(subject_kind=self.subject_kind, subject_id=self.subject_id, title=self.title, params=params)

    @property
    def actor_name(self) -> str | None:
        """Who did it, or None for what nobody did: the hourly checks' reminders, targets passed and
        review dates (signed "Wijkverband", the Dutch word for the team, they read as the team's doing)."""
        return (self.actor.name or self.actor.email) if self.actor_id else None

    @property
    def sentence(self) -> str | None:
        """A notice in one sentence naming its item ("Carla noemde je in “…”"), else None: for kinds
        without one, and without someone to name (work.serialise.notice_sentence)."""
        from wijkverband.work.serialise import notice_sentence

        actor = self.actor_name
        return notice_sentence(kind=self.kind, actor_name=actor, title=self.shown_title) if actor else None

    @property
    def label(self) -> str:
        """What happened, where no sentence says it (work.serialise.notice_label): the kind's name,
        or a reminder's naming on whom it waits ("Herinnering: wacht nog op de regio")."""
        from wijkverband.work.serialise import notice_label

        return notice_label(kind=self.kind, params=self.params)

    @property
    def reads_as_sentence(self) -> bool:
        """Whether the notice reads as a sentence or a phrase of ours (which quotes the item's title
        itself where it names it), not as an item's bare title: a label around it does not put it
        in quotes again (““…” wacht na …”)."""
        return bool(self.params and self.params.get("phrase")) or self.sentence is not None


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily (around 07:30)")
    WEEKLY = "weekly", _("Weekly (Monday around 07:30)")
    OFF = "off", _("Off")


class NoticePreference(models.Model):
    """How a person wants to hear of notices by e-mail (in the app they always see them)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference")
    digest = models.CharField(_("digest"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    # E-mails sent at once (mentions while offline, ownership asked, escalations): each can be
    # turned off on its own, also by the one-click link in such a mail.
    email_mentions = models.BooleanField(_("e-mail me when I am mentioned and not online"), default=True)
    email_ownership = models.BooleanField(_("e-mail me when I am asked to own a bottleneck"), default=True)
    email_escalations = models.BooleanField(_("e-mail me when a bottleneck is escalated to my region"), default=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"notice preferences of {self.user_id}"


class Mail(models.Model):
    """One e-mail to one address, stored before it is sent: the outbox.

    A sender claims a mail for a short lease, sends it and marks it sent; a failure puts it back
    with a later `send_after`, so a mail server that is down delays mail but loses none. Only a
    mail server's permanent refusal of the address (`refused_at`) ends a mail unsent, or its
    withdrawal (`refused_at` with last_error "Withdrawn": an invitation withdrawn or replaced
    while its mail waited, `core.outbox.mail_withdraw`). `key` is
    unique: the mail of one notice, one person's digest for one period, one invitation
    ("invitation:<id>"), one account mail ("account:<uuid>"), exists once, so it is never sent
    twice. A mail names who did what, in which team, on which item, with a link: never message
    text or other free text.

    An invitation's link and a password reset's link are secrets that exist only in their mail
    (the invitation stores a hash of its token). So the body is emptied once the mail went out or
    was refused: the outbox and the admin keep who it went to, its subject and when, not a link
    that works.
    """

    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {
        "key": "an id of the notice, digest, invitation or account mail, written by code",
        "to": "the person's address",
        "subject": "made by code: who did what, in which team, on which item; an invitation's or account mail's",
        "body": (
            "made by code from notices (who did what, in which team, on which item, with links), an invitation "
            "or an account mail (with its secret link): emptied once sent or refused"
        ),
        "last_error": "the class name of the last failure (emptied once sent), written by code",
    }

    # The account it goes to: none for an invitation or reset asked for an address without one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=120, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now)
    # A sender's lease: others leave the mail alone until then (a sender that died lets go).
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The mail server refused the address for good (SMTP 5xx for every recipient), or the mail was
    # withdrawn while it waited (its invitation withdrawn or replaced): not tried again.
    refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [models.Index(fields=["sent_at", "send_after"], name="mail_due")]

    def __str__(self) -> str:
        return f"{self.key} to {self.user_id or self.to}"


class WorkerCount(models.Model):
    """A running count of something the task worker does, kept in the database.

    The worker (manage.py qcluster) is a process nobody scrapes: a Prometheus counter in its memory
    was never seen, and /metrics on the web processes read 0. Here every process adds to one row, and
    /metrics reads it (wijkverband/work/metrics.py). It only grows, as a Prometheus counter does.
    """

    #: Attempts to send an e-mail that failed (work.services.mail.mail_send).
    MAIL_SEND_FAILURES = "mail_send_failures"

    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {"name": "one of the names above, written by code"}

    name = models.CharField(max_length=60, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("count of the task worker")
        verbose_name_plural = _("counts of the task worker")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
