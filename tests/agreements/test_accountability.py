"""The accountability check: computed from the data, each rule on its own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.agreements.conftest import add_external, endorse_all, version_data
from wijkverband.agreements import selectors, services
from wijkverband.agreements.models import Agreement, Party, PartyKind


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


def _section(html: str, heading_id: str) -> str:
    part = html[html.index(f'id="{heading_id}"') :]
    return part[: part.index("</section>")]


def test_removing_a_party_from_a_pending_version_keeps_the_record_of_the_version_in_force(world, complete, client_for):
    """The client council leaves the agreement at version 2: version 1, in force, keeps it as a
    party with its consent, on its page and in its check; version 2 goes on without it."""
    services.agreement_edit(
        actor=world.carla, agreement=complete, base_version=1, data=version_data(world, body="Nieuwe afspraak")
    )
    council = complete.parties.get(kind=PartyKind.CLIENT_REPRESENTATION)
    response = client_for("carla").post(f"/t/oost/agreements/{complete.pk}/parties/{council.pk}/remove/")
    assert response.status_code == 302
    agreement = Agreement.objects.get(pk=complete.pk)
    assert agreement.adopted_version.number == 1 and agreement.has_pending_version
    # Version 2 (pending) has no client representation any more ...
    rules, _result = _check(agreement)
    assert not rules["triangle"].ok
    assert "Cliëntenraad Oost" not in [row.party.name for row in selectors.party_rows(agreement=agreement)]
    # ... while version 1's record is as it was adopted.
    in_force = selectors.party_rows(agreement=agreement, version=agreement.adopted_version)
    council_row = next(row for row in in_force if row.party.name == "Cliëntenraad Oost")
    assert council_row.endorsed and council_row.endorsement.where_given == "Overleg"
    html = client_for("olga").get(f"/t/oost/agreements/{complete.pk}/print/").content.decode()
    assert "Niet vervuld" not in html
    parties = _section(html, "parties-heading")
    assert "Cliëntenraad Oost" in parties
    assert parties.count("Ingestemd") == 5, parties
    # Added again to version 2, it is asked again; version 1 keeps its consent.
    services.party_add_external(
        actor=world.carla, agreement=agreement, kind=PartyKind.CLIENT_REPRESENTATION, name="Cliëntenraad Oost"
    )
    agreement = Agreement.objects.get(pk=complete.pk)
    assert "Cliëntenraad Oost" in [row.party.name for row in selectors.party_rows(agreement=agreement)]
    in_force = selectors.party_rows(agreement=agreement, version=agreement.adopted_version)
    assert next(row for row in in_force if row.party.name == "Cliëntenraad Oost").endorsed


def test_the_list_filters_on_the_parties_it_binds_or_asks(world, complete, client_for):
    """Filtered by a party, the list shows the agreements that bind it (party to the version in force)
    or that it decides on (party to the current version): a party removed from the pending version
    is bound by the version in force until a version without it is adopted; then it is left out."""
    services.agreement_edit(
        actor=world.carla, agreement=complete, base_version=1, data=version_data(world, body="Nieuwe afspraak")
    )
    council = complete.parties.get(kind=PartyKind.CLIENT_REPRESENTATION)
    pharmacy = complete.parties.get(organisation=world.pharmacy)
    client = client_for("carla")

    def listed(party):
        return complete.pk in [
            a.pk for a in client.get(f"/t/oost/agreements/?party={party}").context["page"].object_list
        ]

    client.post(f"/t/oost/agreements/{complete.pk}/parties/{council.pk}/remove/")
    client.post(f"/t/oost/agreements/{complete.pk}/parties/{pharmacy.pk}/remove/")
    add_external(world, complete, kind=PartyKind.MUNICIPALITY, name="Gemeente Utrecht")
    assert listed("kind:client_representation") and listed(f"org:{world.pharmacy.pk}")
    assert listed("kind:municipality")  # it decides on version 2
    # Version 2 adopted without them: the council and the pharmacy are no party any more.
    agreement = Agreement.objects.get(pk=complete.pk)
    for person in (world.carla, world.maarten):
        services.endorsement_record(actor=person, agreement=agreement, version_number=2, decision="endorsed")
    for party in agreement.parties.exclude(kind=PartyKind.PROVIDER):
        services.consent_record(
            actor=world.carla,
            agreement=agreement,
            party=party,
            version_number=2,
            given_on=timezone.localdate(),
            where_given="Overleg",
        )
    assert Agreement.objects.get(pk=complete.pk).adopted_version.number == 2
    assert not listed("kind:client_representation") and not listed(f"org:{world.pharmacy.pk}")
    assert listed("kind:municipality") and listed(f"org:{world.gp_a.pk}")


def test_a_party_added_to_a_pending_version_is_no_party_of_the_version_in_force(world, complete, client_for):
    services.agreement_edit(
        actor=world.carla, agreement=complete, base_version=1, data=version_data(world, body="Nieuwe afspraak")
    )
    add_external(world, complete, kind=PartyKind.MUNICIPALITY, name="Gemeente Utrecht")
    agreement = Agreement.objects.get(pk=complete.pk)
    in_force = selectors.party_rows(agreement=agreement, version=agreement.adopted_version)
    assert "Gemeente Utrecht" not in [row.party.name for row in in_force]
    assert "Gemeente Utrecht" in [row.party.name for row in selectors.party_rows(agreement=agreement)]
    # Removed again before version 2 is adopted, it was never a party of an adopted version: gone.
    services.party_remove(actor=world.carla, agreement=agreement, party=agreement.parties.get(name="Gemeente Utrecht"))
    assert not Party.on_record.for_team(agreement.team_id).filter(name="Gemeente Utrecht").exists()


def test_the_print_page_names_the_version_whose_decisions_it_shows(world, complete, client_for):
    for number in (1, 2):
        services.agreement_edit(
            actor=world.carla, agreement=complete, base_version=number, data=version_data(world, body=f"Tekst {number}")
        )
    html = client_for("olga").get(f"/t/oost/agreements/{complete.pk}/print/").content.decode()
    assert "Deze pagina toont versie 1" in html
    parties = _section(html, "parties-heading")
    assert "Partijen en hun besluit over versie 1" in parties and "versie 3" not in parties
    # The detail page shows the pending version 3 and the decisions on it (none yet).
    html = client_for("olga").get(f"/t/oost/agreements/{complete.pk}/").content.decode()
    assert "Partijen en hun besluit over versie 3" in html
