"""Freshness of contact information ("last confirmed on … by …"), shared by the wijk card and the
sociale kaart.

Contact details go stale fast, so every entry carries who confirmed it last and when, and a
responsible person (the maintainer) who is asked to confirm it again every N months (the team's
`Team.reconfirm_months`, default 6). An entry is *stale* once that date has passed.
"""

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_RECONFIRM_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days: 31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def confirm_due_on(confirmed_on: date, months: int) -> date:
    """The day an entry confirmed on `confirmed_on` must be confirmed again."""
    return add_months(confirmed_on, months)


def stale_before(months: int, today: date | None = None) -> date:
    """Entries last confirmed before this day are stale (for a queryset filter)."""
    today = today or timezone.localdate()
    return add_months(today, -months)


def is_stale(confirmed_on: date, months: int, today: date | None = None) -> bool:
    return confirmed_on < stale_before(months, today)


class Confirmable(models.Model):
    """Abstract: an entry somebody keeps current. `confirmed_on` starts on the day it was entered."""

    maintainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible member"),
    )
    confirmed_on = models.DateField(_("last confirmed on"), default=timezone.localdate)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last confirmed by"),
    )

    class Meta:
        abstract = True

    def confirm_due_on(self, months: int) -> date:
        return confirm_due_on(self.confirmed_on, months)

    def is_stale(self, months: int, today: date | None = None) -> bool:
        return is_stale(self.confirmed_on, months, today)
