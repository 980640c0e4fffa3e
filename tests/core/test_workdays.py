from datetime import date
from pathlib import Path

from wijkverband.core.workdays import (
    add_working_days,
    dutch_public_holidays,
    easter_sunday,
    is_working_day,
    past_due,
    working_days_between,
)


def test_easter_is_computed_for_known_years():
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)


def test_dutch_holidays_of_2026():
    holidays = dutch_public_holidays(2026)
    assert {
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),
        date(2026, 12, 26),
    } == holidays
    assert date(2026, 4, 3) not in holidays  # Good Friday: not in the Algemene termijnenwet


def test_kings_day_on_a_sunday_moves_to_saturday_and_liberation_day_counts_in_lustrum_years():
    assert date(2025, 4, 26) in dutch_public_holidays(2025)  # 27 April 2025 is a Sunday
    assert date(2025, 5, 5) in dutch_public_holidays(2025)
    assert date(2026, 5, 5) not in dutch_public_holidays(2026)


def test_the_docs_that_name_the_holidays_say_liberation_day_counts_in_lustrum_years_only():
    """Found by testers: docs/wijkcard.md said the holidays are those of the Algemene termijnenwet,
    which lists 5 May every year; the code counts it in lustrum years only (above)."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    naming = {
        (page.name, paragraph)
        for page in docs.glob("*.md")
        for paragraph in page.read_text().split("\n\n")
        if "termijnenwet" in paragraph
    }
    assert {"wijkcard.md", "bottlenecks.md"} <= {name for name, _paragraph in naming}
    for name, paragraph in naming:
        assert "Liberation Day (5 May)" in paragraph and "only in lustrum years" in paragraph, name


def test_weekends_and_holidays_are_not_working_days():
    assert is_working_day(date(2026, 3, 2))  # Monday
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday


def test_adding_working_days_skips_weekends_and_easter():
    assert add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday + 1 = Monday
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 3)  # Good Friday is a working day
    assert add_working_days(date(2026, 4, 3), 1) == date(2026, 4, 7)  # over Easter Monday
    assert add_working_days(date(2026, 3, 2), 10) == date(2026, 3, 16)
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 16)) == 10


def test_working_days_between_counts_only_working_days_after_the_start():
    friday = date(2026, 11, 27)
    assert working_days_between(friday, friday) == 0
    assert working_days_between(friday, date(2026, 11, 29)) == 0  # the weekend
    assert working_days_between(friday, date(2026, 11, 30)) == 1  # Monday
    assert working_days_between(date(2026, 11, 30), friday) == 0  # end before start
    # Christmas Day and Boxing Day 2026 fall on Friday and Saturday.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 1
    for days in range(0, 30):
        assert working_days_between(friday, add_working_days(friday, days)) == days


def test_working_days_between_by_whole_weeks_agrees_with_counting_day_by_day():
    from datetime import timedelta
    from random import Random

    def day_by_day(start, end):
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += is_working_day(current)
        return count

    rng = Random(12)
    for _ in range(3000):
        start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1500))
        end = start + timedelta(days=rng.randint(-5, 800))
        assert working_days_between(start, end) == day_by_day(start, end), (start, end)


def test_a_target_date_is_past_once_a_working_day_after_it_has_begun():
    """The one rule of "overdue" (the item's page, the lists, Mijn werk, the hourly job): due on a
    Friday, not late over the weekend; due on Thursday before Easter, late on the Friday (Good Friday
    is a working day); due on that Friday, late on the Tuesday after Easter Monday."""
    friday = date(2026, 12, 4)
    assert [past_due(friday, date(2026, 12, d)) for d in (4, 5, 6, 7)] == [False, False, False, True]
    assert past_due(date(2026, 4, 2), date(2026, 4, 3))
    assert [past_due(date(2026, 4, 3), date(2026, 4, d)) for d in (4, 5, 6, 7)] == [False, False, False, True]
    # The same as "more working days waited than the target", counted from any start before.
    start = date(2026, 11, 6)
    for d in range(1, 15):
        today = date(2026, 12, d)
        assert past_due(friday, today) == (working_days_between(start, today) > working_days_between(start, friday))
