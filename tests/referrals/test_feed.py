"""An agreement's indicator fed from the Welzijn op Recept figures: written, updated and removed with
them, through agreements' own service (history and audit), and never typed in by hand."""

import calendar
from decimal import Decimal

import pytest

from tests.agreements.conftest import version_data
from tests.referrals.conftest import counts, last_month, months_ago, record
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Action, AgreementEvent, Measurement
from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused
from wijkverband.referrals import services


def month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@pytest.fixture
def agreement(world):
    return agreement_services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))


def indicator(world, agreement, source="referrals.feedback_rate", name="Terugkoppeling Welzijn op Recept"):
    return agreement_services.indicator_create(
        actor=world.carla,
        agreement=agreement,
        name=name,
        dimension="quality",
        unit="%",
        baseline=None,
        target=80,
        frequency="monthly",
        source=source,
    )


def values(ind):
    return {m.measured_on: m.value for m in Measurement.objects.filter(indicator=ind)}


def test_a_new_sourced_indicator_gets_every_month_that_has_figures(world, agreement):
    counts(world, month=months_ago(2), referrals=10, intakes=8, feedback=6)
    record(world, status="intake_held", feedback_on=last_month().replace(day=15))
    record(world, status="not_started")
    record(world, status="referred")
    ind = indicator(world, agreement)
    assert values(ind) == {month_end(months_ago(2)): Decimal("60.00"), month_end(last_month()): Decimal("33.30")}
    fed = AgreementEvent.objects.get(agreement=agreement, action=Action.MEASUREMENT_FED)
    assert "Terugkoppeling Welzijn op Recept" in fed.shown_detail()
    assert AuditEvent.objects.filter(action="agreement.measurement_fed", team_id=world.team_a.pk).count() == 1


def test_figures_that_change_update_the_measurement_of_their_month_only(world, agreement):
    row = counts(world, month=months_ago(2), referrals=10, intakes=8, feedback=6)
    counts(world, month=months_ago(3), referrals=4, intakes=4, feedback=4)
    ind = indicator(world, agreement)
    count_ind = indicator(world, agreement, source="referrals.referrals", name="Verwijzingen")
    intake_ind = indicator(world, agreement, source="referrals.intake_rate", name="Intakes")
    counts(world, month=months_ago(2), referrals=10, intakes=9, feedback=9, version=row.version)
    assert values(ind) == {month_end(months_ago(2)): Decimal("90.00"), month_end(months_ago(3)): Decimal("100.00")}
    assert values(count_ind)[month_end(months_ago(2))] == Decimal("10.00")
    assert values(intake_ind)[month_end(months_ago(2))] == Decimal("90.00")
    # Measurements follow the team's total over every referring organisation.
    record(world, day=months_ago(2).replace(day=4), referrer=world.social_a)
    assert values(ind)[month_end(months_ago(2))] == Decimal("81.80")  # 9 of 11
    assert values(count_ind)[month_end(months_ago(2))] == Decimal("11.00")


def test_nothing_changes_and_nothing_is_logged_when_the_value_stays_the_same(world, agreement):
    row = counts(world, referrals=10, intakes=8, feedback=5)
    indicator(world, agreement)
    before = AgreementEvent.objects.filter(action=Action.MEASUREMENT_FED).count()
    counts(world, referrals=10, intakes=9, feedback=5, version=row.version)  # intakes changed, the rate did not
    assert AgreementEvent.objects.filter(action=Action.MEASUREMENT_FED).count() == before


def test_a_month_whose_figures_go_loses_its_measurement(world, agreement):
    first = record(world, feedback_on=last_month().replace(day=20))
    ind = indicator(world, agreement)
    assert values(ind) == {month_end(last_month()): Decimal("100.00")}
    services.referral_delete(actor=world.maarten, team=world.team_a, record=first)
    assert values(ind) == {}


def test_a_month_without_referrals_has_no_rate_but_a_count_of_zero(world, agreement):
    counts(world, referrals=0, intakes=0, feedback=0)
    rate = indicator(world, agreement)
    number = indicator(world, agreement, source="referrals.referrals", name="Verwijzingen")
    assert values(rate) == {}
    assert values(number) == {month_end(last_month()): Decimal("0.00")}


def test_another_teams_figures_never_feed_this_team(world, agreement):
    ind = indicator(world, agreement)
    services.counts_set(
        actor=world.bram,
        team=world.team_b,
        month=last_month(),
        referrer=world.pharmacy,
        referrals=5,
        intakes=5,
        feedback=5,
    )
    assert values(ind) == {}


def test_a_sourced_indicator_refuses_measurements_by_hand(world, agreement):
    ind = indicator(world, agreement)
    with pytest.raises(ActionRefused, match="fed automatically"):
        agreement_services.measurement_record(actor=world.carla, indicator=ind, value=50, measured_on=last_month())
    assert not Measurement.objects.filter(indicator=ind).exists()


def test_a_sourced_indicator_is_measured_monthly_and_its_source_must_exist(world, agreement):
    with pytest.raises(ActionRefused, match="every month") as refused:
        agreement_services.indicator_create(
            actor=world.carla,
            agreement=agreement,
            name="Terugkoppeling",
            dimension="quality",
            unit="%",
            baseline=None,
            target=80,
            frequency="quarterly",
            source="referrals.feedback_rate",
        )
    assert refused.value.field == "frequency"
    with pytest.raises(ActionRefused, match="from the list"):
        indicator(world, agreement, source="nonsense.rate")


def test_an_ended_agreement_keeps_its_measurements_as_they_were(world, agreement):
    row = counts(world, referrals=10, intakes=8, feedback=5)
    ind = indicator(world, agreement)
    agreement_services.agreement_end(actor=world.carla, agreement=agreement, reason="Opgegaan in een nieuwe afspraak")
    counts(world, referrals=10, intakes=8, feedback=10, version=row.version)
    assert values(ind) == {month_end(last_month()): Decimal("50.00")}


def test_the_indicator_page_says_where_its_measurements_come_from(world, agreement, client_for):
    ind = indicator(world, agreement)
    client = client_for("carla")
    page = client.get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert "Automatisch elke maand gevuld uit Welzijn op Recept" in page
    assert f"/indicators/{ind.pk}/measurements/new/" not in page
    form = client.get(f"/t/oost/agreements/{agreement.pk}/indicators/{ind.pk}/measurements/new/")
    assert "kunnen niet met de hand" in form.content.decode()
    response = client.post(
        f"/t/oost/agreements/{agreement.pk}/indicators/{ind.pk}/measurements/new/",
        {"value": "50", "measured_on": last_month().isoformat()},
    )
    assert response.status_code == 400
    assert not Measurement.objects.filter(indicator=ind).exists()


def test_the_indicator_form_offers_the_sources(world, agreement, client_for):
    client = client_for("maarten")
    form = client.get(f"/t/oost/agreements/{agreement.pk}/indicators/new/").content.decode()
    assert 'value="referrals.feedback_rate"' in form
    counts(world, referrals=4, intakes=4, feedback=3)
    response = client.post(
        f"/t/oost/agreements/{agreement.pk}/indicators/new/",
        {
            "name": "Terugkoppeling",
            "dimension": "quality",
            "unit": "%",
            "target": "80",
            "frequency": "monthly",
            "source": "referrals.feedback_rate",
        },
    )
    assert response.status_code == 302
    ind = agreement.indicators.get()
    assert ind.source == "referrals.feedback_rate"
    assert values(ind) == {month_end(last_month()): Decimal("75.00")}
