"""Days and clock times as people read them, in Europe/Amsterdam: one rule for every list that
groups what happened by day (a thread's messages, the notifications).

A day's heading is "Vandaag", "Gisteren" or the date ("30 november 2026", DATE_FORMAT, the one date
format); under it each item shows its clock time alone ("17:44"), as its day is the heading's.
The day is Amsterdam's: 23:30 UTC on 1 December is 2 December.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T = TypeVar("T")


def local_day(moment: datetime) -> date:
    """The Amsterdam day of `moment`."""
    return moment.astimezone(AMSTERDAM).date()


def clock(moment: datetime) -> str:
    """The clock time alone, "17:44" in Amsterdam."""
    local = moment.astimezone(AMSTERDAM)
    return f"{local.hour:02d}:{local.minute:02d}"


def day_label(day: date, *, now: datetime | None = None) -> str:
    """A day's heading: "Vandaag", "Gisteren", else the date ("30 november 2026")."""
    today = local_day(now or timezone.now())
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return date_format(day, "DATE_FORMAT")


def by_day(
    items: Iterable[T], *, moment: Callable[[T], datetime] = attrgetter("created_at")
) -> list[tuple[date, list[T]]]:
    """`items` (newest or oldest first, as they come) in runs of one Amsterdam day: [(day, items)]."""
    days: list[tuple[date, list[T]]] = []
    for item in items:
        day = local_day(moment(item))
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(item)
    return days
