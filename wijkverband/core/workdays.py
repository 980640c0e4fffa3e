"""Working days for response targets: Monday to Friday, minus the Dutch national holidays.

Targets are counted in working days because a team cannot be "late" over Easter weekend.
"""

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def dutch_public_holidays(year: int) -> frozenset[date]:
    """The national holidays: those of the Algemene termijnenwet (art. 3: New Year's Day, Easter
    Monday, Ascension Day, Whit Monday, both Christmas days, King's Day and 5 May; Easter and Whit
    Sunday are Sundays anyway), but Liberation Day only in lustrum years, as most care collective
    agreements give it off: in other years care teams work on 5 May. Not Good Friday: the law does
    not count it, and GP practices and pharmacies are mostly open. docs/bottlenecks.md and
    docs/wijkcard.md say the same (tests/core/test_workdays.py reads them)."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to Saturday the 26th
        kings_day = date(year, 4, 26)
    days = {
        date(year, 1, 1),
        easter + timedelta(days=1),  # Easter Monday
        kings_day,
        easter + timedelta(days=39),  # Ascension Day
        easter + timedelta(days=50),  # Whit Monday
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year % 5 == 0:
        days.add(date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in dutch_public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (start itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start).

    How long something has waited against a target in working days: asked on Friday, by Monday
    evening it has waited one working day. Counted by whole weeks (five working days each) and the
    few days left, minus the holidays on weekdays in between: lists show it for hundreds of items."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    current = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in dutch_public_holidays(year) if start < day <= end and day.weekday() < 5)
    return count


def past_due_before(today: date) -> date:
    """A target date before this day is past at `today`: the latest working day up to `today`.

    The one rule of "overdue" (te laat) for targets counted in working days: a target date is past
    once a working day after it has begun, that is when more working days have passed than the
    target allowed. Due on a Friday, an item is not late on Saturday or Sunday ("waiting 20 working
    days, target 20" next to "overdue" said two things at once), nor over Easter weekend; it is on
    Monday. A date, so that lists can compare stored due dates with it in SQL."""
    day = today
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def past_due(due: date, today: date) -> bool:
    """Whether a target date `due` is past at `today` (`past_due_before`)."""
    return due < past_due_before(today)
