"""Versions: every save is a new version; after adoption the old one stays in force; conflicts."""

import pytest

from tests.agreements.conftest import endorse_all, version_data
from wijkverband.agreements import selectors, services
from wijkverband.agreements.models import Agreement, AgreementVersion, Status
from wijkverband.core.errors import ActionRefused


def test_editing_a_concept_makes_version_two_and_keeps_version_one(world, concept):
    services.agreement_edit(
        actor=world.maarten, agreement=concept, base_version=1, data=version_data(world, title="Nieuwe titel")
    )
    versions = AgreementVersion.objects.filter(agreement=concept).order_by("number")
    assert [(v.number, v.title) for v in versions] == [(1, "Medicatiebeoordeling thuis"), (2, "Nieuwe titel")]
    assert Agreement.objects.get(pk=concept.pk).current_version.number == 2
    assert versions[1].created_by == world.maarten


def test_saving_without_a_change_makes_no_version(world, concept):
    with pytest.raises(ActionRefused, match="Nothing changed"):
        services.agreement_edit(actor=world.carla, agreement=concept, base_version=1, data=version_data(world))
    assert AgreementVersion.objects.filter(agreement=concept).count() == 1


def test_editing_an_adopted_agreement_creates_a_version_while_the_old_stays_in_force(world, adopted):
    in_force = adopted.adopted_version_id
    services.agreement_edit(
        actor=world.maarten, agreement=adopted, base_version=1, data=version_data(world, body="Strengere afspraak")
    )
    agreement = Agreement.objects.get(pk=adopted.pk)
    assert agreement.status == Status.ADOPTED
    assert agreement.adopted_version_id == in_force
    assert agreement.current_version.number == 2
    assert agreement.has_pending_version
    assert agreement.adopted_version.body != "Strengere afspraak"
    agreement = endorse_all(world, agreement)
    assert agreement.adopted_version.number == 2
    assert not agreement.has_pending_version


def test_the_second_of_two_simultaneous_edits_is_told_it_conflicts(world, concept):
    # Both opened version 1; the first save wins.
    services.agreement_edit(
        actor=world.carla, agreement=concept, base_version=1, data=version_data(world, body="Carla's tekst")
    )
    with pytest.raises(ActionRefused, match="Someone else saved version 2") as refused:
        services.agreement_edit(
            actor=world.maarten, agreement=concept, base_version=1, data=version_data(world, body="Maartens tekst")
        )
    assert refused.value.code == "conflict"
    agreement = Agreement.objects.get(pk=concept.pk)
    assert agreement.version_count == 2
    assert agreement.current_version.body == "Carla's tekst"


def test_compare_shows_changed_fields_and_text_lines(world, concept):
    services.agreement_edit(
        actor=world.carla,
        agreement=concept,
        base_version=1,
        data=version_data(world, body="Regel een\nRegel twee", owner=world.maarten),
    )
    v1, v2 = AgreementVersion.objects.filter(agreement=concept).order_by("number")
    comparisons = {c.name: c for c in selectors.versions_compare(before=v1, after=v2)}
    assert comparisons["body"].changed
    assert [line.kind for line in comparisons["body"].lines].count("added") == 2
    assert [line.kind for line in comparisons["body"].lines].count("removed") == 1
    assert comparisons["owner"].before == "Carla Coördinator"
    assert comparisons["owner"].after == "Maarten Lid"
    assert not comparisons["title"].changed
