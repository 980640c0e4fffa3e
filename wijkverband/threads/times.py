"""When a message was written, as people read it: one format, in Europe/Amsterdam time.

"vandaag 17:44", "gisteren 09:05", "30 november, 17:44", and with the year when it is another
year ("30 november 2025, 17:44", as DATETIME_FORMAT writes every other date and time). The
server renders it (threads/_message.html) and threads.js
builds the same text for live messages from the same words (live_strings: today, yesterday,
months), so a message reads the same whichever way it reached the page.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def month_names() -> list[str]:
    """The twelve month names in the active language, January first (for threads.js)."""
    return [str(MONTHS[number]) for number in range(1, 13)]


def message_time_label(moment: datetime, *, now: datetime | None = None) -> str:
    local = moment.astimezone(AMSTERDAM)
    today = (now or timezone.now()).astimezone(AMSTERDAM).date()
    clock = f"{local.hour:02d}:{local.minute:02d}"
    day = local.date()
    if day == today:
        return _("today %(time)s") % {"time": clock}
    if day == today - timedelta(days=1):
        return _("yesterday %(time)s") % {"time": clock}
    month = str(MONTHS[day.month])
    if day.year == today.year:
        return f"{day.day} {month}, {clock}"
    return f"{day.day} {month} {day.year}, {clock}"
