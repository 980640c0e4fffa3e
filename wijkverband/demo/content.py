"""Demo content for `manage.py seed_demo`: what a team in its first weeks would have.

Utrecht Oost gets two agreements (one adopted by all its parties, one concept), three bottlenecks
(one in progress, one escalated to the region, one internal) and two team threads with a short
discussion: a mention of the pharmacy and a message that asks for confirmation. Everything goes
through the services, so versions, sequence numbers, events, notifications and the audit log are
what real use would produce. Loaded once per team (skipped when the team already has threads).
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Decision
from wijkverband.bottlenecks import selectors as bottleneck_selectors
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Impact
from wijkverband.tenancy.models import Organisation, OrganisationKind, Team
from wijkverband.tenancy.selectors import membership_organisation_id
from wijkverband.threads import selectors as thread_selectors
from wijkverband.threads import services as thread_services


def load(*, team: Team, people: dict) -> bool:
    """people: demo local part -> user (see seed_demo.ACCOUNTS). Returns False when already loaded."""
    if thread_selectors.team_has_topics(team=team):
        return False
    agreements = _agreements(team, people)
    _bottlenecks(team, people, agreements)
    _threads(team, people)
    return True


def _organisation_of(team: Team, user):
    return Organisation.objects.get(pk=membership_organisation_id(user=user, team=team))


def _agreements(team: Team, people: dict) -> list:
    today = timezone.localdate()
    carla, pieter, maarten = people["coordinator"], people["pharmacist"], people["member"]
    transfer = agreement_services.agreement_create(
        actor=pieter,
        team=team,
        data={
            "title": "Medicatieoverdracht na ontslag uit het ziekenhuis",
            "owner": pieter,
            "need": "Na ontslag ontbreekt vaak een actueel medicatieoverzicht bij de wijkverpleging.",
            "body": (
                "1. De apotheek stuurt binnen één werkdag na ontslag het actuele medicatieoverzicht naar "
                "de huisarts en de wijkverpleging.\n"
                "2. De wijkverpleging controleert bij het eerste bezoek de medicatie thuis.\n"
                "3. Verschillen meldt de wijkverpleging dezelfde dag aan de apotheek."
            ),
            "gain_quality": "Minder medicatiefouten in de eerste week thuis.",
            "start_date": today - timedelta(days=60),
            "review_date": today + timedelta(days=300),
        },
    )
    parties = [_organisation_of(team, user) for user in (carla, pieter, maarten)]
    for organisation in parties:
        agreement_services.party_add_organisation(actor=pieter, agreement=transfer, organisation=organisation)
    agreement_services.agreement_propose(actor=pieter, agreement=transfer)
    for user in (carla, pieter, maarten):
        transfer.refresh_from_db()
        agreement_services.endorsement_record(
            actor=user, agreement=transfer, version_number=transfer.version_count, decision=Decision.ENDORSED
        )
    reachability = agreement_services.agreement_create(
        actor=carla,
        team=team,
        data={
            "title": "Bereikbaarheid buiten kantoortijden",
            "owner": carla,
            "need": "Wie bel je 's avonds als een cliënt thuis achteruitgaat?",
            "body": "Concept: een gedeelde lijst met directe nummers per organisatie, elk kwartaal nagelopen.",
        },
    )
    return [transfer, reachability]


def _bottlenecks(team: Team, people: dict, agreements: list) -> None:
    category = {c.key: c for c in bottleneck_selectors.team_categories(team=team)}
    carla, pieter, maarten, sanne = people["coordinator"], people["pharmacist"], people["member"], people["social"]
    late = bottleneck_services.bottleneck_report(
        actor=maarten,
        team=team,
        title="Medicatierol komt na ontslag te laat bij de wijkverpleging",
        description="Drie keer deze maand was er op de eerste dag thuis nog geen medicatierol.",
        category=category["medicatie"],
        impact=Impact.HIGH,
        affected_kinds=[OrganisationKind.PHARMACY, OrganisationKind.DISTRICT_NURSING],
    )
    late = bottleneck_services.bottleneck_ask_owner(
        actor=maarten, bottleneck=late, version=late.version, candidate=pieter
    )
    late = bottleneck_services.bottleneck_accept(actor=pieter, bottleneck=late, version=late.version)
    late = bottleneck_services.bottleneck_start(actor=pieter, bottleneck=late, version=late.version)
    bottleneck_services.bottleneck_link_agreement(
        actor=pieter, bottleneck=late, agreement=agreements[0], kind="resolved_by"
    )
    no_gp = bottleneck_services.bottleneck_report(
        actor=sanne,
        team=team,
        title="Nieuwe inwoners vinden geen huisarts",
        description="Gezinnen in de nieuwbouw staan op wachtlijsten; de praktijken in de wijk zitten vol.",
        category=category["capaciteit"],
        impact=Impact.CRITICAL,
        affected_kinds=[OrganisationKind.GP, OrganisationKind.SOCIAL_DOMAIN],
    )
    bottleneck_services.bottleneck_escalate(
        actor=carla,
        bottleneck=no_gp,
        version=no_gp.version,
        reason="Dit lossen we als wijk niet op: het vraagt afspraken over de hele stad.",
    )
    bottleneck_services.bottleneck_report(
        actor=carla,
        team=team,
        title="Overleg over een kwetsbare cliënt loopt via losse telefoontjes",
        description="We missen een vaste plek om zorgen over één cliënt af te stemmen (zonder cliëntgegevens hier).",
        category=category["overdracht"],
        impact=Impact.MEDIUM,
        affected_kinds=[OrganisationKind.GP, OrganisationKind.DISTRICT_NURSING],
        internal=True,
        internal_reason="Gaat over de werkwijze tussen professionals.",
    )


def _threads(team: Team, people: dict) -> None:
    carla, pieter, maarten, sanne = people["coordinator"], people["pharmacist"], people["member"], people["social"]
    general = thread_services.thread_create(actor=carla, team=team, title="Algemeen", open_to_representatives=True)
    medication = thread_services.thread_create(actor=pieter, team=team, title="Medicatieoverdracht")

    def post(thread, actor, body, asks_ack=False):
        return thread_services.message_post(
            actor=actor, thread=thread, body=body, client_id=uuid.uuid4(), asks_ack=asks_ack
        ).message

    post(general, carla, "Welkom in het wijkverband! Hier bespreken we wat de hele wijk aangaat.")
    post(general, sanne, "Volgende week donderdag is het **wijkoverleg** in het buurthuis, 12:00 uur.")
    ask = post(
        medication,
        pieter,
        "Vanaf maandag sturen we het medicatieoverzicht binnen één werkdag na ontslag. Willen jullie bevestigen "
        "dat jullie het ontvangen?",
        asks_ack=True,
    )
    thread_services.message_acknowledge(actor=carla, message=ask)
    post(medication, maarten, "@apotheek bij mevrouw op de Oosterstraat ontbrak gisteren de rol; ik bel jullie even.")
