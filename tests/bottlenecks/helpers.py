from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck, Category, Impact


def category(key: str = "medicatie") -> Category:
    return Category.objects.get(team=None, key=key)


def report(world, *, actor=None, team=None, title="Medicatieoverdracht na ontslag loopt vast", **fields) -> Bottleneck:
    defaults = {
        "description": "Na ontslag uit het ziekenhuis komt het medicatieoverzicht te laat bij de apotheek.",
        "category": category(fields.pop("category_key", "medicatie")),
        "impact": Impact.HIGH,
        "affected_kinds": ["apotheek", "huisarts"],
    }
    defaults.update(fields)
    return services.bottleneck_report(actor=actor or world.maarten, team=team or world.team_a, title=title, **defaults)


def fresh(b: Bottleneck) -> Bottleneck:
    return Bottleneck.objects.get(pk=b.pk)
