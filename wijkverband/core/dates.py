"""The dates a person types in a form: plausible ones only, one window for every form.

A date box takes any year, so a slip (0001, 1900, 9999) was refused with a message about something
else ("cannot be in the future") or, where no rule asked, stored and shown as "1 januari 0001".
Every DateField of a form a person fills in is a `PlausibleDateField`: outside its window the form
says "Vul een datum in tussen 1 januari 2000 en 6 december 2036." at the field, and nothing is saved.

- From 1 January 2000: nothing a hecht wijkverband records is older (its agreements, measurements,
  consents; Welzijn op Recept's figures start later still and narrow the window to 2015).
- Up to ten years ahead: the furthest a team plans (an agreement's review) and well short of a
  slip of the year (2206, 9999). A form may narrow it (an agreement's start: five years), or leave
  the far end to its own rule where that depends on another field (an agreement's review: ten years
  after its start).

The window is the sanity check of the box. What a date must be for its subject (a measurement not
in the future, a review not before the start, a consent not before the version was put to the
parties) is that subject's own rule, with its own words, asked by its service for every caller.
Stored dates are not checked again: what was accepted stays.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 10


def years_after(day: date, years: int) -> date:
    """The same day `years` later (29 February: the 28th in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class PlausibleDateField(forms.DateField):
    """A date between `earliest` and `years_ahead` years from today (both included)."""

    default_error_messages = {
        "out_of_window": _("Give a date between %(earliest)s and %(latest)s."),
        "too_early": _("Give a date from %(earliest)s on."),
    }

    def __init__(self, *, earliest: date = EARLIEST, years_ahead: int | None = YEARS_AHEAD, **kwargs):
        """years_ahead None: the far end is the form's own rule, as it depends on another of its
        fields (an agreement's review: ten years after its start, or after today without one)."""
        super().__init__(**kwargs)
        self.earliest, self.years_ahead = earliest, years_ahead

    def latest(self) -> date | None:
        # Today when the form is filled in, not when the process started.
        return None if self.years_ahead is None else years_after(timezone.localdate(), self.years_ahead)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        latest = self.latest()
        params = {"earliest": date_format(self.earliest)}
        if latest is None and value < self.earliest:
            raise ValidationError(self.error_messages["too_early"], code="too_early", params=params)
        if latest is not None and not self.earliest <= value <= latest:
            params["latest"] = date_format(latest)
            raise ValidationError(self.error_messages["out_of_window"], code="out_of_window", params=params)
