"""Signals (signalen): what clients run into, in the words of their representatives.

A client representative of the team (or of its region) files a signal; the team's coordinator
triages it once: into the bottleneck log (a new bottleneck, prefilled from the signal), into an
agreement's review, or answered directly. Each way carries an answer to the representatives, who
follow the signal's status and, for a bottleneck, the bottleneck's own status. See docs/signals.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.agreements.models import Agreement
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.scoping import TeamScopedManager


class Status(models.TextChoices):
    NEW = "new", _("Awaiting the coordinator")
    BOTTLENECK = "bottleneck", _("Taken up as a bottleneck")
    REVIEW = "review", _("Taken into an agreement's review")
    ANSWERED = "answered", _("Answered")


#: The ways a coordinator triages a signal (every status but NEW).
OUTCOMES = (Status.BOTTLENECK, Status.REVIEW, Status.ANSWERED)


class Signal(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="client_signals", verbose_name=_("team"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("filed by")
    )
    title = models.CharField(_("in a few words"), max_length=200)
    text = models.TextField(_("what clients run into"))
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # Where it went (one of the two, or neither when answered directly). SET_NULL: a removed
    # bottleneck or agreement leaves the signal and its answer.
    bottleneck = models.ForeignKey(
        Bottleneck,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_signals",
        verbose_name=_("bottleneck"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_signals",
        verbose_name=_("agreement"),
    )
    answer = models.TextField(_("answer"), blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # When the author first read the answer ("Mijn werk" lists an answer until then).
    answer_seen_at = models.DateTimeField(null=True, blank=True)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "status", "created_at"], name="signal_team_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="new") | models.Q(triaged_at__isnull=False), name="signal_triaged_has_time"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="bottleneck") | models.Q(agreement__isnull=True),
                name="signal_bottleneck_not_agreement",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="review") | models.Q(bottleneck__isnull=True),
                name="signal_review_not_bottleneck",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == Status.NEW
