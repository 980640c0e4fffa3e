"""When a message was written, as people read it: one format, in Europe/Amsterdam time.

"vandaag 17:44", "gisteren 09:05", "30 november, 17:44", and with the year when it is another
year ("30 november 2025, 17:44", as DATETIME_FORMAT writes every other date and time). The
page shows its clock time alone, the rest for a screen reader (message_time_parts). The
server renders it (threads/_message.html) and threads.js
builds the same text for live messages from the same words (live_strings: today, yesterday,
months), so a message reads the same whichever way it reached the page.

A thread's messages are grouped by day the same way: a heading "Vandaag", "Gisteren" or the date
("30 november 2026", DATE_FORMAT) above the first message of each Amsterdam day, and the clock
time alone beside a message that continues a run: wijkverband/core/days.py (local_day, day_label,
clock), the rule of every list grouped by day, which the notifications follow too
(threads/_day.html, and threads.js dayLabel and clockLabel for live messages).
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from wijkverband.core.days import clock, local_day


def month_names() -> list[str]:
    """The twelve month names in the active language, January first (for threads.js)."""
    return [str(MONTHS[number]) for number in range(1, 13)]


def message_time_parts(moment: datetime, *, now: datetime | None = None) -> tuple[str, str, str]:
    """message_time_label in three parts: what comes before the clock time, the clock time, and what
    comes after: ("vandaag ", "17:44", ""), ("30 november, ", "17:44", ""). A message's header shows
    the clock time alone, as its day is the heading above it (threads/_day.html), as chat apps and
    the notifications page do; the rest is there for a screen reader, which may land on a message
    far from its day's heading (threads/_message.html; threads.js timeParts)."""
    today = local_day(now or timezone.now())
    at, day = clock(moment), local_day(moment)
    if day in (today, today - timedelta(days=1)):
        words = _("today %(time)s") if day == today else _("yesterday %(time)s")
        before, _time, after = words.partition("%(time)s")
        return before, at, after
    month = str(MONTHS[day.month])
    if day.year == today.year:
        return f"{day.day} {month}, ", at, ""
    return f"{day.day} {month} {day.year}, ", at, ""


def message_time_label(moment: datetime, *, now: datetime | None = None) -> str:
    """ "vandaag 17:44", "gisteren 09:05", "30 november, 17:44", "30 november 2025, 17:44"."""
    return "".join(message_time_parts(moment, now=now))
