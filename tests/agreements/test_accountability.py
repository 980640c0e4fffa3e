"""The accountability check: computed from the data, each rule on its own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.agreements.conftest import add_external, endorse_all, version_data
from wijkverband.agreements import selectors, services
from wijkverband.agreements.models import Agreement, PartyKind


def _check(agreement):
    agreement = Agreement.objects.select_related("current_version").get(pk=agreement.pk)
    parties = selectors.party_rows(agreement=agreement)
    indicators = selectors.indicators_with_measurements(agreement=agreement)
    result = selectors.accountability_check(version=agreement.current_version, parties=parties, indicators=indicators)
    return {rule.key: rule for rule in result.rules}, result


def _indicator(world, agreement, dimension="quality"):
    return services.indicator_create(
        actor=world.carla,
        agreement=agreement,
        name=f"Indicator {dimension}",
        dimension=dimension,
        unit="%",
        baseline=None,
        target=__import__("decimal").Decimal("80"),
        frequency="quarterly",
    )


@pytest.fixture
def complete(world, concept):
    add_external(world, concept)
    add_external(world, concept, kind=PartyKind.CLIENT_REPRESENTATION, name="Cliëntenraad Oost")
    _indicator(world, concept)
    services.agreement_propose(actor=world.carla, agreement=concept)
    endorse_all(world, concept)
    for party in concept.parties.exclude(kind=PartyKind.PROVIDER):
        services.consent_record(
            actor=world.carla,
            agreement=concept,
            party=party,
            version_number=1,
            given_on=timezone.localdate(),
            where_given="Overleg",
        )
    return Agreement.objects.get(pk=concept.pk)


def test_a_complete_agreement_meets_every_rule(world, complete):
    _rules, result = _check(complete)
    assert result.ok, [(r.key, r.missing) for r in result.failing]
    assert complete.status == "adopted"


def test_missing_need_analysis_or_sources_is_named(world, complete):
    services.agreement_edit(
        actor=world.carla, agreement=complete, base_version=1, data=version_data(world, need="", sources="")
    )
    rules, _result = _check(complete)
    assert not rules["need"].ok
    assert rules["need"].missing == ["a description of the need", "the sources of the analysis"]


def test_a_missing_zorgdriehoek_kind_is_named(world, concept):
    add_external(world, concept)  # an insurer, but no client representation
    rules, _result = _check(concept)
    assert not rules["triangle"].ok
    assert rules["triangle"].missing == ["Client representation"]


def test_a_municipality_alone_does_not_stand_in_for_the_insurer(world, concept):
    add_external(world, concept, kind=PartyKind.MUNICIPALITY, name="Gemeente Utrecht")
    add_external(world, concept, kind=PartyKind.CLIENT_REPRESENTATION, name="Cliëntenraad")
    rules, _result = _check(concept)
    assert rules["triangle"].missing == ["Health insurer"]


def test_each_claimed_dimension_needs_a_measurable_indicator(world, concept):
    services.agreement_edit(
        actor=world.carla,
        agreement=concept,
        base_version=1,
        data=version_data(world, gain_quality="Beter", gain_affordability="Goedkoper"),
    )
    rules, _result = _check(concept)
    assert rules["indicators"].missing == ["an indicator for quality", "an indicator for affordability"]
    _indicator(world, concept, "quality")
    rules, _result = _check(concept)
    assert rules["indicators"].missing == ["an indicator for affordability"]
    _indicator(world, concept, "affordability")
    rules, _result = _check(concept)
    assert rules["indicators"].ok


def test_an_agreement_that_claims_nothing_fails_the_indicator_rule(world, concept):
    services.agreement_edit(
        actor=world.carla, agreement=concept, base_version=1, data=version_data(world, gain_quality="")
    )
    rules, _result = _check(concept)
    assert not rules["indicators"].ok


def test_a_missing_review_date_is_named(world, concept):
    services.agreement_edit(
        actor=world.carla, agreement=concept, base_version=1, data=version_data(world, review_date=None)
    )
    rules, _result = _check(concept)
    assert not rules["review_date"].ok


def test_parties_that_have_not_endorsed_the_current_version_are_named(world, complete):
    services.agreement_edit(
        actor=world.carla, agreement=complete, base_version=1, data=version_data(world, body="Nieuw")
    )
    rules, _result = _check(complete)
    assert not rules["endorsed"].ok
    assert set(rules["endorsed"].missing) == {p.name for p in complete.parties.all()}
    services.endorsement_record(actor=world.maarten, agreement=complete, version_number=2, decision="endorsed")
    rules, _result = _check(complete)
    assert "Buurtzorg Oost" not in rules["endorsed"].missing


def test_review_due_when_the_date_is_near_or_past(world, adopted):
    for days, due in ((60, False), (10, True), (-5, True)):
        services.agreement_edit(
            actor=world.carla,
            agreement=adopted,
            base_version=Agreement.objects.get(pk=adopted.pk).version_count,
            data=version_data(
                world,
                start_date=timezone.localdate() - timedelta(days=400),
                review_date=timezone.localdate() + timedelta(days=days),
            ),
        )
        agreement = Agreement.objects.select_related("current_version").get(pk=adopted.pk)
        assert selectors.is_review_due(agreement) is due
        listed = selectors.agreement_list(team=world.team_a, filters=selectors.ListFilters(review_due=True))
        assert (agreement in list(listed)) is due
