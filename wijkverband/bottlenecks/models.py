"""The bottleneck log (knelpunten): items, their timeline, signals, links, categories and targets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wijkverband.core.workdays import past_due
from wijkverband.tenancy.models import Organisation, OrganisationKind, Team
from wijkverband.tenancy.scoping import TeamScopedManager


class Impact(models.IntegerChoices):
    # Integers, so that "sort by impact" is a plain ORDER BY.
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    PICKED_UP = "picked_up", _("Picked up")
    IN_PROGRESS = "in_progress", _("In progress")
    ESCALATED = "escalated", _("Escalated to the region")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed without resolution")


OPEN_STATUSES = (Status.REPORTED, Status.PICKED_UP, Status.IN_PROGRESS, Status.ESCALATED)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)

#: Working days to acceptance and to resolution per impact, when a team has not set its own.
DEFAULT_TARGETS: dict[int, tuple[int, int]] = {
    Impact.CRITICAL: (1, 10),
    Impact.HIGH: (2, 20),
    Impact.MEDIUM: (5, 40),
    Impact.LOW: (10, 60),
}

#: The built-in categories every team shares (so regional patterns line up across teams).
BUILTIN_CATEGORIES: dict[str, str] = {
    "bereikbaarheid": _("Accessibility and reachability"),
    "overdracht": _("Handover and information exchange"),
    "medicatie": _("Medication"),
    "capaciteit": _("Capacity and waiting times"),
    "financiering": _("Funding and contracting"),
    "sociale_basis": _("Social base and wellbeing"),
    "ict": _("ICT"),
    "overig": _("Other"),
}


class CategoryManager(TeamScopedManager):
    """The built-in categories (no team) belong to every team's scope, beside the team's own."""

    shared_rows = True


class Category(models.Model):
    """A bottleneck category. Built-in ones have no team (shared by all); a team may add its own."""

    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bottleneck_categories",
        verbose_name=_("team"),
    )
    key = models.SlugField(_("key"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = CategoryManager()

    class Meta:
        verbose_name = _("bottleneck category")
        verbose_name_plural = _("bottleneck categories")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(team__isnull=True), name="bottleneck_category_builtin_key_unique"
            ),
            models.UniqueConstraint(
                fields=["team", "name"], condition=Q(team__isnull=False), name="bottleneck_category_team_name_unique"
            ),
            models.CheckConstraint(
                condition=(Q(team__isnull=True) & ~Q(key="")) | (Q(team__isnull=False) & ~Q(name="")),
                name="bottleneck_category_builtin_has_key_own_has_name",
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return BUILTIN_CATEGORIES.get(self.key, self.name) if self.team_id is None else self.name

    @property
    def is_builtin(self) -> bool:
        return self.team_id is None


class ResponseTarget(models.Model):
    """A team's own target for one impact level, in working days. Missing rows: DEFAULT_TARGETS."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="bottleneck_targets")
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact.choices)
    accept_days = models.PositiveSmallIntegerField(_("working days to acceptance"))
    resolve_days = models.PositiveSmallIntegerField(_("working days to resolution"))

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")
        constraints = [
            models.UniqueConstraint(fields=["team", "impact"], name="bottleneck_target_one_per_impact"),
            models.CheckConstraint(
                condition=Q(accept_days__lte=models.F("resolve_days")), name="accept_before_resolve"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.impact} → {self.accept_days}/{self.resolve_days}"


class Bottleneck(models.Model):
    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {"affected_kinds": "organisation kinds encoded by code, not typed"}

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="bottlenecks", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact.choices, default=Impact.MEDIUM)
    # The core players it affects, as ",huisarts,apotheek," so one LIKE filters on it in any database.
    affected_kinds = models.CharField(_("affects"), max_length=200, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("reported by")
    )
    reporter_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("reported for")
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_since = models.DateTimeField(null=True, blank=True)
    owner_candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_requested_at = models.DateTimeField(null=True, blank=True)
    first_accepted_at = models.DateTimeField(null=True, blank=True)

    # Response clock: starts at reporting and again at reopening.
    clock_started_at = models.DateTimeField(default=timezone.now)
    # Due dates, stored so that "overdue" is a plain comparison in SQL; recomputed when the
    # impact or the team's targets change.
    accept_due = models.DateField(_("to be accepted by"))
    resolve_due = models.DateField(_("to be resolved by"))

    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(_("escalation reason"), blank=True)
    status_before_escalation = models.CharField(max_length=20, choices=Status.choices, blank=True)
    taken_up_regionally = models.BooleanField(default=False)

    resolution_summary = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )

    internal = models.BooleanField(_("internal"), default=False)
    internal_reason = models.TextField(_("why internal"), blank=True)

    signal_count = models.PositiveIntegerField(_("also affected"), default=0)
    # Optimistic locking: every form carries the version it was built from; a write with an
    # older version is refused instead of overwriting someone else's change.
    version = models.PositiveIntegerField(default=1)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")
        indexes = [
            models.Index(fields=["team", "status", "created_at"], name="bottleneck_team_status"),
            models.Index(fields=["team", "created_at"], name="bottleneck_team_created"),
            models.Index(fields=["team", "category", "status"], name="bottleneck_team_category"),
            models.Index(fields=["status", "team", "category"], name="bottleneck_status_team_cat"),
            models.Index(fields=["status", "escalated_at"], name="bottleneck_escalated"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def affected_kind_list(self) -> list[str]:
        return [kind for kind in self.affected_kinds.split(",") if kind]

    @property
    def affected_labels(self) -> list[str]:
        labels = dict(OrganisationKind.choices)
        return [labels.get(kind, kind) for kind in self.affected_kind_list]

    @property
    def age_days(self) -> int:
        return (timezone.localdate() - timezone.localdate(self.created_at)).days

    @property
    def acceptance_overdue(self) -> bool:
        """Unowned past its acceptance target, and never accepted: an item whose owner left the
        team was accepted (in time or not, it was then); it needs a new owner, which Mijn werk and
        the coordinators' notice say, but "not accepted in time" would be untrue."""
        return (
            self.is_open
            and self.owner_id is None
            and self.first_accepted_at is None
            and past_due(self.accept_due, timezone.localdate())
        )

    @property
    def resolution_overdue(self) -> bool:
        # The rule of every list, Mijn werk and the hourly job (core.workdays.past_due).
        return self.is_open and past_due(self.resolve_due, timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        return self.acceptance_overdue or self.resolution_overdue


def encode_kinds(kinds) -> str:
    kinds = [kind for kind in OrganisationKind.values if kind in set(kinds)]
    return f",{','.join(kinds)}," if kinds else ""


class EventKind(models.TextChoices):
    REPORTED = "reported", _("reported")
    EDITED = "edited", pgettext_lazy("bottleneck event", "edited")
    OWNER_REQUESTED = "owner_requested", _("asked an owner")
    OWNER_ACCEPTED = "owner_accepted", _("accepted ownership")
    OWNER_DECLINED = "owner_declined", _("declined ownership")
    STARTED = "started", _("started work")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed without resolution")
    REOPENED = "reopened", _("reopened")
    ESCALATED = "escalated", _("escalated to the region")
    REGION_RESPONDED = "region_responded", _("responded for the region")
    REGION_TOOK_UP = "region_took_up", _("took it up regionally")
    REGION_HANDED_BACK = "region_handed_back", _("handed it back with advice")
    SIGNALLED = "signalled", _("added “this affects us too”")
    LINKED = "linked", _("linked a bottleneck")
    AGREEMENT_LINKED = "agreement_linked", _("linked an agreement")
    DUPLICATE = "duplicate", _("marked as duplicate")
    DUPLICATE_REOPENED = "duplicate_reopened", _("reopened a duplicate of this one: it stands on its own again")
    MARKED_INTERNAL = "marked_internal", _("marked internal")
    MARKED_PUBLIC = "marked_public", _("made visible to representatives")
    OWNER_LEFT = "owner_left", _("left the team: it has no owner now")
    CANDIDATE_LEFT = "candidate_left", _("left the team: no longer asked to own it")
    # A coordinator removed them (BottleneckEvent.said names who: the event's actor is the one removed).
    OWNER_REMOVED = "owner_removed", _("was removed from the team: it has no owner now")
    CANDIDATE_REMOVED = "candidate_removed", _("was removed from the team: no longer asked to own it")
    # Their role changed to one that owns nothing (a member made client representative): let go as
    # when they leave (services.rights_narrowed); BottleneckEvent.said names who changed it.
    OWNER_ROLE_CHANGED = "owner_role_changed", _("has a role in which they cannot own it: it has no owner now")
    CANDIDATE_ROLE_CHANGED = (
        "candidate_role_changed",
        _("has a role in which they cannot own it: no longer asked to own it"),
    )


#: What the timeline says of someone removed from the team (or given a role that owns nothing), naming
#: who did it (data["removed_by"]).
REMOVED_BY = {
    EventKind.OWNER_REMOVED: lambda: _("was removed from the team by %(name)s: it has no owner now"),
    EventKind.CANDIDATE_REMOVED: lambda: _("was removed from the team by %(name)s: no longer asked to own it"),
    EventKind.OWNER_ROLE_CHANGED: lambda: _(
        "was given a role by %(name)s in which they cannot own it: it has no owner now"
    ),
    EventKind.CANDIDATE_ROLE_CHANGED: lambda: _(
        "was given a role by %(name)s in which they cannot own it: no longer asked to own it"
    ),
}


class BottleneckEvent(models.Model):
    """One step in an item's timeline: who did what when."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    bottleneck = models.ForeignKey(Bottleneck, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(_("name"), max_length=200, blank=True)  # the name at the time
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = TeamScopedManager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["bottleneck", "at"], name="bottleneck_event_item"),
            # The region's answers by kind (has this escalation been answered since?): an index-only
            # scan for the header's "Mijn werk" count and the dashboard, not a walk of every event.
            models.Index(fields=["kind", "bottleneck", "at"], name="bottleneck_event_kind"),
        ]

    def __str__(self) -> str:
        return f"#{self.bottleneck_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def said(self) -> str:
        """What the timeline says after the actor's name: what they did, and of someone removed from
        the team, by whom (their name at the time, in data)."""
        removed_by = (self.data or {}).get("removed_by") if self.kind in REMOVED_BY else None
        if removed_by:
            return str(REMOVED_BY[self.kind]()) % {"name": removed_by}
        return self.get_kind_display()


class Signal(models.Model):
    """ "This affects us too": at most one per organisation per bottleneck."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    bottleneck = models.ForeignKey(Bottleneck, on_delete=models.CASCADE, related_name="signals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bottleneck", "organisation"], name="signal_once_per_organisation")
        ]

    def __str__(self) -> str:
        return f"#{self.bottleneck_id} ← {self.organisation_id}"


class LinkKind(models.TextChoices):
    RELATED = "related", _("related to")
    DUPLICATE = "duplicate", _("duplicate of")


class BottleneckLink(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Bottleneck, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Bottleneck, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="bottleneck_link_once"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="bottleneck_link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"#{self.source_id} {self.kind} #{self.target_id}"


class AgreementLink(models.Model):
    """A bottleneck tied to a collaboration agreement of the same team."""

    class Kind(models.TextChoices):
        RESOLVED_BY = "resolved_by", _("resolved by")
        RELATED = "related", _("related to")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    bottleneck = models.ForeignKey(Bottleneck, on_delete=models.CASCADE, related_name="agreement_links")
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.CASCADE, related_name="bottleneck_links")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bottleneck", "agreement"], name="bottleneck_agreement_link_once")
        ]

    def __str__(self) -> str:
        return f"#{self.bottleneck_id} {self.kind} agreement #{self.agreement_id}"
