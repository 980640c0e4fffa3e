"""Demo content of the referrals app: six months of Welzijn op Recept in Utrecht Oost, and an
agreement whose indicator "Terugkoppeling Welzijn op Recept" is fed from them.

The GP practice Huisartsenpraktijk Oosterspoor refers to the welzijnscoach of Welzijn Oost. The
oldest three months are kept as counts (the practice kept a tally: its coordinator typed them in),
the newest three as referral records (the welzijnscoach enters each referral and updates its status
and feedback). Everything goes through the services, so the indicator's measurements, the
agreement's history and the audit log are what real use would produce. Loaded once.
"""

from datetime import date, timedelta

from django.utils import timezone

from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Decision
from wijkverband.referrals import selectors as referral_selectors
from wijkverband.referrals import services as referral_services
from wijkverband.referrals.months import add_months, this_month
from wijkverband.tenancy.models import Organisation, OrganisationKind

DESCRIPTION = "Welzijn op Recept figures and the agreement fed from them (Utrecht Oost)"

GP = "Huisartsenpraktijk Oosterspoor"
WELZIJN = "Welzijn Oost"
#: months back -> (referrals, intakes, feedback), kept as counts
COUNTS = {6: (9, 7, 4), 5: (11, 8, 6), 4: (8, 7, 6)}
#: months back -> [(day, offer, status, feedback after n days or None)], kept as records
RECORDS = {
    3: [
        (2, "Wandelgroep Oost", "completed", 12),
        (6, "Taalcafé", "intake_held", 9),
        (9, "Buurtkamer De Linde", "completed", 14),
        (13, "Wandelgroep Oost", "not_started", 20),
        (16, "Schuldhulp-spreekuur", "intake_held", 10),
        (21, "Zangkoor 55+", "completed", 7),
        (24, "Buurtkamer De Linde", "intake_held", 11),
        (27, "Taalcafé", "not_started", None),
    ],
    2: [
        (3, "Moestuin Oosterspoor", "completed", 8),
        (7, "Wandelgroep Oost", "intake_held", 12),
        (10, "Buurtkamer De Linde", "intake_held", 9),
        (15, "Zangkoor 55+", "intake_held", None),
        (18, "Taalcafé", "completed", 13),
        (22, "Schuldhulp-spreekuur", "not_started", 15),
        (25, "Moestuin Oosterspoor", "intake_held", 6),
        (28, "Wandelgroep Oost", "intake_held", 10),
        (28, "Buurtkamer De Linde", "referred", None),
    ],
    1: [
        (1, "Wandelgroep Oost", "intake_held", 9),
        (5, "Taalcafé", "intake_held", 8),
        (8, "Buurtkamer De Linde", "completed", 12),
        (12, "Zangkoor 55+", "intake_held", None),
        (17, "Moestuin Oosterspoor", "referred", None),
        (20, "Wandelgroep Oost", "intake_held", None),
        (26, "Schuldhulp-spreekuur", "referred", None),
    ],
}


def load(*, teams: dict, regions: dict, people: dict) -> bool:
    """teams / regions: slug -> object; people: demo local part -> user. False when already loaded."""
    team = teams["utrecht-oost"]
    if referral_selectors.earliest_month(team=team) is not None:
        return False
    gp = Organisation.objects.get(name=GP, kind=OrganisationKind.GP)
    welzijn = Organisation.objects.get(name=WELZIJN, kind=OrganisationKind.SOCIAL_DOMAIN)
    carla, sanne = people["coordinator"], people["social"]
    today = timezone.localdate()
    for back, (referrals, intakes, feedback) in COUNTS.items():
        referral_services.counts_set(
            actor=carla,
            team=team,
            month=add_months(this_month(), -back),
            referrer=gp,
            referrals=referrals,
            intakes=intakes,
            feedback=feedback,
        )
    for back, rows in RECORDS.items():
        month = add_months(this_month(), -back)
        for day, offer, status, feedback_after in rows:
            referred_on = min(_day(month, day), today)
            feedback_on = min(referred_on + timedelta(days=feedback_after), today) if feedback_after else None
            referral_services.referral_record(
                actor=sanne,
                team=team,
                referred_on=referred_on,
                referrer=gp,
                offer=offer,
                status=status,
                feedback_on=feedback_on,
            )
    _agreement(team, carla, sanne, gp, welzijn)
    return True


def _day(month: date, day: int) -> date:
    last = add_months(month, 1) - timedelta(days=1)
    return month.replace(day=min(day, last.day))


def _agreement(team, carla, sanne, gp, welzijn) -> None:
    today = timezone.localdate()
    agreement = agreement_services.agreement_create(
        actor=sanne,
        team=team,
        data={
            "title": "Welzijn op Recept: de huisarts hoort altijd terug",
            "owner": sanne,
            "need": (
                "Huisartsen verwijzen patiënten met klachten die vooral uit eenzaamheid, zorgen over geld of "
                "gebrek aan daginvulling komen naar de welzijnscoach, maar horen vaak niet of de patiënt is "
                "gekomen en wat er is afgesproken."
            ),
            "body": (
                "1. De huisartsenpraktijk verwijst via het vaste verwijsformulier naar de welzijnscoach.\n"
                "2. De welzijnscoach belt de patiënt binnen vijf werkdagen voor een intake.\n"
                "3. Binnen twee weken na de intake, of zodra duidelijk is dat de patiënt niet start, krijgt de "
                "verwijzer een korte terugkoppeling via beveiligde mail."
            ),
            "gain_quality": (
                "De huisarts weet wat er met de verwijzing gebeurde en kan het bij het volgende consult bespreken."
            ),
            "start_date": add_months(this_month(), -6),
            "review_date": today + timedelta(days=180),
        },
    )
    for organisation in (gp, welzijn):
        agreement_services.party_add_organisation(actor=sanne, agreement=agreement, organisation=organisation)
    agreement_services.agreement_propose(actor=sanne, agreement=agreement)
    for person in (sanne, carla):
        agreement.refresh_from_db()
        agreement_services.endorsement_record(
            actor=person, agreement=agreement, version_number=agreement.version_count, decision=Decision.ENDORSED
        )
    agreement.refresh_from_db()
    agreement_services.indicator_create(
        actor=sanne,
        agreement=agreement,
        name="Terugkoppeling Welzijn op Recept",
        dimension="quality",
        unit="%",
        baseline=50,
        target=80,
        frequency="monthly",
        source="referrals.feedback_rate",
    )
