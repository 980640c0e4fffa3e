import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from wijkverband.agreements import services as agreement_services
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Bottleneck, Category, Impact
from wijkverband.threads import services as thread_services


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English source strings; tests/test_translations.py checks the Dutch."""
    with translation.override("en"):
        yield


def report(world, *, actor=None, team=None, title="Medicatieoverdracht na ontslag loopt vast", **fields) -> Bottleneck:
    return bottleneck_services.bottleneck_report(
        actor=actor or world.maarten,
        team=team or world.team_a,
        title=title,
        description="Het medicatieoverzicht komt te laat bij de apotheek.",
        category=Category.objects.get(team=None, key="medicatie"),
        impact=fields.pop("impact", Impact.HIGH),
        affected_kinds=["apotheek"],
        **fields,
    )


def ask_owner(world, b, *, actor=None, candidate=None) -> Bottleneck:
    b.refresh_from_db()
    return bottleneck_services.bottleneck_ask_owner(
        actor=actor or world.carla, bottleneck=b, version=b.version, candidate=candidate or world.pieter
    )


def escalate(world, b, *, actor=None) -> Bottleneck:
    b.refresh_from_db()
    if b.owner_id is None:
        bottleneck_services.bottleneck_ask_owner(
            actor=actor or world.maarten, bottleneck=b, version=b.version, candidate=actor or world.maarten
        )
        b.refresh_from_db()
    return bottleneck_services.bottleneck_escalate(
        actor=actor or world.maarten, bottleneck=b, version=b.version, reason="De wijk komt er zelf niet uit."
    )


def proposed_agreement(world, *, team=None, title="Medicatiebeoordeling thuis", owner=None, organisations=None):
    team = team or world.team_a
    data = {
        "title": title,
        "need": "Veel ouderen met vijf of meer medicijnen.",
        "sources": "Apotheekregistratie",
        "body": "De apotheek beoordeelt de medicatie.",
        "gain_quality": "Minder medicatiefouten",
        "gain_accessibility": "",
        "gain_affordability": "",
        "owner": owner or world.carla,
        "start_date": timezone.localdate(),
        "review_date": timezone.localdate() + timedelta(days=180),
        "change_note": "",
    }
    actor = owner or world.carla
    agreement = agreement_services.agreement_create(actor=actor, team=team, data=data)
    for organisation in organisations or (world.gp_a, world.pharmacy):
        agreement_services.party_add_organisation(actor=actor, agreement=agreement, organisation=organisation)
    return agreement_services.agreement_propose(actor=actor, agreement=agreement)


def ask_confirmation(world, *, team=None, actor=None, title="Overdracht in het weekend"):
    thread = thread_services.thread_create(actor=actor or world.carla, team=team or world.team_a, title=title)
    result = thread_services.message_post(
        actor=actor or world.carla,
        thread=thread,
        body="Wie neemt dit weekend de telefoon?",
        client_id=uuid.uuid4(),
        asks_ack=True,
    )
    return thread, result.message
