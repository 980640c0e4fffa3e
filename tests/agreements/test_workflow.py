"""The lifecycle: concept → proposed → adopted → ended, every transition and every refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.agreements.conftest import add_external, endorse_all, version_data
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, AgreementEvent, Endorsement, Status
from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused


def _state(agreement):
    agreement = Agreement.objects.get(pk=agreement.pk)
    return (
        agreement.status,
        agreement.version_count,
        agreement.current_version_id,
        agreement.adopted_version_id,
        Endorsement.objects.filter(agreement=agreement).count(),
        agreement.parties.count(),
    )


def test_a_new_agreement_is_a_concept_with_version_one_and_history(world, concept):
    assert concept.status == Status.CONCEPT
    assert concept.version_count == 1
    assert concept.current_version.title == "Medicatiebeoordeling thuis"
    actions = list(AgreementEvent.objects.filter(agreement=concept).values_list("action", flat=True))
    assert "created" in actions
    assert AuditEvent.objects.filter(action="agreement.created", object_id=str(concept.pk)).exists()


def test_proposing_a_concept_makes_it_proposed(world, proposed):
    assert proposed.status == Status.PROPOSED


def test_proposing_without_parties_is_refused_and_changes_nothing(world):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    before = _state(agreement)
    with pytest.raises(ActionRefused, match="parties"):
        services.agreement_propose(actor=world.carla, agreement=agreement)
    assert _state(agreement) == before


def test_proposing_twice_is_refused(world, proposed):
    before = _state(proposed)
    with pytest.raises(ActionRefused, match="Only a concept"):
        services.agreement_propose(actor=world.carla, agreement=proposed)
    assert _state(proposed) == before


def test_the_last_endorsement_adopts_the_agreement(world, proposed):
    agreement = endorse_all(world, proposed)
    assert agreement.status == Status.ADOPTED
    assert agreement.adopted_version_id == agreement.current_version_id
    assert AgreementEvent.objects.filter(agreement=agreement, action="adopted").count() == 1


def test_nobody_can_force_adoption_while_a_party_has_not_endorsed(world, proposed):
    services.endorsement_record(actor=world.carla, agreement=proposed, version_number=1, decision="endorsed")
    before = _state(proposed)
    with pytest.raises(ActionRefused, match="Still missing: .*Buurtzorg Oost"):
        services.agreement_adopt(actor=world.carla, agreement=proposed)
    assert _state(proposed) == before


def test_a_concept_cannot_be_adopted(world, concept):
    with pytest.raises(ActionRefused, match="propose it first"):
        services.agreement_adopt(actor=world.carla, agreement=concept)
    assert Agreement.objects.get(pk=concept.pk).status == Status.CONCEPT


def test_an_adopted_version_cannot_be_adopted_again(world, adopted):
    with pytest.raises(ActionRefused, match="already adopted"):
        services.agreement_adopt(actor=world.carla, agreement=adopted)


def test_a_declined_party_blocks_adoption_until_it_endorses(world, proposed):
    services.endorsement_record(
        actor=world.pieter, agreement=proposed, version_number=1, decision="declined", reason="Geen capaciteit"
    )
    services.endorsement_record(actor=world.carla, agreement=proposed, version_number=1, decision="endorsed")
    services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="endorsed")
    assert Agreement.objects.get(pk=proposed.pk).status == Status.PROPOSED
    services.endorsement_record(actor=world.pieter, agreement=proposed, version_number=1, decision="endorsed")
    assert Agreement.objects.get(pk=proposed.pk).status == Status.ADOPTED


def test_removing_the_last_missing_party_adopts_when_the_rest_endorsed(world, proposed):
    services.endorsement_record(actor=world.carla, agreement=proposed, version_number=1, decision="endorsed")
    services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="endorsed")
    pharmacy_party = proposed.parties.get(organisation=world.pharmacy)
    services.party_remove(actor=world.carla, agreement=proposed, party=pharmacy_party)
    assert Agreement.objects.get(pk=proposed.pk).status == Status.ADOPTED


def test_ending_needs_a_reason_and_is_final(world, adopted):
    before = _state(adopted)
    with pytest.raises(ActionRefused, match="why"):
        services.agreement_end(actor=world.carla, agreement=adopted, reason="   ")
    assert _state(adopted) == before
    services.agreement_end(actor=world.carla, agreement=adopted, reason="Opgegaan in de nieuwe wijkaanpak")
    ended = Agreement.objects.get(pk=adopted.pk)
    assert ended.status == Status.ENDED
    assert ended.ended_reason == "Opgegaan in de nieuwe wijkaanpak"
    for attempt in (
        lambda: services.agreement_end(actor=world.carla, agreement=ended, reason="nogmaals"),
        lambda: services.agreement_propose(actor=world.carla, agreement=ended),
        lambda: services.agreement_adopt(actor=world.carla, agreement=ended),
        lambda: services.agreement_edit(
            actor=world.carla, agreement=ended, base_version=1, data=version_data(world, title="Nieuw")
        ),
        lambda: services.party_add_external(actor=world.carla, agreement=ended, kind="insurer", name="VGZ"),
    ):
        with pytest.raises(ActionRefused):
            attempt()
    assert _state(ended)[0] == Status.ENDED
    assert _state(ended)[1:] == before[1:]


def test_only_the_owner_or_a_coordinator_ends_an_agreement(world, proposed):
    with pytest.raises(ActionRefused, match="owner or a coordinator"):
        services.agreement_end(actor=world.maarten, agreement=proposed, reason="Ik wil niet meer")
    assert Agreement.objects.get(pk=proposed.pk).status == Status.PROPOSED
    # maarten as owner may end it
    services.agreement_edit(
        actor=world.carla, agreement=proposed, base_version=1, data=version_data(world, owner=world.maarten)
    )
    services.agreement_end(actor=world.maarten, agreement=proposed, reason="Doel bereikt")
    assert Agreement.objects.get(pk=proposed.pk).status == Status.ENDED


def test_a_concept_can_be_ended_too(world, concept):
    services.agreement_end(actor=world.carla, agreement=concept, reason="Dubbel met een andere afspraak")
    assert Agreement.objects.get(pk=concept.pk).status == Status.ENDED


@pytest.mark.parametrize("persona", ["rosa", "olga", "bram", "ada"])
def test_readers_and_outsiders_cannot_write_through_services(world, concept, persona):
    user = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        services.agreement_propose(actor=user, agreement=concept)
    with pytest.raises(PermissionDenied):
        services.agreement_create(actor=user, team=world.team_a, data=version_data(world))
    assert Agreement.objects.count() == 1


def test_the_owner_must_be_a_professional_of_the_team(world):
    for owner in (world.rosa, world.bram, world.olga):
        with pytest.raises(ActionRefused, match="owner"):
            services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world, owner=owner))
    assert Agreement.objects.count() == 0


def test_review_before_start_is_refused(world):
    today = timezone.localdate()
    with pytest.raises(ActionRefused, match="review date"):
        services.agreement_create(
            actor=world.carla,
            team=world.team_a,
            data=version_data(world, start_date=today, review_date=today - timedelta(days=1)),
        )


def test_parties_of_an_adopted_agreement_change_only_with_a_new_version(world, adopted):
    before = _state(adopted)
    with pytest.raises(ActionRefused, match="new version"):
        add_external(world, adopted)
    assert _state(adopted) == before
    services.agreement_edit(
        actor=world.carla, agreement=adopted, base_version=1, data=version_data(world, body="Nieuwe tekst")
    )
    add_external(world, adopted)
    assert Agreement.objects.get(pk=adopted.pk).parties.count() == 4


def test_a_party_cannot_be_added_twice(world, concept):
    with pytest.raises(ActionRefused, match="already a party"):
        services.party_add_organisation(actor=world.carla, agreement=concept, organisation=world.gp_a)
    add_external(world, concept)
    with pytest.raises(ActionRefused, match="already a party"):
        add_external(world, concept, name="zorgverzekeraar midden")
    assert concept.parties.count() == 4


def test_an_organisation_outside_the_team_cannot_be_a_party(world, concept):
    with pytest.raises(ActionRefused, match="does not take part"):
        services.party_add_organisation(actor=world.carla, agreement=concept, organisation=world.nursing_b)


def test_an_external_party_needs_a_valid_kind_and_name(world, concept):
    with pytest.raises(ActionRefused, match="kind"):
        services.party_add_external(actor=world.carla, agreement=concept, kind="provider", name="X")
    with pytest.raises(ActionRefused, match="name"):
        services.party_add_external(actor=world.carla, agreement=concept, kind="insurer", name="  ")
    assert concept.parties.count() == 3


def test_the_last_party_of_a_proposed_agreement_cannot_be_removed(world):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    party = services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    services.agreement_propose(actor=world.carla, agreement=agreement)
    with pytest.raises(ActionRefused, match="at least one party"):
        services.party_remove(actor=world.carla, agreement=agreement, party=party)
    assert agreement.parties.count() == 1


def _indicator_kwargs(**overrides):
    kwargs = {
        "name": "Wachttijd",
        "dimension": "accessibility",
        "unit": "dagen",
        "baseline": None,
        "target": Decimal("5"),
        "frequency": "monthly",
    }
    kwargs.update(overrides)
    return kwargs


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": " "}, "name"),
        ({"dimension": "speed"}, "dimension"),
        ({"unit": ""}, "unit"),
        ({"frequency": "daily"}, "how often"),
        ({"target": None}, "target"),
        ({"target": Decimal("NaN")}, "target"),
        ({"baseline": Decimal("1e13")}, "baseline"),
    ],
)
def test_an_invalid_indicator_is_refused_and_nothing_is_saved(world, concept, overrides, message):
    with pytest.raises(ActionRefused, match=message):
        services.indicator_create(actor=world.carla, agreement=concept, **_indicator_kwargs(**overrides))
    assert not concept.indicators.exists()


def test_an_ended_agreement_takes_no_indicators_or_measurements(world, concept):
    indicator = services.indicator_create(actor=world.carla, agreement=concept, **_indicator_kwargs())
    services.agreement_end(actor=world.carla, agreement=concept, reason="Gestopt")
    with pytest.raises(ActionRefused, match="ended"):
        services.indicator_create(actor=world.carla, agreement=concept, **_indicator_kwargs(name="Ander"))
    with pytest.raises(ActionRefused, match="ended"):
        services.measurement_record(
            actor=world.maarten, indicator=indicator, value=Decimal("3"), measured_on=timezone.localdate()
        )
    assert concept.indicators.count() == 1
    assert not indicator.measurements.exists()


def test_readers_cannot_record_measurements(world, concept):
    indicator = services.indicator_create(actor=world.carla, agreement=concept, **_indicator_kwargs())
    for persona in ("rosa", "olga"):
        with pytest.raises(PermissionDenied):
            services.measurement_record(
                actor=getattr(world, persona), indicator=indicator, value=Decimal("3"), measured_on=timezone.localdate()
            )
    assert not indicator.measurements.exists()
