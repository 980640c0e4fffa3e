"""The dates an agreement takes are plausible ones (found by an exploratory test: a start on
1 January 0001 and a review on 31 December 9999 were saved, shown as "1 januari 0001" and exported
as "01-01-1"; a measurement of 1 January 1900 was recorded). Each slip is an error at its field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.agreements.conftest import version_data
from tests.agreements.helpers import form_post
from wijkverband.agreements import services
from wijkverband.agreements.dates import years_after
from wijkverband.agreements.models import Agreement, AgreementVersion, Measurement
from wijkverband.core.errors import ActionRefused


def test_a_start_in_the_year_one_and_a_review_in_9999_are_refused_at_their_fields(world, client_for):
    response = client_for("carla").post(
        "/t/oost/agreements/new/", form_post(world, start_date="0001-01-01", review_date="9999-12-31")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    # The one window of a typed date (core/dates.py), a start up to five years ahead; a review's far
    # end depends on the start, and is said in those words.
    assert errors["start_date"] == [f"Vul een datum in tussen 1 januari 2000 en {_ahead(5)}."]
    assert errors["review_date"] == [f"De evaluatiedatum ligt hooguit tien jaar vooruit: uiterlijk {_ahead(10)}."]
    assert 'value="0001-01-01"' in response.content.decode()  # what was typed stays
    assert not Agreement.objects.exists()


def _ahead(years: int) -> str:
    with translation.override("nl"):
        return date_format(years_after(timezone.localdate(), years))


def test_a_review_before_2000_is_refused_at_its_date(world, client_for):
    response = client_for("carla").post("/t/oost/agreements/new/", form_post(world, review_date="0001-01-01"))
    assert response.context["form"].errors["review_date"] == ["Vul een datum in vanaf 1 januari 2000."]
    assert not Agreement.objects.exists()


def test_each_date_is_bounded_from_the_first_day_out_of_range(world, client_for):
    client = client_for("carla")
    today = timezone.localdate()
    five, ten = years_after(today, 5), years_after(today, 10)
    refused = {
        "start_date": [date(1999, 12, 31), five + timedelta(days=1)],
        "review_date": [date(1999, 12, 31), ten + timedelta(days=1)],
    }
    for field, days in refused.items():
        for day in days:
            response = client.post("/t/oost/agreements/new/", form_post(world, **{field: day.isoformat()}))
            assert response.status_code == 400 and field in response.context["form"].errors, (field, day)
    start = date(2000, 1, 1)
    response = client.post(
        "/t/oost/agreements/new/",
        form_post(world, start_date=start.isoformat(), review_date=(years_after(start, 10) + timedelta(1)).isoformat()),
    )
    assert response.context["form"].errors["review_date"] == [
        "De evaluatiedatum ligt hooguit tien jaar na de startdatum: uiterlijk 1 januari 2010."
    ]
    assert not Agreement.objects.exists()
    for start, review in ((date(2000, 1, 1), date(2010, 1, 1)), (five, years_after(five, 10)), (None, ten)):
        data = form_post(world, start_date=start.isoformat() if start else "", review_date=review.isoformat())
        assert client.post("/t/oost/agreements/new/", data).status_code == 302, (start, review)
    assert Agreement.objects.count() == 3


def test_an_edit_with_a_slip_of_the_year_is_refused_and_keeps_the_version(world, concept, client_for):
    response = client_for("carla").post(
        f"/t/oost/agreements/{concept.pk}/edit/",
        form_post(world, start_date="2026-01-01", review_date="2206-01-01", base_version=1),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["review_date"] == [
        "De evaluatiedatum ligt hooguit tien jaar na de startdatum: uiterlijk 1 januari 2036."
    ]
    assert AgreementVersion.objects.filter(agreement=concept).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_date": date(1, 1, 1)}, "start_date", "Dates go back to 1 January 2000 at most."),
        ({"review_date": date(9999, 12, 31)}, "review_date", "The review date can be at most ten years after"),
        ({"start_date": date(2999, 1, 1), "review_date": None}, "start_date", "The start date can be at most five"),
    ],
)
def test_the_service_refuses_what_the_form_refuses(world, overrides, field, message):
    with pytest.raises(ActionRefused, match=message) as refused:
        services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world, **overrides))
    assert refused.value.field == field
    assert not Agreement.objects.exists()


def _indicator(world, agreement):
    return services.indicator_create(
        actor=world.carla,
        agreement=agreement,
        name="Terugbellen",
        dimension="accessibility",
        unit="aantal",
        baseline=None,
        target=Decimal("10"),
        frequency="monthly",
    )


def test_a_measurement_of_1900_is_refused_at_its_date_and_one_before_the_start_is_not(world, concept, client_for):
    indicator = _indicator(world, concept)
    url = f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/measurements/new/"
    client = client_for("maarten")
    response = client.post(url, {"value": "3", "measured_on": "1900-01-01", "note": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["measured_on"] == [
        f"Vul een datum in tussen 1 januari 2000 en {_ahead(10)}."
    ]
    assert 'value="1900-01-01"' in response.content.decode()
    assert not Measurement.objects.exists()
    # The figures of the months before the agreement started are the trend it starts from.
    assert client.post(url, {"value": "3", "measured_on": "2000-01-01", "note": ""}).status_code == 302
    assert [m.measured_on for m in Measurement.objects.all()] == [date(2000, 1, 1)]


def test_a_measurement_of_9999_is_refused_at_its_date(world, concept, client_for):
    """A measurement dated 31 December 9999 got "cannot be dated in the future", which a slip of the
    year is not; now the window says which dates a date box takes."""
    indicator = _indicator(world, concept)
    url = f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/measurements/new/"
    response = client_for("maarten").post(url, {"value": "3", "measured_on": "9999-12-31", "note": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["measured_on"] == [
        f"Vul een datum in tussen 1 januari 2000 en {_ahead(10)}."
    ]
    assert not Measurement.objects.exists()
    today = timezone.localdate().isoformat()
    assert client_for("maarten").post(url, {"value": "3", "measured_on": today, "note": ""}).status_code == 302
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
def test_a_consent_dated_in_an_implausible_year_is_refused_at_its_date(world, proposed, client_for, typed):
    from tests.agreements.conftest import add_external
    from wijkverband.agreements.models import Endorsement

    insurer = add_external(world, proposed)
    url = f"/t/oost/agreements/{proposed.pk}/parties/{insurer.pk}/consent/"
    client = client_for("carla")
    response = client.post(url, {"version": 1, "given_on": typed, "where_given": "Brief van de verzekeraar"})
    assert response.status_code == 400
    assert response.context["form"].errors["given_on"] == [f"Vul een datum in tussen 1 januari 2000 en {_ahead(10)}."]
    assert "Brief van de verzekeraar" in response.content.decode()  # what was typed is kept
    assert not Endorsement.objects.exists()
    today = timezone.localdate().isoformat()
    response = client.post(url, {"version": 1, "given_on": today, "where_given": "Brief van de verzekeraar"})
    assert response.status_code == 302
    assert Endorsement.objects.get().given_on == timezone.localdate()
