import pytest
from django.utils import translation

from wijkverband.wijkcard import services
from wijkverband.wijkcard.services import EntryData


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English source strings; tests/test_translations.py checks the Dutch."""
    with translation.override("en"):
        yield


def add_entry(world, *, actor=None, team=None, organisation=None, confirmed_on=None, **fields):
    """An entry on team A's card (by maarten, for the GP practice unless told otherwise)."""
    values = {
        "organisation": organisation or world.gp_a,
        "contact_point": "Triagelijn praktijk",
        "day_phone": "030 123 4567",
        "day_hours": "ma–vr 08:00–17:00",
        "evening_phone": "0900 1234",
        "evening_hours": "17:00–23:00 huisartsenpost",
        "maintainer": world.maarten,
        **fields,
    }
    return services.entry_create(
        actor=actor or world.maarten, team=team or world.team_a, data=EntryData(**values), confirmed_on=confirmed_on
    )


def entry_post(world, **fields) -> dict:
    """The entry form as a browser posts it."""
    data = {
        "organisation": world.gp_a.pk,
        "contact_point": "Triagelijn praktijk",
        "day_phone": "030 123 4567",
        "day_hours": "ma–vr 08:00–17:00",
        "evening_phone": "",
        "evening_hours": "",
        "night_phone": "",
        "night_hours": "",
        "weekend_phone": "",
        "weekend_hours": "",
        "direct_phone": "",
        "secure_mail": "",
        "notes": "",
        "lead_arrangement": "",
        "maintainer": world.maarten.pk,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}
