"""The permission ladder of the lookup's pages: the public search for everyone, the region's
postcode-area pages for the region (read by its overseers and representatives, kept by its
administrators)."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from wijkverband.tenancy.models import PostcodeArea

EVERYONE = ["anonymous", "bram", "otto", "chris", "rosa", "rik", "maarten", "pieter", "carla", "olga", "ada"]
NOT_OF_THE_REGION = {"bram": 404, "otto": 404, "chris": 404, "rosa": 404, "maarten": 404, "pieter": 404, "carla": 404}
READ_ONLY = {"rik": 403, "olga": 403}


def _codes(world, team):
    return set(PostcodeArea.objects.filter(team=team).values_list("code", flat=True))


def _areas_saved(world, persona, status):
    saved = persona == "ada" and status == 302
    assert _codes(world, world.team_a) == ({"3581", "3583AB"} if saved else {"3581"})


def _sharing_saved(world, persona, status):
    world.region.refresh_from_db()
    assert world.region.allow_overlapping_areas == (persona == "ada" and status == 302)


LADDER = [
    Rung("postcode_lookup", lambda w: "/postcode/", {p: 200 for p in EVERYONE}),
    Rung("postcode_lookup", lambda w: "/postcode/?postcode=3581+AB", {p: 200 for p in EVERYONE}),
    Rung(
        "region_postcode_areas",
        lambda w: "/r/utrecht/postcode-areas/",
        {"anonymous": 302, **NOT_OF_THE_REGION, "rik": 200, "olga": 200, "ada": 200},
    ),
    Rung(
        "team_postcode_areas",
        lambda w: f"/r/utrecht/postcode-areas/{w.team_a.pk}/",
        {"anonymous": 302, **NOT_OF_THE_REGION, **READ_ONLY, "ada": 200},
    ),
    Rung(
        "team_postcode_areas",
        lambda w: f"/r/utrecht/postcode-areas/{w.team_a.pk}/",
        {"anonymous": 302, **NOT_OF_THE_REGION, **READ_ONLY, "ada": 302},
        method="POST",
        data=lambda w: {"postcode_areas": "3581, 3583 ab"},
        after=_areas_saved,
    ),
    Rung(
        "region_area_sharing",
        lambda w: "/r/utrecht/postcode-areas/sharing/",
        {"anonymous": 302, **NOT_OF_THE_REGION, **READ_ONLY, "ada": 302},
        method="POST",
        data=lambda w: {"allow": "on"},
        after=_sharing_saved,
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)


@pytest.mark.parametrize("persona", ["ada", "otto"])
def test_a_team_of_another_region_is_not_found_on_the_region_page(world, client_for, persona):
    response = client_for(persona).get(f"/r/utrecht/postcode-areas/{world.team_c.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("team_id", ["0", "abc", "99999999", "-1"])
def test_an_unknown_team_id_is_not_found(world, client_for, team_id):
    assert client_for("ada").get(f"/r/utrecht/postcode-areas/{team_id}/").status_code == 404


def test_the_sharing_switch_takes_no_get(world, client_for):
    assert client_for("ada").get("/r/utrecht/postcode-areas/sharing/").status_code == 405
