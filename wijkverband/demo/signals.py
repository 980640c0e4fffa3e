"""Demo signals and the insurer's own account (issue 15, parts 4 and 5).

Utrecht Oost gets an agreement proposed to four parties: two providers (who endorsed), the insurer
"Zorgverzekeraar Utrecht Midden", whose account `insurer@…` endorses for itself (its decision
still waits), and the client council "Cliëntenraad Utrecht Oost" without an account, whose
consent the coordinator recorded. The representatives filed signals: one became a bottleneck,
one went into the review of the adopted medication agreement, one was answered directly, one
waits on the coordinator; the region's representative filed one in Utrecht Zuid.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.utils import timezone

from wijkverband.agreements import selectors as agreement_selectors
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Decision, PartyKind, Status
from wijkverband.bottlenecks import selectors as bottleneck_selectors
from wijkverband.bottlenecks.models import Impact
from wijkverband.signals import selectors as signal_selectors
from wijkverband.signals import services as signal_services
from wijkverband.tenancy import services as tenancy_services
from wijkverband.tenancy.models import Membership, Organisation, OrganisationKind
from wijkverband.tenancy.selectors import membership_organisation_id, user_memberships

DESCRIPTION = "signals (four in Utrecht Oost, one in Zuid) and the insurer's own account"
INSURER = "Zorgverzekeraar Utrecht Midden"
COUNCIL = "Cliëntenraad Utrecht Oost"
#: local part, name: the insurer's account (an external party of Utrecht Oost)
INSURER_ACCOUNT = ("insurer", "Ingrid Verhoeven")


def load(*, teams, regions, people, email, password, totp_secret) -> bool:
    oost, zuid = teams["utrecht-oost"], teams["utrecht-zuid"]
    if signal_selectors.team_signals(team=oost).exists():
        return False
    _insurer_agreement(oost, people, email=email, password=password, totp_secret=totp_secret)
    _signals(oost, zuid, people)
    return True


def _insurer_agreement(team, people, *, email, password, totp_secret) -> None:
    carla, maarten = people["coordinator"], people["member"]
    today = timezone.localdate()
    agreement = agreement_services.agreement_create(
        actor=carla,
        team=team,
        data={
            "title": "Wijkverpleging 's avonds bereikbaar voor de huisarts",
            "owner": carla,
            "need": "Na 17 uur weet de huisartsenpost niet welke wijkverpleegkundige dienst heeft.",
            "body": (
                "1. De wijkverpleging zet elke dag vóór 16 uur het avondnummer op de wijkkaart.\n"
                "2. De huisarts belt bij een zorgvraag na ontslag eerst dat nummer.\n"
                "3. De zorgverzekeraar bekostigt de avonddienst als onderdeel van de wijkafspraken."
            ),
            "gain_accessibility": "Cliënten krijgen 's avonds sneller de juiste zorg thuis.",
            "start_date": today,
            "review_date": today + timedelta(days=180),
        },
    )
    for user in (carla, maarten):
        organisation = Organisation.objects.get(pk=membership_organisation_id(user=user, team=team))
        agreement_services.party_add_organisation(actor=carla, agreement=agreement, organisation=organisation)
    agreement_services.party_add_external(actor=carla, agreement=agreement, kind=PartyKind.INSURER, name=INSURER)
    council = agreement_services.party_add_external(
        actor=carla, agreement=agreement, kind=PartyKind.CLIENT_REPRESENTATION, name=COUNCIL
    )
    agreement_services.agreement_propose(actor=carla, agreement=agreement)
    for user in (carla, maarten):
        agreement.refresh_from_db()
        agreement_services.endorsement_record(
            actor=user, agreement=agreement, version_number=agreement.version_count, decision=Decision.ENDORSED
        )
    agreement.refresh_from_db()
    agreement_services.consent_record(
        actor=carla,
        agreement=agreement,
        party=council,
        version_number=agreement.version_count,
        given_on=today,  # not before the agreement was proposed (just now)
        where_given="vergadering van de cliëntenraad",
    )
    # The insurer's own account: invited like everyone (here written directly, with its second factor).
    local, name = INSURER_ACCOUNT
    User = get_user_model()
    user = User.objects.filter(email=email(local)).first() or User.objects.create_user(
        email=email(local), password=password, name=name
    )
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if not user_memberships(user=user).filter(team=team).exists():
        tenancy_services.membership_create(
            actor=None,
            team=team,
            user=user,
            role=Membership.Role.EXTERNAL_PARTY,
            organisation=Organisation.objects.get(name=INSURER, kind=OrganisationKind.INSURER),
        )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, totp_secret(local))


def _signals(oost, zuid, people) -> None:
    rosa, rik, carla = people["representative"], people["region-representative"], people["coordinator"]
    category = {c.key: c for c in bottleneck_selectors.team_categories(team=oost)}
    evening = signal_services.signal_file(
        actor=rosa,
        team=oost,
        title="'s Avonds weet niemand wie je moet bellen",
        text=(
            "Cliënten die na 17 uur thuis achteruitgaan, bellen de huisartsenpost en krijgen te horen dat "
            "ze de wijkverpleging moeten bellen. Welk nummer dat is, weet niemand."
        ),
    )
    signal_services.signal_to_bottleneck(
        actor=carla,
        signal=evening,
        answer=(
            "Dank je. We hebben dit als knelpunt opgenomen; de wijkverpleging zet het avondnummer "
            "voortaan op de wijkkaart. Je volgt de voortgang hier."
        ),
        bottleneck={
            "title": "Avondnummer van de wijkverpleging onbekend bij cliënten",
            "description": "Gemeld door de cliëntvertegenwoordiging: na 17 uur is niet duidelijk wie je belt.",
            "category": category["overdracht"],
            "impact": Impact.HIGH,
            "affected_kinds": [OrganisationKind.DISTRICT_NURSING, OrganisationKind.GP],
        },
    )
    pharmacy = signal_services.signal_file(
        actor=rosa,
        team=oost,
        title="Medicijnen na ontslag niet op tijd thuis",
        text="Mensen die uit het ziekenhuis komen, wachten soms een dag op hun medicijnen.",
    )
    adopted = agreement_selectors.agreement_list(
        team=oost, filters=agreement_selectors.ListFilters(status=Status.ADOPTED, q="Medicatieoverdracht")
    ).first()
    if adopted is not None:
        signal_services.signal_to_review(
            actor=carla,
            signal=pharmacy,
            agreement=adopted,
            answer="We nemen dit mee bij de evaluatie van de afspraak over medicatieoverdracht.",
        )
    parking = signal_services.signal_file(
        actor=rosa,
        team=oost,
        title="Geen parkeerplek bij de huisartsenpraktijk",
        text="Mensen met een rollator komen niet bij de ingang: de invalidenplaats staat vaak vol.",
    )
    signal_services.signal_answer(
        actor=carla,
        signal=parking,
        answer="De praktijk heeft de gemeente gevraagd om een tweede invalidenplaats; we laten weten wat eruit komt.",
    )
    signal_services.signal_file(
        actor=rosa,
        team=oost,
        title="Folders over Welzijn op Recept alleen in het Nederlands",
        text="Veel ouderen in de wijk lezen liever Turks of Arabisch; ze missen het aanbod.",
    )
    signal_services.signal_file(
        actor=rik,
        team=zuid,
        title="Lange wachttijd voor een huisbezoek",
        text="In Zuid wachten ouderen soms een week op een huisbezoek van de huisarts.",
    )
