"""Months as the first day of the month: parsing "2026-03", stepping, and the choices of a form."""

from datetime import date

from django.utils import timezone
from django.utils.formats import date_format

#: Figures go back at most this far (the month choices of the forms start here).
EARLIEST = date(2015, 1, 1)


def month_of(day: date) -> date:
    return day.replace(day=1)


def this_month() -> date:
    return month_of(timezone.localdate())


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value) -> date | None:
    """ "2026-03" (or a date) -> date(2026, 3, 1); None for anything else."""
    if isinstance(value, date):
        return month_of(value)
    try:
        year, month = str(value).strip().split("-")
        return date(int(year), int(month), 1)
    except (ValueError, TypeError):
        return None


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: date) -> str:
    """ "maart 2026" (the interface's one way of writing a month)."""
    return date_format(month, "F Y")


def months_between(start: date, end: date) -> list[date]:
    months, month = [], start
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def month_choices(*, back: int = 36, earliest: date | None = None) -> list[tuple[str, str]]:
    """The months up to this one, newest first: `back` months, or from `earliest` if that is older."""
    end = this_month()
    start = add_months(end, -(back - 1))
    if earliest is not None and earliest < start:
        start = max(month_of(earliest), EARLIEST)
    return [(month_key(m), month_label(m)) for m in reversed(months_between(start, end))]
