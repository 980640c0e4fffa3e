from wijkverband.socialmap import services
from wijkverband.socialmap.models import Entry


def values(**changes) -> dict:
    data = {
        "kind": "meeting_place",
        "name": "Buurthuis De Linde",
        "description": "Koffie, een krant en elkaar: iedere ochtend open.",
        "street": "Lindelaan 12",
        "postcode": "3581 AB",
        "place": "Utrecht",
        "opening_hours": "maandag tot vrijdag 9.00–12.00",
        "dementia_friendly": True,
        "wheelchair_accessible": False,
        "cost": "free",
        "price": "",
        "phone": "030 123 4567",
        "email": "info@buurthuisdelinde.nl",
        "website": "https://buurthuisdelinde.nl",
        "public": True,
    }
    data.update(changes)
    return data


def add(world, *, actor=None, team="a", **changes) -> Entry:
    """A team entry (team "a" or "b"), or a region-wide one (team=None, by ada)."""
    if team is None:
        return services.entry_create(actor=actor or world.ada, region=world.region, data=values(**changes))
    the_team = {"a": world.team_a, "b": world.team_b}[team]
    default_actor = world.maarten if team == "a" else world.bram
    return services.entry_create(actor=actor or default_actor, team=the_team, data=values(**changes))


def fresh(entry: Entry) -> Entry:
    return Entry.objects.select_related("team", "region", "maintainer", "confirmed_by").get(pk=entry.pk)


def form_data(**changes) -> dict:
    """The page's form as a browser posts it (flags only when ticked)."""
    data = {k: v for k, v in values(**changes).items() if not isinstance(v, bool)}
    data.update({k: "on" for k, v in values(**changes).items() if v is True})
    return data
