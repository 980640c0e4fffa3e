"""Demo content of the sociale kaart: Utrecht Oost's meeting places, activities, two Welzijn op
Recept offers, a voorzorgcirkel and a resident initiative; a few region-wide entries for the
region "utrecht"; one entry past its confirmation date and one suggested correction waiting, so
the freshness and the suggestions show. Everything goes through the services (addresses and phone
numbers are made up). Loaded once (skipped when Utrecht Oost has entries already)."""

from datetime import timedelta

from django.utils import timezone

from wijkverband.socialmap import selectors, services

DESCRIPTION = "sociale kaart (Utrecht Oost and the region Utrecht)"


def _entry(kind, name, description, street="", postcode="", place="Utrecht", **values) -> dict:
    data = {
        "kind": kind,
        "name": name,
        "description": description,
        "street": street,
        "postcode": postcode,
        "place": place if street else "",
        "opening_hours": "",
        "dementia_friendly": False,
        "wheelchair_accessible": False,
        "cost": "free",
        "price": "",
        "phone": "",
        "email": "",
        "website": "",
        "public": True,
    }
    data.update(values)
    return data


OOST = [
    # (entry, maintainer's demo local part)
    (
        _entry(
            "meeting_place",
            "Buurthuis De Leeuw",
            "Huiskamer van de wijk: koffie, de krant en elkaar. Vrijwilligers zijn getraind in omgaan met dementie; "
            "mantelzorgers zijn welkom.",
            "Leeuwstraat 12",
            "3581 XH",
            opening_hours="maandag tot en met vrijdag 09:30–16:00",
            dementia_friendly=True,
            phone="030 200 1122",
            email="info@buurthuisdeleeuw.example.nl",
        ),
        "social",
    ),
    (
        _entry(
            "meeting_place",
            "Ontmoetingscentrum Wittevrouwen",
            "Ruime ontmoetingsplek met lift en invalidentoilet; lunch op dinsdag en donderdag.",
            "Wittevrouwensingel 80",
            "3581 GD",
            opening_hours="dinsdag en donderdag 10:00–15:00",
            wheelchair_accessible=True,
            cost="contribution",
            price="lunch € 4,50",
            phone="030 200 3344",
        ),
        "social",
    ),
    (
        _entry(
            "meeting_place",
            "Huiskamer Oudwijk",
            "Kleine huiskamer in de bibliotheek; samen puzzelen, spelletjes en een praatje.",
            "Oudwijk 25",
            "3581 TE",
            opening_hours="woensdag 13:30–16:30",
        ),
        "member",
    ),
    (
        _entry(
            "activity",
            "Wandelgroep Maarschalkerweerd",
            "Elke donderdag een rustige wandeling van een uur, in eigen tempo; start bij de sporthal.",
            "Mississippidreef 1",
            "3584 AV",
            opening_hours="donderdag 10:00",
        ),
        "physio",
    ),
    (
        _entry(
            "activity",
            "Samen koken en eten",
            "Met elkaar koken en aan tafel: voor wie niet graag alleen eet.",
            "Leeuwstraat 12",
            "3581 XH",
            opening_hours="vrijdag 16:00–19:00",
            cost="price",
            price="€ 3 per maaltijd",
            dementia_friendly=True,
        ),
        "social",
    ),
    (
        _entry(
            "welzijn_op_recept",
            "Welzijn op Recept: Kunst op recept",
            "Acht bijeenkomsten schilderen of boetseren in een kleine groep, na verwijzing door de huisarts.",
            "Biltstraat 120",
            "3572 BL",
            cost="free",
            public=False,
            phone="030 200 5566",
            email="welzijnoprecept@welzijnoost.example.nl",
        ),
        "social",
    ),
    (
        _entry(
            "welzijn_op_recept",
            "Welzijn op Recept: Bewegen in de wijk",
            "Een welzijnscoach zoekt samen met de bewoner een beweegactiviteit die past; drie gesprekken.",
            phone="030 200 5566",
            email="welzijnoprecept@welzijnoost.example.nl",
            public=False,
        ),
        "social",
    ),
    (
        _entry(
            "voorzorgcirkel",
            "Voorzorgcirkel Oost",
            "Ouderen en buren die op elkaar letten en elkaar helpen; maandelijks een bijeenkomst.",
            opening_hours="eerste maandag van de maand 14:00",
            website="https://voorzorgcirkel.example.nl/oost",
        ),
        "social",
    ),
    (
        _entry(
            "resident_initiative",
            "Repaircafé Oost",
            "Bewoners repareren samen kapotte spullen; koffie staat klaar.",
            "Abstederdijk 150",
            "3582 BR",
            opening_hours="tweede zaterdag van de maand 10:00–13:00",
            cost="contribution",
            price="vrijwillige bijdrage",
        ),
        "member",
    ),
]

REGION = [
    _entry(
        "welzijn_op_recept",
        "Welzijn op Recept Utrecht: aanmeldpunt",
        "Het centrale aanmeldpunt voor Welzijn op Recept in de stad; verwijzers bellen of mailen.",
        phone="030 200 7788",
        email="aanmelden@welzijnoprecept-utrecht.example.nl",
        website="https://welzijnoprecept-utrecht.example.nl",
    ),
    _entry(
        "meeting_place",
        "Alzheimer Café Utrecht",
        "Elke maand een avond voor mensen met dementie, hun naasten en belangstellenden.",
        "Neude 11",
        "3512 AE",
        opening_hours="derde dinsdag van de maand 19:30–21:30",
        dementia_friendly=True,
        wheelchair_accessible=True,
    ),
    _entry(
        "activity",
        "Sportief Ouder Worden Utrecht",
        "Beweeglessen voor 55-plussers op veertig plekken in de stad.",
        cost="price",
        price="€ 30 per kwartaal",
        website="https://sportiefouder.example.nl",
    ),
]


def load(*, teams: dict, regions: dict, people: dict) -> bool:
    """teams / regions: slug -> object; people: demo local part -> user. False when already loaded."""
    oost = teams.get("utrecht-oost")
    region = regions.get("utrecht")
    if oost is None or region is None or selectors.team_entries(team=oost).exists():
        return False
    made = {}
    for data, keeper in OOST:
        made[data["name"]] = services.entry_create(
            actor=people["social"], team=oost, data={**data, "maintainer": people[keeper]}
        )
    for data in REGION:
        made[data["name"]] = services.entry_create(actor=people["region-admin"], region=region, data=data)
    # Confirmed long ago: stale now, so it shows as such and waits in its keeper's "Mijn werk".
    stale = made["Huiskamer Oudwijk"]
    stale.confirmed_on = timezone.localdate() - timedelta(days=250)
    stale.save(update_fields=["confirmed_on"])
    # A client representative noticed something: it waits on the responsible member.
    services.suggestion_create(
        actor=people["representative"],
        entry=made["Repaircafé Oost"],
        team=oost,
        body="Het repaircafé is verhuisd naar het buurthuis aan de Leeuwstraat.",
    )
    return True
