"""Shared agreements (samenwerkingsafspraken): versions, parties, endorsements, indicators.

The text of an agreement lives in immutable AgreementVersion rows: every save makes a new
version, and an endorsement is always for one version. The Agreement row points at the newest
version (`current_version`) and at the one in force (`adopted_version`); they differ while a
change of an adopted agreement awaits fresh endorsements. See docs/agreements.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.core.registry import indicator_source
from wijkverband.tenancy.models import Organisation, OrganisationKind, Team
from wijkverband.tenancy.scoping import TeamScopedManager


class Dimension(models.TextChoices):
    QUALITY = "quality", _("Quality")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    AFFORDABILITY = "affordability", _("Affordability")


class Status(models.TextChoices):
    CONCEPT = "concept", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    ENDED = "ended", _("Ended")


class Agreement(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("team"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT)
    # The number of the newest version: the optimistic lock of the edit form (compare-and-swap).
    version_count = models.PositiveIntegerField(_("number of versions"), default=0)
    current_version = models.ForeignKey(
        "AgreementVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_version = models.ForeignKey(
        "AgreementVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_reason = models.TextField(_("reason for ending"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["team", "status"]), models.Index(fields=["team", "-updated_at"])]

    def __str__(self) -> str:
        return self.current_version.title if self.current_version_id else f"#{self.pk}"

    @property
    def has_pending_version(self) -> bool:
        """An adopted agreement whose newest version still awaits endorsements."""
        return (
            self.status == Status.ADOPTED
            and self.adopted_version_id is not None
            and self.adopted_version_id != self.current_version_id
        )

    @property
    def ended_with_pending_version(self) -> bool:
        """An ended agreement whose newest version was never adopted: the version in force until
        the end (`adopted_version`) is the one its pages show."""
        return (
            self.status == Status.ENDED
            and self.adopted_version_id is not None
            and self.adopted_version_id != self.current_version_id
        )

    @property
    def awaits_endorsement(self) -> bool:
        return self.status == Status.PROPOSED or self.has_pending_version

    @property
    def parties_changeable(self) -> bool:
        """Parties may be added and removed: not once ended, and once adopted only together with
        a new version (services._require_parties_changeable says why not)."""
        if self.status == Status.ENDED:
            return False
        return self.status != Status.ADOPTED or self.has_pending_version


#: How long a version's texts may be (the form's maxlength, the form's and the service's check).
#: The agreement itself as long as a message (10,000 characters: some four pages, more than any
#: agreement in the regional examples, which run to a page); the analysis of the need as long as a
#: bottleneck's description; the sources (a list of references) and each gain (a paragraph) 2,000.
#: A regional offer's texts become these texts, so it has the same limits (regional/forms.py).
TEXT_LIMITS = {
    "need": 5_000,
    "sources": 2_000,
    "body": 10_000,
    "gain_quality": 2_000,
    "gain_accessibility": 2_000,
    "gain_affordability": 2_000,
}
#: Why an agreement ends, or why a party declines it: a few sentences, as a bottleneck's reasons.
REASON_LIMIT = 2_000


class AgreementVersion(models.Model):
    """One immutable state of an agreement's text and fields."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    need = models.TextField(_("the need it answers"), blank=True)
    sources = models.TextField(_("sources of the analysis"), blank=True)
    body = models.TextField(_("the agreement"), blank=True)
    gain_quality = models.TextField(_("what clients gain in quality"), blank=True)
    gain_accessibility = models.TextField(_("what clients gain in accessibility"), blank=True)
    gain_affordability = models.TextField(_("what clients gain in affordability"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("saved by")
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "-number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def gain(self, dimension: str) -> str:
        return getattr(self, f"gain_{dimension}")

    @property
    def claimed_dimensions(self) -> list[str]:
        return [d for d in Dimension.values if self.gain(d).strip()]


class PartyKind(models.TextChoices):
    PROVIDER = "provider", _("Care or support provider")
    INSURER = "insurer", _("Health insurer")
    MUNICIPALITY = "municipality", _("Municipality")
    CLIENT_REPRESENTATION = "client_representation", _("Client representation")


#: The "zorgdriehoek": every agreement needs at least one party of each of these kinds.
TRIANGLE_KINDS = (PartyKind.PROVIDER, PartyKind.INSURER, PartyKind.CLIENT_REPRESENTATION)
EXTERNAL_KINDS = (PartyKind.INSURER, PartyKind.MUNICIPALITY, PartyKind.CLIENT_REPRESENTATION)
#: The organisation kind of each external party kind (tenancy.models.OrganisationKind).
ORGANISATION_KIND_OF = {
    PartyKind.INSURER: OrganisationKind.INSURER,
    PartyKind.MUNICIPALITY: OrganisationKind.MUNICIPALITY,
    PartyKind.CLIENT_REPRESENTATION: OrganisationKind.CLIENT_COUNCIL,
}


class PartyManager(TeamScopedManager):
    """The parties now: a party removed from a version after the first (`left_version`) stays on
    record for the versions before, with its decisions on them, but is no party any more."""

    rows_now = models.Q(left_version__isnull=True)


class Party(models.Model):
    """A party to an agreement: one of the team's organisations, or an external party by kind and name.

    The parties of an adopted agreement change together with a new version: a party added then is
    a party from that version on (`joined_version`), and a party of the version in force removed
    then is no party from that version on (`left_version`), while the version in force keeps its
    parties and their decisions on record. The same holds for a removal from an agreement that was
    never adopted: a party of an earlier version stays on record for it, with its decisions (only a
    party of the current version alone is deleted). `Party.objects` reads the parties now;
    `Party.on_record` every row, for the parties of a given version (`of_version`).

    A row is one stretch of membership, from `joined_version` up to `left_version`: an organisation
    removed from one version and added again to a later one gets a second row for its second
    stretch, so every version keeps the parties it had (services._rejoin)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=30, choices=PartyKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    #: The version from which it is a party (None: from the first); set when it joins while an
    #: older version is in force, or comes back after an earlier stretch.
    joined_version = models.PositiveIntegerField(_("party from version"), null=True, blank=True)
    #: The version from which it is no party any more (None: it is a party now).
    left_version = models.PositiveIntegerField(_("no party from version"), null=True, blank=True)

    objects = PartyManager()
    on_record = TeamScopedManager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["kind", "name"]
        constraints = [
            # A provider is one of the team's organisations; an external party names its
            # organisation too (an insurer, a municipality, a client council), so an account of
            # that organisation (tenancy's role "external party") can endorse for itself.
            models.CheckConstraint(condition=models.Q(organisation__isnull=False), name="party_has_organisation"),
            # Once among the parties now; its earlier stretches stay on record beside it.
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                condition=models.Q(organisation__isnull=False, left_version__isnull=True),
                name="party_organisation_once_now",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def of_version(number, *, via: str = "") -> models.Q:
        """The condition for the parties of version `number` (for Party.on_record); `number` may be
        an expression, such as OuterRef("adopted_version__number"). `via`: the path to the party
        from another model ("endorsements__party__")."""
        return (
            models.Q(**{f"{via}joined_version__isnull": True}) | models.Q(**{f"{via}joined_version__lte": number})
        ) & (models.Q(**{f"{via}left_version__isnull": True}) | models.Q(**{f"{via}left_version__gt": number}))

    @property
    def is_external(self) -> bool:
        return self.kind != PartyKind.PROVIDER


class Decision(models.TextChoices):
    ENDORSED = "endorsed", _("Endorsed")
    DECLINED = "declined", _("Declined")


class Endorsement(models.Model):
    """A party's decision on one version: given by a member for their organisation, by an external
    party's own account, or (for an external party without one) recorded by a coordinator, who
    notes when and where the consent was given (`given_on`, `where_given`; `recorded_by` is who
    recorded it)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="endorsements")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="endorsements")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="endorsements")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    given_on = models.DateField(_("given on"), null=True, blank=True)
    where_given = models.CharField(_("where it was given"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [models.UniqueConstraint(fields=["version", "party"], name="endorsement_once_per_version")]

    def __str__(self) -> str:
        return f"{self.party} {self.decision} v{self.version.number}"

    @property
    def is_recorded_consent(self) -> bool:
        """Recorded by a coordinator on the party's behalf, not given through an account."""
        return self.given_on is not None


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


#: The first word of a unit that makes an indicator a percentage ("%", "% van de cliënten", "procent").
#: Such an indicator measures a share, never below 0 (over 100 % it may be: "% of last year's").
#: "%-punt" or "procentpunt", a difference in percentage points, may be negative: it is none of these.
PERCENT_UNITS = {"%", "procent", "percent", "percentage", "pct", "pct."}


def is_percentage(unit: str) -> bool:
    words = (unit or "").strip().lower().split()
    return bool(words) and words[0] in PERCENT_UNITS


class Indicator(models.Model):
    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {"source": "the key of a registered indicator source, chosen from a list"}

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("For example: %, days, clients, euro."))
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    frequency = models.CharField(_("measured"), max_length=20, choices=Frequency.choices)
    # The key of a registered indicator source (core/registry.py), or "" for one measured by hand.
    # A sourced indicator's measurements are written by services.sourced_measurements_refresh only.
    source = models.CharField(_("fed from"), max_length=60, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["dimension", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def source_label(self) -> str:
        """The name of the source that feeds it ("" when measured by hand)."""
        source = indicator_source(self.source) if self.source else None
        return str(source.label) if source is not None else ""


class Measurement(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["measured_on", "id"]
        indexes = [models.Index(fields=["indicator", "measured_on"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class Action(models.TextChoices):
    CREATED = "created", _("created the agreement")
    EDITED = "edited", _("saved a new version")
    PROPOSED = "proposed", _("proposed the agreement")
    ADOPTED = "adopted", _("completed the endorsements: the agreement is adopted")
    ENDED = "ended", _("ended the agreement")
    PARTY_ADDED = "party_added", _("added a party")
    PARTY_REMOVED = "party_removed", _("removed a party")
    ENDORSED = "endorsed", _("endorsed")
    DECLINED = "declined", _("declined")
    CONSENT_RECORDED = "consent_recorded", _("recorded the consent of an external party")
    INDICATOR_ADDED = "indicator_added", _("added an indicator")
    MEASUREMENT_RECORDED = "measurement_recorded", _("recorded a measurement")
    MEASUREMENT_FED = "measurement_fed", _("updated measurements from their source")
    # The owner left the team, or was removed from it: someone else owns it now (data: who).
    OWNER_LEFT = "owner_left", _("left the team")
    OWNER_REMOVED = "owner_removed", _("was removed from the team")
    # ... or was given a role in which they cannot own one (a member made client representative).
    OWNER_ROLE_CHANGED = "owner_role_changed", _("has a role in which they cannot own it")


class AgreementEvent(models.Model):
    """The history the team reads ("who did what when"); the audit log is for the privacy officer."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("who")
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    version_number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    detail = models.CharField(_("details"), max_length=500, blank=True)
    # What the app adds to the detail, as facts (a party's name, a date, a party's kind, measured
    # values), put into a sentence when the history is read, in the reader's language and the one
    # date format (shown_detail). `detail` holds only what a person wrote (a reason, a change note).
    # Rows from before it have the whole sentence in `detail`, in the language of whoever acted.
    data = models.JSONField(default=dict, blank=True)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["agreement", "-at"]),
            # The region dashboard's "adopted in the period": the adoptions of the region's teams in
            # a period (agreements.selectors.region_team_agreement_figures). Without it PostgreSQL
            # reads every event of those teams through the team index to keep the few adoptions;
            # partial, since adoptions are a small share of the events: an index-only scan of a few
            # pages, and no index write for any other event (docs/dashboard.md).
            models.Index(
                fields=["team", "at", "agreement"],
                condition=models.Q(action="adopted"),
                name="agreement_event_adoption",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def shown_detail(self) -> str:
        """The detail as the history shows it, in the active language."""
        from wijkverband.agreements.history import shown_detail

        return shown_detail(self)
