"""The periods the region dashboard looks at: a quarter (the board's rhythm) or a calendar year.

In a URL a period is its key: "2026-Q3" or "2026". A missing or unknown key means the current
quarter, so a bad link still shows a page.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

#: How many quarters and years back the period filter offers.
QUARTERS_BACK = 8
YEARS_BACK = 3

_KEY = re.compile(r"^(?P<year>20\d\d)(?:-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # the day after the last day
    year: int
    quarter: int | None = None

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}
        return str(self.year)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    @property
    def previous(self) -> "Period":
        if self.quarter:
            return quarter(self.year - 1, 4) if self.quarter == 1 else quarter(self.year, self.quarter - 1)
        return year(self.year - 1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def quarter(year_: int, number: int) -> Period:
    start = date(year_, 3 * (number - 1) + 1, 1)
    end = date(year_ + 1, 1, 1) if number == 4 else date(year_, 3 * number + 1, 1)
    return Period(start=start, end=end, year=year_, quarter=number)


def year(year_: int) -> Period:
    return Period(start=date(year_, 1, 1), end=date(year_ + 1, 1, 1), year=year_)


def current_quarter(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return quarter(today.year, (today.month - 1) // 3 + 1)


def choices(today: date | None = None) -> list[Period]:
    """The periods the filter offers, newest first: the last quarters, then the last years."""
    found = [current_quarter(today)]
    for _i in range(QUARTERS_BACK - 1):
        found.append(found[-1].previous)
    this_year = (today or timezone.localdate()).year
    found.extend(year(this_year - back) for back in range(YEARS_BACK))
    return found


def parse(key: str | None, today: date | None = None) -> Period:
    """The period a key names, if the filter offers it; else the current quarter."""
    match = _KEY.match(key or "")
    if match:
        for period in choices(today):
            if period.key == key:
                return period
    return current_quarter(today)
