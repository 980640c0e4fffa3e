from tests.bottlenecks.helpers import category, report
from wijkverband.agreements.models import Dimension, Frequency, PartyKind
from wijkverband.regional import services
from wijkverband.tenancy.models import OrganisationKind


def medication_pattern(world):
    """The same category open in team A and team B: the region's pattern."""
    a = report(world, title="Medicatieoverzicht komt te laat (Oost)")
    b = report(world, actor=world.bram, team=world.team_b, title="Medicatieoverzicht komt te laat (Zuid)")
    return a, b


def take_up(world, *bottlenecks, owner=None, actor=None):
    return services.regional_item_create(
        actor=actor or world.olga,
        region=world.region,
        title="Medicatieoverdracht na ontslag",
        description="Werknotitie van de regio: overleg met het ziekenhuis gepland.",
        owner=owner or world.olga,
        category=category("medicatie"),
        bottlenecks=bottlenecks,
    )


def offer(world, *, actor=None):
    return services.regional_agreement_offer(
        actor=actor or world.olga,
        region=world.region,
        data={
            "title": "Protocol medicatieoverdracht",
            "need": "Overdrachten na ontslag lopen vast.",
            "body": "De apotheek ontvangt het medicatieoverzicht binnen 24 uur.",
            "gain_quality": "Minder medicatiefouten.",
        },
        parties=[
            (PartyKind.PROVIDER, OrganisationKind.PHARMACY, ""),
            (PartyKind.PROVIDER, OrganisationKind.GP, ""),
            (PartyKind.INSURER, "", "Zorgverzekeraar Midden"),
            (PartyKind.CLIENT_REPRESENTATION, "", "Cliëntenraad Utrecht"),
        ],
        indicators=[
            {
                "name": "Overdracht binnen 24 uur",
                "dimension": Dimension.QUALITY,
                "unit": "%",
                "target": "90",
                "frequency": Frequency.MONTHLY,
            }
        ],
    )
