"""Regional work: a cross-wijk pattern taken up by the region (a regional item with one owner,
linked to the teams' bottlenecks), and agreements the region offers its teams to adopt.

Region-owned rows carry a non-null `region`; the one row that belongs to a team as well (a link
to a team's bottleneck, an adoption) also carries that `team`, so reads can filter on both.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.agreements.models import Agreement, Dimension, Frequency, PartyKind
from wijkverband.bottlenecks.models import Bottleneck, Category
from wijkverband.tenancy.models import OrganisationKind, Region, Team


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Taken up by the region")
    IN_PROGRESS = "in_progress", _("In progress at the region")
    RESOLVED = "resolved", _("Resolved regionally")
    CLOSED = "closed", _("Closed by the region")


OPEN_ITEM_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)


class RegionalItem(models.Model):
    """A regional knelpunt: one problem seen in several teams, with one owner at the region.

    Teams see its title, status, owner and progress updates on their linked bottleneck; the
    description is the region's own working note and the links show other teams' items, so those
    stay on the region's pages."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("taken up"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)
    # Optimistic locking, as the bottleneck log: a form built from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("regional item")
        verbose_name_plural = _("regional items")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "status"], name="regional_item_region_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ITEM_STATUSES


class RegionalLink(models.Model):
    """A team's bottleneck that belongs to a regional item (at most one regional item per bottleneck)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(RegionalItem, on_delete=models.CASCADE, related_name="links")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    bottleneck = models.OneToOneField(Bottleneck, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link to a team's bottleneck")
        verbose_name_plural = _("links to teams' bottlenecks")
        ordering = ["team__name", "bottleneck_id"]
        indexes = [models.Index(fields=["item", "team"], name="regional_link_item_team")]

    def __str__(self) -> str:
        return f"regional item {self.item_id} ← bottleneck {self.bottleneck_id}"


class RegionalUpdate(models.Model):
    """A progress update on a regional item: written for the teams, shown on their linked items."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(RegionalItem, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("progress"))
    from_status = models.CharField(max_length=20, choices=ItemStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ItemStatus.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["item", "created_at"], name="regional_update_item_at")]

    def __str__(self) -> str:
        return f"update {self.pk} on regional item {self.item_id}"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered to the teams")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RegionalAgreement(models.Model):
    """An agreement the region offers its teams (say, a medication-transfer protocol). A team adopts
    it as its own Agreement, with its own parties; from then on it follows the team's agreement flow."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    need = models.TextField(_("need"), blank=True)
    body = models.TextField(_("the agreement"))
    gain_quality = models.TextField(_("what clients gain in quality"), blank=True)
    gain_accessibility = models.TextField(_("what clients gain in accessibility"), blank=True)
    gain_affordability = models.TextField(_("what clients gain in affordability"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("offered"), default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("regional agreement")
        verbose_name_plural = _("regional agreements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "status"], name="regional_agreement_status")]

    def __str__(self) -> str:
        return self.title


class SuggestedParty(models.Model):
    """A party the region suggests: a kind of care provider, or an external party by kind and name."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(RegionalAgreement, on_delete=models.CASCADE, related_name="suggested_parties")
    kind = models.CharField(_("kind"), max_length=30, choices=PartyKind.choices)
    # Providers: which kind of organisation (each team ticks its own); external parties: a name.
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=30, choices=OrganisationKind.choices, blank=True
    )
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("suggested party")
        verbose_name_plural = _("suggested parties")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name or self.get_organisation_kind_display()


class SuggestedIndicator(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(RegionalAgreement, on_delete=models.CASCADE, related_name="suggested_indicators")
    name = models.CharField(_("name"), max_length=200)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    unit = models.CharField(_("unit"), max_length=40)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)

    class Meta:
        verbose_name = _("suggested indicator")
        verbose_name_plural = _("suggested indicators")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Adoption(models.Model):
    """A team took the region's offer up as its own agreement (once per team and offer)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(RegionalAgreement, on_delete=models.CASCADE, related_name="adoptions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="+")
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    adopted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("adoption by a team")
        verbose_name_plural = _("adoptions by teams")
        ordering = ["team__name"]
        constraints = [models.UniqueConstraint(fields=["offer", "team"], name="regional_adoption_once_per_team")]

    def __str__(self) -> str:
        return f"offer {self.offer_id} adopted by team {self.team_id}"
