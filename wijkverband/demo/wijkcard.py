"""Demo content of the wijk card: a full card for Utrecht Oost (every organisation of the team, all
times of day, the district-nursing team of the wijk and who takes the lead between two chairs) and
a half-stale one for Utrecht Zuid (half its entries confirmed long ago). Through the services, so
the audit log and freshness are what real use would produce. The numbers are made up.
"""

from datetime import timedelta

from django.utils import timezone

from wijkverband.core.freshness import add_months
from wijkverband.tenancy.models import Organisation
from wijkverband.wijkcard import selectors, services
from wijkverband.wijkcard.services import EntryData

DESCRIPTION = "wijkcard (a full wijk card for Utrecht Oost, a half-stale one for Utrecht Zuid)"

# The GP out-of-hours service (huisartsenpost) answers every evening and night, and the weekend and
# holidays around the clock; the card's evening is every evening, so its hours say so.
HAP = {
    "evening_phone": "0900 450 1450",
    "evening_hours": "huisartsenpost, elke avond 17:00–23:00",
    "night_phone": "0900 450 1450",
    "night_hours": "huisartsenpost, elke nacht 23:00–08:00",
    "weekend_phone": "0900 450 1450",
    "weekend_hours": "huisartsenpost, vr 17:00 – ma 08:00 en op feestdagen",
}

# (organisation, maintainer, months since the last confirmation, the entry's fields)
OOST = [
    (
        "Huisartsenpraktijk Oosterspoor",
        "coordinator",
        1,
        {
            "contact_point": "Praktijk, triagelijn",
            "day_phone": "030 271 4410",
            "day_hours": "ma–vr 08:00–17:00",
            **HAP,
            "direct_phone": "030 271 4419",
            "secure_mail": "oosterspoor@zorgmail.nl",
            "notes": "Terugbellijn alleen voor zorgverleners; spoed na 10:00 via de triagelijn, optie 1.",
            "public": True,
        },
    ),
    (
        "Apotheek De Linde",
        "pharmacist",
        2,
        {
            "contact_point": "Apotheek, balie en dienstdoend apotheker",
            "day_phone": "030 251 3380",
            "day_hours": "ma–vr 08:00–18:00, za 10:00–13:00",
            "evening_phone": "030 231 6900",
            "evening_hours": "Dienstapotheek Utrecht, elke avond tot 23:00",
            "night_phone": "030 231 6900",
            "night_hours": "Dienstapotheek Utrecht, 23:00–08:00",
            "weekend_phone": "030 231 6900",
            "weekend_hours": "Dienstapotheek Utrecht, buiten onze openingstijden",
            "secure_mail": "delinde@zorgmail.nl",
            "notes": "Medicatieoverdracht na ontslag: graag via beveiligd mailen.",
            "public": True,
        },
    ),
    (
        "Buurtzorg Utrecht Oost",
        "member",
        1,
        {
            "contact_point": "Wijkverpleging, team Oost-2",
            "day_phone": "06 1234 5601",
            "day_hours": "dagelijks 08:00–17:00",
            "evening_phone": "088 123 4500",
            "evening_hours": "avonddienst, 17:00–23:00",
            "night_phone": "088 123 4599",
            "night_hours": "nachtdienst regio Utrecht, 23:00–08:00",
            "weekend_phone": "06 1234 5601",
            "weekend_hours": "08:00–17:00, daarna de avond- en nachtdienst",
            "mobile_is_service": True,
            "secure_mail": "oost2@buurtzorg.zivver.nl",
            "serves_wijk": True,
            "public": True,
        },
    ),
    (
        "Welzijn Oost",
        "social",
        3,
        {
            "contact_point": "Buurtteam, welzijnscoach van dienst",
            "day_phone": "030 240 5500",
            "day_hours": "ma–vr 09:00–17:00",
            "evening_phone": "0800 1205",
            "evening_hours": "crisisdienst sociaal domein",
            "weekend_phone": "0800 1205",
            "weekend_hours": "crisisdienst sociaal domein, dag en nacht",
            "night_phone": "0800 1205",
            "night_hours": "crisisdienst sociaal domein",
            "secure_mail": "buurtteam-oost@zivver.nl",
            "takes_lead": True,
            "lead_arrangement": (
                "Het buurtteam neemt de regie: binnen twee werkdagen belt de welzijnscoach de huisarts "
                "en de wijkverpleging en legt vast wie wat doet."
            ),
            "public": True,
        },
    ),
    (
        "Fysiotherapie Wittevrouwen",
        "physio",
        2,
        {
            "contact_point": "Praktijk, algemeen nummer",
            "day_phone": "030 254 1122",
            "day_hours": "ma–vr 08:00–20:00",
            "evening_phone": "030 254 1122",
            "evening_hours": "tot 20:00",
            "notes": "Huisbezoeken in de wijk op dinsdag en donderdag.",
        },
    ),
]

# Zuid: half of it was last confirmed long ago (past the six months).
ZUID = [
    (
        "Huisartsen Hoograven",
        "coordinator-zuid",
        2,
        {
            "contact_point": "Praktijk, triagelijn",
            "day_phone": "030 288 1200",
            "day_hours": "ma–vr 08:00–17:00",
            **HAP,
            "secure_mail": "hoograven@zorgmail.nl",
            "public": True,
        },
    ),
    (
        "Wijkverpleging Zuid",
        "member-zuid",
        9,
        {
            "contact_point": "Wijkverpleging, team Hoograven",
            "day_phone": "030 288 4400",
            "day_hours": "dagelijks 08:00–17:00",
            "evening_phone": "088 123 4500",
            "evening_hours": "17:00–23:00",
            "night_phone": "088 123 4599",
            "night_hours": "23:00–08:00",
            "serves_wijk": True,
            "public": True,
        },
    ),
    (
        "Buurtteam Zuid",
        "social-zuid",
        11,
        {
            "contact_point": "Buurtteam, vraagwijzer",
            "day_phone": "030 240 6600",
            "day_hours": "ma–vr 09:00–17:00",
            "takes_lead": True,
            "lead_arrangement": (
                "De vraagwijzer van het buurtteam belt binnen een week terug en zoekt uit wie het oppakt."
            ),
        },
    ),
    (
        "Apotheek De Linde",
        "pharmacist",
        4,
        {
            "contact_point": "Apotheek, balie",
            "day_phone": "030 251 3380",
            "day_hours": "ma–vr 08:00–18:00",
            "evening_phone": "030 231 6900",
            "evening_hours": "Dienstapotheek Utrecht",
        },
    ),
]


def _card(team, people: dict, rows) -> None:
    today = timezone.localdate()
    for organisation_name, person, months_ago, fields in rows:
        keeper = people[person]
        services.entry_create(
            actor=keeper,
            team=team,
            data=EntryData(organisation=Organisation.objects.get(name=organisation_name), maintainer=keeper, **fields),
            confirmed_on=add_months(today, -months_ago) - timedelta(days=3),
        )


def load(*, teams: dict, regions: dict, people: dict) -> bool:
    """teams / regions: slug -> object; people: demo local part -> user. False when already loaded."""
    oost, zuid = teams["utrecht-oost"], teams["utrecht-zuid"]
    if selectors.team_entries(team=oost):
        return False
    _card(oost, people, OOST)
    _card(zuid, people, ZUID)
    return True
