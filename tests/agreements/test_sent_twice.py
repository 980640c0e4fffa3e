"""An indicator or a measurement sent twice (a double tap without JavaScript) is added once, and the
second send lands where the first went, saying so (core.once)."""

from datetime import date

import pytest

from tests.sent_twice import assert_second_lands_where_the_first_went, send_twice
from wijkverband.agreements import services
from wijkverband.agreements.models import Indicator, Measurement


def _indicator(world, agreement):
    url = f"/t/oost/agreements/{agreement.pk}/indicators/new/"
    data = {"name": "Wachttijd", "dimension": "accessibility", "unit": "dagen", "target": "5", "frequency": "quarterly"}
    return url, data, Indicator.objects.filter(agreement=agreement, name="Wachttijd")


def _measurement(world, agreement):
    indicator = services.indicator_create(
        actor=world.carla,
        agreement=agreement,
        name="Beoordelingen",
        dimension="quality",
        unit="clients",
        baseline=None,
        target=40,
        frequency="monthly",
    )
    url = f"/t/oost/agreements/{agreement.pk}/indicators/{indicator.pk}/measurements/new/"
    data = {"value": "12", "measured_on": date.today().isoformat(), "note": ""}
    return url, data, Measurement.objects.filter(indicator=indicator)


@pytest.mark.parametrize("form", [_indicator, _measurement])
def test_a_form_sent_twice_adds_one_and_both_sends_land_on_the_agreement(world, client_for, concept, form):
    url, data, made = form(world, concept)
    first, again = send_twice(client_for("carla"), url, data)
    assert made.count() == 1
    assert_second_lands_where_the_first_went(first, again)
