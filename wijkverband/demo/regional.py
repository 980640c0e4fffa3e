"""Demo content of regional work in ROSE Utrecht Stad.

Medication handover after discharge is open in three wijken (Oost's item from demo/content.py, and
one each in Zuid and Overvecht): the region took it up as a regional item, owned by the overseer,
with a progress update the teams read on their own bottleneck. Capacity is open in Oost and Zuid
and not taken up yet, so the overseer can try taking a pattern up. The region offers a
medication-transfer protocol; Utrecht Zuid adopted it as its own agreement, Utrecht Oost has it on
offer (its coordinator can adopt it). Everything goes through the services. Loaded once.
"""

from wijkverband.bottlenecks import selectors as bottleneck_selectors
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Impact
from wijkverband.regional import selectors as regional_selectors
from wijkverband.regional import services as regional_services
from wijkverband.regional.models import ItemStatus
from wijkverband.tenancy.models import OrganisationKind
from wijkverband.tenancy.selectors import team_organisation_choices

DESCRIPTION = "a regional item over three wijken and a regional agreement offered to the teams (ROSE Utrecht Stad)"


def _category(team, key):
    return next(c for c in bottleneck_selectors.team_categories(team=team) if c.key == key)


def load(*, teams: dict, regions: dict, people: dict) -> bool:
    region = regions["utrecht"]
    if regional_selectors.regional_items(region=region, sees_internal=True).exists():
        return False
    zuid, overvecht = teams["utrecht-zuid"], teams["overvecht"]
    overseer = people["overseer"]
    for team, reporter, title, description in (
        (
            zuid,
            people["member-zuid"],
            "Medicatieoverzicht ontbreekt na ontslag uit het ziekenhuis",
            "De wijkverpleging krijgt het actuele overzicht pas dagen na thuiskomst.",
        ),
        (
            overvecht,
            people["member-overvecht"],
            "Geen medicatieoverdracht bij ontslag in het weekend",
            "Na ontslag op vrijdag of zaterdag weet niemand in de wijk welke medicatie is gewijzigd.",
        ),
    ):
        bottleneck_services.bottleneck_report(
            actor=reporter,
            team=team,
            title=title,
            description=description,
            category=_category(team, "medicatie"),
            impact=Impact.HIGH,
            affected_kinds=[OrganisationKind.PHARMACY, OrganisationKind.DISTRICT_NURSING],
        )
    bottleneck_services.bottleneck_report(
        actor=people["social-zuid"],
        team=zuid,
        title="Wachtlijst voor een huisarts in de nieuwbouw",
        description="Nieuwe bewoners kunnen zich nergens inschrijven.",
        category=_category(zuid, "capaciteit"),
        impact=Impact.HIGH,
        affected_kinds=[OrganisationKind.GP],
    )

    medication = _category(zuid, "medicatie")
    item = regional_services.regional_item_create(
        actor=overseer,
        region=region,
        title="Medicatieoverdracht na ontslag, in de hele stad",
        description="Drie wijken melden hetzelfde. Eerst met de ziekenhuisapotheek praten, dan een protocol.",
        owner=overseer,
        category=medication,
        bottlenecks=regional_selectors.candidate_bottlenecks(region=region, category=medication, sees_internal=True),
    )
    regional_services.regional_update_post(
        actor=overseer,
        item=item,
        version=item.version,
        body="Het ziekenhuis en de ziekenhuisapotheek schuiven aan bij het regio-overleg van volgende maand. "
        "Daarna bieden we een regionaal protocol aan.",
        status=ItemStatus.IN_PROGRESS,
    )

    offer = regional_services.regional_agreement_offer(
        actor=overseer,
        region=region,
        data={
            "title": "Regionaal protocol medicatieoverdracht",
            "need": "In drie wijken komt het medicatieoverzicht na ontslag te laat bij apotheek en wijkverpleging.",
            "body": "- Het ziekenhuis stuurt het medicatieoverzicht op de dag van ontslag naar de apotheek.\n"
            "- De apotheek zet de medicatierol klaar binnen 24 uur.\n"
            "- De wijkverpleging belt de apotheek als er op de eerste dag thuis niets is.",
            "gain_quality": "Minder medicatiefouten in de eerste week thuis.",
            "gain_accessibility": "Cliënten hebben hun medicatie op de eerste dag thuis.",
        },
        parties=[
            ("provider", OrganisationKind.PHARMACY, ""),
            ("provider", OrganisationKind.DISTRICT_NURSING, ""),
            ("provider", OrganisationKind.GP, ""),
            ("insurer", "", "Zorgverzekeraar Midden (demo)"),
            ("client_representation", "", "Cliëntenraad ROSE Utrecht Stad"),
        ],
        indicators=[
            {
                "name": "Medicatierol klaar binnen 24 uur na ontslag",
                "dimension": "quality",
                "unit": "%",
                "target": "90",
                "frequency": "monthly",
            },
            {
                "name": "Cliënten met medicatie op de eerste dag thuis",
                "dimension": "accessibility",
                "unit": "%",
                "target": "95",
                "frequency": "quarterly",
            },
        ],
    )
    kinds = {OrganisationKind.PHARMACY, OrganisationKind.DISTRICT_NURSING, OrganisationKind.GP}
    regional_services.regional_agreement_adopt(
        actor=people["coordinator-zuid"],
        team=zuid,
        offer=offer,
        title="Medicatieoverdracht Utrecht Zuid",
        organisations=[o for o in team_organisation_choices(team=zuid) if o.kind in kinds],
        externals=[("insurer", "Zorgverzekeraar Midden (demo)"), ("client_representation", "Cliëntenraad Zuid")],
    )
    return True
