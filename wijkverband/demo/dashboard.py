"""Demo content for the region dashboard: Utrecht Zuid and Overvecht in varied states, so the
region's dashboard has something to steer on. Zuid: an escalation past the region's answer target,
an old unowned bottleneck past its targets, an agreement due for review. Overvecht (which misses
a social-domain professional): one escalation past the target and one within it, an agreement
with an indicator that reached its target this quarter, one that fails the accountability check.

Everything goes through the services; seed_demo then moves the items' dates back (`AGES`), as if
they were reported and escalated weeks ago. Loaded once (skipped when Zuid has its first item).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from wijkverband.agreements import selectors as agreement_selectors
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Decision, Frequency, PartyKind
from wijkverband.bottlenecks import selectors as bottleneck_selectors
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Impact
from wijkverband.demo.services import agreement_proposal_backdate
from wijkverband.tenancy.models import Organisation, OrganisationKind
from wijkverband.tenancy.policy import TeamRights
from wijkverband.tenancy.selectors import membership_organisation_id

DESCRIPTION = "region dashboard (bottlenecks, escalations and agreements in Utrecht Zuid and Overvecht)"

#: (bottleneck title, reported days ago, escalated days ago or None): seed_demo moves the dates back.
AGES = [
    ("Wachttijd wijkverpleging loopt op", 50, None),
    ("Geen vast aanspreekpunt bij de gemeente", 100, None),
    ("Huisarts tussen de middag niet bereikbaar", 10, None),
    ("Medicatiebeoordeling stokt bij gebrek aan tijd", 30, 12),
    ("Tolken niet beschikbaar bij huisbezoeken", 20, 2),
    ("Te weinig wijkverpleging voor de avond", 45, 11),  # past the 5 working days whatever the weekday
    ("Overdracht vanuit het ziekenhuis komt laat", 35, None),
    ("Welzijnsactiviteiten zonder vaste financiering", 130, None),
]


def _organisation_of(team, user):
    return Organisation.objects.get(pk=membership_organisation_id(user=user, team=team))


def _report(team, actor, title, category, impact, kinds, *, description="", owner=None, start=False):
    b = bottleneck_services.bottleneck_report(
        actor=actor,
        team=team,
        title=title,
        description=description,
        category=category,
        impact=impact,
        affected_kinds=kinds,
    )
    if owner is not None:
        b = bottleneck_services.bottleneck_ask_owner(actor=owner, bottleneck=b, version=b.version, candidate=owner)
        if start:
            b = bottleneck_services.bottleneck_start(actor=owner, bottleneck=b, version=b.version)
    return b


def _escalate(b, actor, reason):
    return bottleneck_services.bottleneck_escalate(actor=actor, bottleneck=b, version=b.version, reason=reason)


def _adopted(team, owner, title, endorsers, *, review_date, gain_quality="", sources="", externals=()):
    today = timezone.localdate()
    agreement = agreement_services.agreement_create(
        actor=owner,
        team=team,
        data={
            "title": title,
            "owner": owner,
            "need": "Uit het wijkoverleg: dit gaat nu vaak mis.",
            "sources": sources,
            "body": "De partijen spreken af wie wat doet en lopen het elk kwartaal samen na.",
            "gain_quality": gain_quality,
            "start_date": today - timedelta(days=120),
            "review_date": review_date,
        },
    )
    for user in endorsers:
        agreement_services.party_add_organisation(
            actor=owner, agreement=agreement, organisation=_organisation_of(team, user)
        )
    for kind, name in externals:
        agreement_services.party_add_external(actor=owner, agreement=agreement, kind=kind, name=name)
    return agreement


def _endorse(agreement, endorsers, owner, consent_on):
    agreement_services.agreement_propose(actor=owner, agreement=agreement)
    # The story has it proposed before the consent it got (a consent cannot predate the text).
    proposed_at = timezone.make_aware(datetime.combine(consent_on - timedelta(days=7), time(9)))
    agreement_proposal_backdate(agreement=agreement, at=proposed_at)
    for user in endorsers:
        agreement.refresh_from_db()
        agreement_services.endorsement_record(
            actor=user, agreement=agreement, version_number=agreement.version_count, decision=Decision.ENDORSED
        )
    external = [row.party for row in agreement_selectors.party_rows(agreement=agreement) if row.party.is_external]
    for party in external:
        agreement_services.consent_record(
            actor=owner,
            agreement=agreement,
            party=party,
            version_number=agreement.version_count,
            given_on=consent_on,
            where_given="Regio-overleg",
        )


def load(*, teams: dict, regions: dict, people: dict) -> bool:
    zuid, overvecht = teams["utrecht-zuid"], teams["overvecht"]
    # Other demo parts (regional work) also put bottlenecks in Zuid: look for this part's own first item.
    loaded = bottleneck_selectors.visible_bottlenecks(team=zuid, rights=TeamRights(can_oversee=True))
    if loaded.filter(title=AGES[0][0]).exists():
        return False
    today = timezone.localdate()
    _zuid(zuid, people, today)
    _overvecht(overvecht, people, today)
    return True


def _zuid(team, people, today: date) -> None:
    category = {c.key: c for c in bottleneck_selectors.team_categories(team=team)}
    zoe, bram, lotte, pieter = (
        people["coordinator-zuid"],
        people["member-zuid"],
        people["social-zuid"],
        people["pharmacist"],
    )
    _report(
        team,
        bram,
        "Wachttijd wijkverpleging loopt op",
        category["capaciteit"],
        Impact.HIGH,
        [OrganisationKind.DISTRICT_NURSING],
        owner=bram,
        start=True,
    )
    _report(
        team,
        lotte,
        "Geen vast aanspreekpunt bij de gemeente",
        category["sociale_basis"],
        Impact.MEDIUM,
        [OrganisationKind.SOCIAL_DOMAIN],
    )
    _report(
        team,
        pieter,
        "Huisarts tussen de middag niet bereikbaar",
        category["bereikbaarheid"],
        Impact.LOW,
        [OrganisationKind.GP, OrganisationKind.PHARMACY],
    )
    review = _report(
        team,
        pieter,
        "Medicatiebeoordeling stokt bij gebrek aan tijd",
        category["medicatie"],
        Impact.HIGH,
        [OrganisationKind.PHARMACY, OrganisationKind.GP],
        owner=pieter,
    )
    _escalate(review, zoe, "De zorgverzekeraar moet de extra tijd vergoeden; dat regelen we niet per wijk.")
    endorsers = [zoe, bram, lotte]
    agreement = _adopted(
        team,
        zoe,
        "Vast wijkspreekuur met het buurtteam",
        endorsers,
        review_date=today + timedelta(days=20),
        gain_quality="Inwoners vinden sneller hulp bij geldzorgen en eenzaamheid.",
        sources="Wijkanalyse 2025",
        externals=[(PartyKind.INSURER, "Zorgverzekeraar Midden"), (PartyKind.CLIENT_REPRESENTATION, "Wijkraad Zuid")],
    )
    agreement_services.indicator_create(
        actor=zoe,
        agreement=agreement,
        name="Inwoners op het spreekuur",
        dimension="quality",
        unit="inwoners",
        baseline=Decimal("10"),
        target=Decimal("25"),
        frequency=Frequency.QUARTERLY,
    )
    _endorse(agreement, endorsers, zoe, today - timedelta(days=100))


def _overvecht(team, people, today: date) -> None:
    category = {c.key: c for c in bottleneck_selectors.team_categories(team=team)}
    yusuf, iris, daan = people["coordinator-overvecht"], people["member-overvecht"], people["pharmacist-overvecht"]
    interpreters = _report(
        team,
        iris,
        "Tolken niet beschikbaar bij huisbezoeken",
        category["bereikbaarheid"],
        Impact.HIGH,
        [OrganisationKind.DISTRICT_NURSING, OrganisationKind.GP],
        owner=iris,
    )
    _escalate(interpreters, yusuf, "De tolkvoorziening is een afspraak van de gemeente met de regio.")
    evenings = _report(
        team,
        iris,
        "Te weinig wijkverpleging voor de avond",
        category["capaciteit"],
        Impact.CRITICAL,
        [OrganisationKind.DISTRICT_NURSING],
        owner=yusuf,
        start=True,
    )
    _escalate(evenings, yusuf, "Speelt in meer wijken: de avonddienst moet regionaal geregeld worden.")
    _report(
        team,
        daan,
        "Overdracht vanuit het ziekenhuis komt laat",
        category["overdracht"],
        Impact.MEDIUM,
        [OrganisationKind.PHARMACY, OrganisationKind.DISTRICT_NURSING],
        owner=daan,
    )
    _report(
        team,
        yusuf,
        "Welzijnsactiviteiten zonder vaste financiering",
        category["financiering"],
        Impact.LOW,
        [OrganisationKind.SOCIAL_DOMAIN],
    )
    endorsers = [yusuf, iris, daan]
    # Adopted with an indicator that reached its target this quarter.
    medication = _adopted(
        team,
        yusuf,
        "Medicatierol op de eerste dag thuis",
        endorsers,
        review_date=today + timedelta(days=200),
        gain_quality="Geen dag zonder medicatie na ontslag.",
        sources="Meldingen wijkverpleging 2025",
        externals=[
            (PartyKind.INSURER, "Zorgverzekeraar Midden"),
            (PartyKind.CLIENT_REPRESENTATION, "Cliëntenraad Overvecht"),
        ],
    )
    indicator = agreement_services.indicator_create(
        actor=yusuf,
        agreement=medication,
        name="Medicatierol op tijd",
        dimension="quality",
        unit="%",
        baseline=Decimal("60"),
        target=Decimal("90"),
        frequency=Frequency.MONTHLY,
    )
    _endorse(medication, endorsers, yusuf, today - timedelta(days=150))
    for months_ago, value in ((5, "62"), (4, "70"), (3, "78"), (2, "85"), (1, "91"), (0, "93")):
        day = (today.replace(day=1) - timedelta(days=31 * months_ago)).replace(day=1)
        agreement_services.measurement_record(actor=yusuf, indicator=indicator, value=Decimal(value), measured_on=day)
    # Adopted by the team's own providers only: it fails the accountability check (no insurer, no
    # client representation, no sources, no review date).
    handover = _adopted(team, yusuf, "Warme overdracht bij opname", endorsers, review_date=None)
    _endorse(handover, endorsers, yusuf, today)
