"""The one window of a date a person types (core/dates.py): from 1 January 2000 up to ten years
ahead unless a form narrows or widens it. A date box takes any year, so 0001 and 9999 were typed
and (where a service did not refuse them) stored."""

from datetime import date

import pytest
from django import forms
from django.utils import timezone, translation

from wijkverband.core.dates import EARLIEST, PlausibleDateField, years_after


class _Form(forms.Form):
    day = PlausibleDateField(label="Datum")
    past = PlausibleDateField(label="Datum", years_ahead=0, required=False)
    since_2015 = PlausibleDateField(label="Datum", earliest=date(2015, 1, 1), required=False)


def _errors(**data):
    form = _Form({"day": data.pop("day", "2024-05-01"), **data})
    form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize("typed", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_an_implausible_year_is_refused_with_the_window_in_dutch(typed):
    latest = years_after(timezone.localdate(), 10)
    with translation.override("nl"):
        assert _errors(day=typed) == {
            "day": [f"Vul een datum in tussen 1 januari 2000 en {latest.day} {_dutch_month(latest)} {latest.year}."]
        }


def test_the_window_holds_its_first_and_last_day():
    today = timezone.localdate()
    assert _errors(day=EARLIEST.isoformat()) == {}
    assert _errors(day=years_after(today, 10).isoformat()) == {}
    assert "day" in _errors(day=date.fromordinal(years_after(today, 10).toordinal() + 1).isoformat())
    # A date that happened: up to today.
    assert _errors(past=today.isoformat()) == {}
    assert "past" in _errors(past=date.fromordinal(today.toordinal() + 1).isoformat())
    # A form's own earliest day.
    assert "since_2015" in _errors(since_2015="2014-12-31")
    assert _errors(since_2015="2015-01-01") == {}


def test_an_empty_optional_date_and_nonsense_keep_their_own_answers():
    assert _errors(past="") == {}
    with translation.override("en"):
        assert _errors(day="31-02-2024") == {"day": ["Enter a valid date."]}


def _dutch_month(day: date) -> str:
    from django.utils.dates import MONTHS

    with translation.override("nl"):
        return str(MONTHS[day.month])
