"""The dates an agreement takes: plausible ones only.

The forms' date boxes take the one window of a typed date (core/dates.py: from 2000, a start up to
five years ahead); what follows is the agreement's own rule, asked by the form's clean() (a review's
far end, which depends on the start) and by the services for every caller.

A date box takes any year, so a slip (0001, 1900, 9999) was saved and shown as "1 januari 0001", and
exported as "01-01-1". The form (every problem at once, at its field) and the services (the rule, for
every caller) ask the same questions here, in the style of Welzijn op Recept's "Cijfers gaan hooguit
terug tot januari 2015".

- Nothing before 2000: no agreement, review or measurement of a hecht wijkverband is older.
  Measurements are not bound to the agreement's start: a team enters the figures of the months
  before it, for the trend, and an indicator fed from its source gets every month the source has.
- A start at most five years ahead: an agreement is made for the coming years, not for a decade on.
- A review at most ten years after the start (after today, without a start): agreements are
  reviewed every year or two; ten years leaves room for a long one and catches a slip of the year.
"""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wijkverband.core.dates import EARLIEST, years_after

START_YEARS_AHEAD = 5
REVIEW_YEARS_AFTER = 10


def _too_early() -> str:
    return _("Dates go back to %(date)s at most.") % {"date": date_format(EARLIEST)}


def version_date_errors(*, start: date | None, review: date | None, today: date) -> dict[str, str]:
    """What is wrong with a version's start and review date, per field (empty: nothing)."""
    errors = {}
    if start is not None:
        latest = years_after(today, START_YEARS_AHEAD)
        if start < EARLIEST:
            errors["start_date"] = _too_early()
        elif start > latest:
            errors["start_date"] = _("The start date can be at most five years ahead: %(date)s at the latest.") % {
                "date": date_format(latest)
            }
    start = start if "start_date" not in errors else None  # a slip of the start says nothing of the review
    if review is not None:
        if review < EARLIEST:
            errors["review_date"] = _too_early()
        elif start is not None and review < start:
            errors["review_date"] = _("The review date cannot be before the start date.")
        elif start is not None and review > years_after(start, REVIEW_YEARS_AFTER):
            errors["review_date"] = _(
                "The review date can be at most ten years after the start date: %(date)s at the latest."
            ) % {"date": date_format(years_after(start, REVIEW_YEARS_AFTER))}
        elif start is None and review > years_after(today, REVIEW_YEARS_AFTER):
            errors["review_date"] = _("The review date can be at most ten years ahead: %(date)s at the latest.") % {
                "date": date_format(years_after(today, REVIEW_YEARS_AFTER))
            }
    return errors


def measurement_date_error(*, measured_on: date, today: date) -> str | None:
    if measured_on < EARLIEST:
        return _too_early()
    if measured_on > today:
        return _("A measurement cannot be dated in the future.")
    return None
