"""Your own name, under "Account": found by an exploratory test, a typo made at the invitation
("Noor Niuew") stayed for good. The name passes the client-data guard as every typed text does: a
person's own name never holds a BSN or a date of birth, and the field is no place for a client's."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from wijkverband.audit.models import AuditEvent

EVERYONE = ["anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga", "ines"]


def _renamed(world, persona, status):
    user = world.persona(persona)
    if user is not None:
        user.refresh_from_db()
        assert user.name == "Nieuwe Naam"


LADDER = [
    Rung("account_name", lambda world: "/accounts/name/", {p: 302 if p == "anonymous" else 200 for p in EVERYONE}),
    Rung(
        "account_name",
        lambda world: "/accounts/name/",
        {p: 302 for p in EVERYONE},
        method="POST",
        data=lambda world: {"name": "Nieuwe Naam"},
        after=_renamed,
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)


def test_a_person_puts_a_typo_in_their_name_right_and_colleagues_see_it(world, client_for):
    world.maarten.name = "Maarten Lidd"
    world.maarten.save(update_fields=["name"])
    client = client_for("maarten")
    page = client.get("/accounts/name/").content.decode()
    assert 'value="Maarten Lidd"' in page and 'autocomplete="name"' in page
    response = client.post("/accounts/name/", {"name": "  Maarten   Lid "}, follow=True)
    assert response.redirect_chain == [("/accounts/name/", 302)]
    assert "Je naam is nu Maarten Lid." in response.content.decode()
    world.maarten.refresh_from_db()
    assert world.maarten.name == "Maarten Lid"
    assert "Maarten Lid<" in client_for("carla").get("/t/oost/members/").content.decode()
    event = AuditEvent.objects.get(action="user.renamed")
    assert event.actor_id == world.maarten.pk and event.data == {"from": "Maarten Lidd", "to": "Maarten Lid"}


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Dit veld is verplicht."),
        ("Jan Jansen 12-03-1950", "Dit lijkt op een naam met een geboortedatum of een BSN; vul alleen je naam in."),
        ("x" * 151, "niet meer dan 150 tekens"),
    ],
)
def test_a_name_that_is_empty_too_long_or_client_data_is_refused_at_the_field(world, client_for, typed, says):
    response = client_for("maarten").post("/accounts/name/", {"name": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page and f'value="{typed}"' in page if typed else says in page
    world.maarten.refresh_from_db()
    assert world.maarten.name == "Maarten Lid"
    assert not AuditEvent.objects.filter(action="user.renamed").exists()


def test_a_refused_name_is_told_in_words_for_a_name_not_for_a_client(world, client_for):
    """Found by an exploratory test: "Je naam: Naam lijkt cliëntgegevens te bevatten … beschrijf de
    situatie zonder iets waarmee iemand te herkennen is", a lecture about clients for one's own name."""
    dutch = client_for("maarten").post("/accounts/name/", {"name": "Maarten Lid 111222333"}).content.decode()
    assert "Dit lijkt op een naam met een geboortedatum of een BSN; vul alleen je naam in." in dutch
    assert "cliëntgegevens" not in dutch and "beschrijf de situatie" not in dutch
    english = client_for("maarten")
    english.cookies["django_language"] = "en"
    page = english.post("/accounts/name/", {"name": "Maarten Lid 111222333"}).content.decode()
    assert "This looks like a name with a date of birth or a BSN; fill in only your name." in page
