"""Welzijn op Recept (social prescribing), counted per team, month and referring organisation.

Nothing here identifies a client: there is no name, no date of birth, no client number, and no
free text but the short name of the offer. See docs/referrals.md.

The figures of one month from one referring organisation live in one `ReferralMonth` row. A team
keeps such a month *either* as counts (typed in from a tally) *or* as referral records (one
`Referral` per referral, no client identity); the row says which (`kind`) and, for records, holds
the figures counted from them, kept up to date by the services in the same transaction. So every
referral is counted once, and the monthly table, the chart, the export and the indicator feed all
read the same rows.

All three figures belong to the month of the *referral* (a cohort): "of the referrals made in
March, how many had an intake, and how many referrers heard back". That is why intakes and
feedback can never exceed the referrals of their month, and why the newest months still grow as
intakes happen and feedback is sent.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.tenancy.models import Organisation, Team
from wijkverband.tenancy.scoping import TeamScopedManager


class Kind(models.TextChoices):
    COUNTS = "counts", _("counts")
    RECORDS = "records", _("referral records")


class ReferralMonth(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    #: the first day of the month
    month = models.DateField(_("month"))
    referrer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("referring organisation")
    )
    kind = models.CharField(_("entered as"), max_length=10, choices=Kind.choices)
    referrals = models.PositiveIntegerField(_("referrals"), default=0)
    intakes = models.PositiveIntegerField(_("intakes held"), default=0)
    feedback = models.PositiveIntegerField(_("feedback returned"), default=0)
    # Optimistic locking of the counts form: a save from an older form is refused, not lost.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last change by"),
    )
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("Welzijn op Recept month")
        verbose_name_plural = _("Welzijn op Recept months")
        ordering = ["month", "referrer__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month", "referrer"], name="referral_month_once"),
            models.CheckConstraint(
                condition=Q(intakes__lte=F("referrals")), name="referral_month_intakes_le_referrals"
            ),
            models.CheckConstraint(
                condition=Q(feedback__lte=F("referrals")), name="referral_month_feedback_le_referrals"
            ),
        ]
        indexes = [models.Index(fields=["team", "month"], name="referral_month_team_month")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m} {self.referrer_id}: {self.referrals}/{self.intakes}/{self.feedback}"


class Status(models.TextChoices):
    REFERRED = "referred", _("referred, awaiting intake")
    INTAKE_HELD = "intake_held", _("intake held")
    NOT_STARTED = "not_started", _("not started")
    COMPLETED = "completed", _("completed")


#: The statuses that mean the intake took place.
INTAKE_STATUSES = (Status.INTAKE_HELD, Status.COMPLETED)


class Referral(models.Model):
    """One referral, without anything about the client: when, from whom, to what, how it went."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    referred_on = models.DateField(_("referral date"))
    referrer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("referring organisation")
    )
    offer = models.CharField(_("offer"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REFERRED)
    feedback_on = models.DateField(_("feedback sent on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last change by"),
    )
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("Welzijn op Recept referral")
        verbose_name_plural = _("Welzijn op Recept referrals")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(feedback_on__isnull=True) | Q(feedback_on__gte=F("referred_on")),
                name="referral_feedback_after_referral",
            ),
        ]
        indexes = [models.Index(fields=["team", "referred_on"], name="referral_team_date")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.referred_on} {self.referrer_id} {self.status}"

    @property
    def intake_held(self) -> bool:
        return self.status in INTAKE_STATUSES
