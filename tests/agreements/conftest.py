from datetime import timedelta

import pytest
from django.utils import timezone, translation

from wijkverband.agreements import services
from wijkverband.agreements.models import PartyKind


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English (the msgids); pages are read in Dutch, as users do."""
    with translation.override("en"):
        yield


def version_data(world, **overrides):
    data = {
        "title": "Medicatiebeoordeling thuis",
        "need": "In Oost wonen 400 ouderen met vijf of meer medicijnen.",
        "sources": "CBS wijkcijfers 2025; apotheekregistratie",
        "body": "De apotheek **beoordeelt** de medicatie; de wijkverpleging signaleert.",
        "gain_quality": "Minder medicatiefouten",
        "gain_accessibility": "",
        "gain_affordability": "",
        "owner": world.carla,
        "start_date": timezone.localdate(),
        "review_date": timezone.localdate() + timedelta(days=180),
        "change_note": "",
    }
    data.update(overrides)
    return data


def edit_version(world, agreement, body):
    """carla saves a new text of `agreement` (a new version once it was proposed); the agreement as it is now."""
    from wijkverband.agreements.models import Agreement

    agreement = Agreement.objects.get(pk=agreement.pk)
    services.agreement_edit(
        actor=world.carla,
        agreement=agreement,
        base_version=agreement.version_count,
        data=version_data(world, body=body),
    )
    return Agreement.objects.get(pk=agreement.pk)


@pytest.fixture
def concept(world):
    """A concept of team A by carla, with parties GP (carla), nursing (maarten) and the pharmacy (pieter)."""
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    return agreement


@pytest.fixture
def proposed(world, concept):
    return services.agreement_propose(actor=world.carla, agreement=concept)


def endorse_all(world, agreement):
    for person in (world.carla, world.maarten, world.pieter):
        agreement.refresh_from_db()
        services.endorsement_record(
            actor=person, agreement=agreement, version_number=agreement.version_count, decision="endorsed"
        )
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def adopted(world, proposed):
    return endorse_all(world, proposed)


def add_external(world, agreement, kind=PartyKind.INSURER, name="Zorgverzekeraar Midden"):
    return services.party_add_external(actor=world.carla, agreement=agreement, kind=kind, name=name)
