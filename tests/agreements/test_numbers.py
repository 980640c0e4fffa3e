"""Numbers as people type them in the indicator and measurement forms: a decimal comma in Dutch, a
point in English, never a silent tenfold (found by an exploratory test: "80,5" was saved as 805)."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from wijkverband.agreements import services
from wijkverband.agreements.forms import IndicatorForm
from wijkverband.agreements.models import Indicator, Measurement
from wijkverband.core.errors import ActionRefused


def _indicator_post(**overrides):
    data = {
        "name": "Terugbelverzoeken binnen een dag",
        "dimension": "accessibility",
        "unit": "%",
        "baseline": "12,5",
        "target": "80,5",
        "frequency": "monthly",
        "source": "",
    }
    return {**data, **overrides}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_decimal_comma_in_dutch_is_saved_as_the_number_typed_and_shown_back_with_a_comma(world, concept, client_for):
    client = client_for("carla")
    response = client.post(f"/t/oost/agreements/{concept.pk}/indicators/new/", _indicator_post())
    assert response.status_code == 302, response.context["form"].errors
    indicator = Indicator.objects.get()
    assert (indicator.target, indicator.baseline) == (Decimal("80.5"), Decimal("12.5"))
    page = _text(client.get(f"/t/oost/agreements/{concept.pk}/"))
    assert "Streefwaarde: 80,50 %" in page and "Nulmeting: 12,50 %" in page
    assert "805" not in page and "125" not in page


def test_a_decimal_point_in_dutch_is_a_decimal_point_too_never_a_tenfold(world, concept, client_for):
    client = client_for("carla")
    client.post(f"/t/oost/agreements/{concept.pk}/indicators/new/", _indicator_post(target="80.5", baseline="12.5"))
    indicator = Indicator.objects.get()
    assert (indicator.target, indicator.baseline) == (Decimal("80.5"), Decimal("12.5"))


def test_in_english_a_point_is_the_decimal_separator_and_the_page_shows_it(world, concept, client_for):
    client = _english(client_for("carla"))
    client.post(f"/t/oost/agreements/{concept.pk}/indicators/new/", _indicator_post(target="80.5", baseline=""))
    assert Indicator.objects.get().target == Decimal("80.5")
    assert "Target: 80.50 %" in _text(client.get(f"/t/oost/agreements/{concept.pk}/"))


def test_a_separator_between_the_thousands_is_refused_not_read_as_one(world, concept, client_for):
    client = client_for("carla")
    url = f"/t/oost/agreements/{concept.pk}/indicators/new/"
    response = client.post(url, _indicator_post(unit="cliënten", target="1.000", baseline="1.000,5"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["target"] == ["Gebruik hooguit twee decimalen, zoals 80,25. Schrijf duizend als 1000, zonder punt."]
    assert errors["baseline"] == [
        "Schrijf het getal zonder punt tussen de duizendtallen, zoals 1000 of 1000,5.",
    ]
    html = response.content.decode()
    assert 'value="1.000"' in html and 'value="1.000,5"' in html  # what was typed stays
    assert not Indicator.objects.exists()


def test_a_value_that_is_no_number_gets_a_dutch_error_at_its_field_and_keeps_the_input(world, concept, client_for):
    response = client_for("carla").post(
        f"/t/oost/agreements/{concept.pk}/indicators/new/", _indicator_post(target="tachtig")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["target"] == ["Voer een getal in, zoals 80,5."]
    assert 'value="tachtig"' in response.content.decode()
    assert not Indicator.objects.exists()


def test_the_number_boxes_are_text_boxes_with_a_decimal_keypad(world, concept, client_for):
    """A number box (type=number) in a Dutch Chromium drops the typed comma: "80,5" arrives as 805."""
    html = client_for("carla").get(f"/t/oost/agreements/{concept.pk}/indicators/new/").content.decode()
    target = re.search(r'<input[^>]*name="target"[^>]*>', html).group(0)
    assert 'type="text"' in target and 'inputmode="decimal"' in target


def test_a_stored_number_is_offered_back_in_the_persons_format(world):
    with translation.override("nl"):
        html = str(IndicatorForm(initial={"target": Decimal("80.50")})["target"])
    assert 'value="80,50"' in html
    with translation.override("en"):
        html = str(IndicatorForm(initial={"target": Decimal("80.50")})["target"])
    assert 'value="80.50"' in html


def test_a_measurement_with_a_decimal_comma_is_saved_and_read_back_in_dutch(world, concept, client_for):
    indicator = services.indicator_create(
        actor=world.carla,
        agreement=concept,
        name="Terugbellen",
        dimension="accessibility",
        unit="%",
        baseline=None,
        target=Decimal("80"),
        frequency="monthly",
    )
    client = client_for("maarten")
    today = timezone.localdate()
    response = client.post(
        f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/measurements/new/",
        {"value": "72,5", "measured_on": today.isoformat(), "note": ""},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Measurement.objects.get().value == Decimal("72.5")
    page = _text(client.get(f"/t/oost/agreements/{concept.pk}/"))
    assert "Waarde (%): 72,50" in page
    assert "legde een meting vast: Terugbellen: 72,50 %" in page  # the history line, in Dutch too
    assert "725" not in page and "72.5" not in page


def test_a_percentage_is_never_negative_at_the_target_the_baseline_or_a_measurement(world, concept, client_for):
    """Found by an exploratory test: an indicator in % took the target -5 and the measurement -40."""
    client = client_for("carla")
    url = f"/t/oost/agreements/{concept.pk}/indicators/new/"
    response = client.post(url, _indicator_post(baseline="-10", target="80"))
    assert response.status_code == 400
    assert response.context["form"].errors["baseline"] == [
        "Een percentage kan niet negatief zijn: geef de nulmeting als 0 of meer."
    ]
    response = client.post(url, _indicator_post(unit="% van de cliënten", baseline="", target="-5"))
    assert response.context["form"].errors["target"] == [
        "Een percentage kan niet negatief zijn: geef de streefwaarde als 0 of meer."
    ]
    assert 'value="-5"' in response.content.decode()
    assert not Indicator.objects.exists()
    # Over 100 % may be right ("% of last year's visits"): only a share stops at 100, and a unit does not say so.
    assert client.post(url, _indicator_post(baseline="", target="120")).status_code == 302
    indicator = Indicator.objects.get()
    measure = f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/measurements/new/"
    today = timezone.localdate().isoformat()
    response = client.post(measure, {"value": "-40", "measured_on": today, "note": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == [
        "Een percentage kan niet negatief zijn: geef de waarde als 0 of meer."
    ]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("unit", ["euro", "%-punt", "procentpunt", "graden"])
def test_a_unit_that_is_no_percentage_may_go_below_zero(world, concept, unit):
    indicator = services.indicator_create(
        actor=world.carla,
        agreement=concept,
        name="Verschil",
        dimension="affordability",
        unit=unit,
        baseline=Decimal("-12.5"),
        target=Decimal("-5"),
        frequency="yearly",
    )
    services.measurement_record(
        actor=world.carla, indicator=indicator, value=Decimal("-7"), measured_on=timezone.localdate()
    )
    assert indicator.measurements.get().value == Decimal("-7")


@pytest.mark.parametrize("unit", ["%", "Procent", "percentage", " % cliënten binnen 2 weken"])
def test_the_service_refuses_a_negative_percentage_by_any_name(world, concept, unit):
    with pytest.raises(
        ActionRefused, match="A percentage cannot be negative: give the target as 0 or more."
    ) as refused:
        services.indicator_create(
            actor=world.carla,
            agreement=concept,
            name="Aandeel",
            dimension="quality",
            unit=unit,
            baseline=None,
            target=Decimal("-0.5"),
            frequency="yearly",
        )
    assert refused.value.field == "target"
    assert not Indicator.objects.exists()
