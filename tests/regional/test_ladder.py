"""The permission ladder of every regional-work URL.

Region pages: the region's overseers and administrators manage, its client representative reads;
everyone without a role in the region (team members and coordinators too) gets the same 404 as for
a region that does not exist, and so does the overseer of another region. Team pages (the region's
offers): the team's readers read, its coordinator adopts, other teams get 404.
"""

import pytest

from tests.ladder import Rung, climb, ladder_params
from tests.regional.helpers import medication_pattern, offer, take_up
from wijkverband.regional.models import Adoption, OfferStatus, RegionalAgreement, RegionalItem, RegionalLink

pytestmark = pytest.mark.usefixtures("clock")

NO_REGION_ROLE = {"bram": 404, "otto": 404, "chris": 404, "rosa": 404, "maarten": 404, "carla": 404, "pieter": 404}
REGION_READERS = {"rik": 200, "olga": 200, "ada": 200}
REGION_READ = {"anonymous": 302, **NO_REGION_ROLE, **REGION_READERS}
REGION_WRITE_GET = {"anonymous": 302, **NO_REGION_ROLE, "rik": 403, "olga": 200, "ada": 200}


def region_write(ok: int = 302) -> dict:
    return {"anonymous": 302, **NO_REGION_ROLE, "rik": 403, "olga": ok, "ada": ok}


TEAM_OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
TEAM_READERS = {"rosa": 200, "rik": 200, "maarten": 200, "pieter": 200, "carla": 200, "olga": 200, "ada": 200}
NOT_COORDINATOR = {"rosa": 403, "rik": 403, "maarten": 403, "pieter": 403, "olga": 403, "ada": 403}


def _pattern(world):
    if not hasattr(world, "pattern"):
        world.pattern = medication_pattern(world)
    return world.pattern


def _item(world):
    if not hasattr(world, "item"):
        world.item = take_up(world, _pattern(world)[0])
    return world.item


def _offer(world):
    if not hasattr(world, "offer"):
        world.offer = offer(world)
    return world.offer


def _ok(persona, status):
    return persona != "anonymous" and status == 302


def _created(world, persona, status):
    assert RegionalItem.objects.filter(title="Via de ladder").exists() == _ok(persona, status)


def _edited(world, persona, status):
    assert (RegionalItem.objects.get(pk=world.item.pk).title == "Aangepast") == _ok(persona, status)


def _updated(world, persona, status):
    assert world.item.updates.exists() == _ok(persona, status)


def _linked(world, persona, status):
    assert RegionalLink.objects.filter(bottleneck=_pattern(world)[1]).exists() == _ok(persona, status)


def _unlinked(world, persona, status):
    assert RegionalLink.objects.filter(item=world.item).exists() != _ok(persona, status)


def _offered(world, persona, status):
    assert RegionalAgreement.objects.filter(title="Via de ladder").exists() == _ok(persona, status)


def _withdrawn(world, persona, status):
    assert (RegionalAgreement.objects.get(pk=world.offer.pk).status == OfferStatus.WITHDRAWN) == _ok(persona, status)


def _adopted(world, persona, status):
    assert Adoption.objects.filter(team=world.team_a).exists() == _ok(persona, status)


def _link_id(world):
    item = _item(world)
    return RegionalLink.objects.filter(item=item).first().pk


LADDER = [
    Rung("regional_overview", lambda w: "/r/utrecht/regional/", REGION_READ),
    Rung(
        "regional_overview",
        lambda w: "/r/nowhere/regional/",
        {"anonymous": 302, "olga": 404, "otto": 404, "bram": 404, "rosa": 404, "maarten": 404, "carla": 404},
    ),
    Rung("regional_item_create", lambda w: "/r/utrecht/regional/items/new/", REGION_WRITE_GET),
    Rung(
        "regional_item_create",
        lambda w: "/r/utrecht/regional/items/new/",
        region_write(),
        method="POST",
        data=lambda w: {"title": "Via de ladder", "owner": w.olga.pk, "bottlenecks": [_pattern(w)[0].pk]},
        after=_created,
    ),
    Rung("regional_item_detail", lambda w: f"/r/utrecht/regional/items/{_item(w).pk}/", REGION_READ),
    Rung(
        "regional_item_detail",
        # Another region's pages do not show this region's item; a missing id looks the same.
        lambda w: f"/r/eemland/regional/items/{_item(w).pk}/",
        {"anonymous": 302, **NO_REGION_ROLE, "olga": 404, "rik": 404, "ada": 404},
    ),
    Rung(
        "regional_item_detail",
        lambda w: "/r/utrecht/regional/items/999999/",
        {"anonymous": 302, **NO_REGION_ROLE, "olga": 404, "rik": 404, "ada": 404},
    ),
    Rung("regional_item_edit", lambda w: f"/r/utrecht/regional/items/{_item(w).pk}/edit/", REGION_WRITE_GET),
    Rung(
        "regional_item_edit",
        lambda w: f"/r/utrecht/regional/items/{_item(w).pk}/edit/",
        region_write(),
        method="POST",
        data=lambda w: {"title": "Aangepast", "owner": w.ada.pk, "version": _item(w).version},
        after=_edited,
    ),
    Rung(
        "regional_item_update",
        lambda w: f"/r/utrecht/regional/items/{_item(w).pk}/update/",
        region_write(),
        method="POST",
        data=lambda w: {"update-body": "Overleg met het ziekenhuis gepland.", "update-version": _item(w).version},
        after=_updated,
    ),
    Rung(
        "regional_item_link",
        lambda w: f"/r/utrecht/regional/items/{_item(w).pk}/link/",
        region_write(),
        method="POST",
        data=lambda w: {"link-bottlenecks": [_pattern(w)[1].pk]},
        after=_linked,
    ),
    Rung(
        "regional_item_unlink",
        lambda w: f"/r/utrecht/regional/items/{_item(w).pk}/links/{_link_id(w)}/remove/",
        region_write(),
        method="POST",
        after=_unlinked,
    ),
    Rung("regional_agreement_create", lambda w: "/r/utrecht/regional/agreements/new/", REGION_WRITE_GET),
    Rung(
        "regional_agreement_create",
        lambda w: "/r/utrecht/regional/agreements/new/",
        region_write(),
        method="POST",
        data=lambda w: {"title": "Via de ladder", "body": "Wie doet wat.", "provider_kinds": ["apotheek"]},
        after=_offered,
    ),
    Rung("regional_agreement_detail", lambda w: f"/r/utrecht/regional/agreements/{_offer(w).pk}/", REGION_READ),
    Rung(
        "regional_agreement_detail",
        lambda w: f"/r/eemland/regional/agreements/{_offer(w).pk}/",
        {"anonymous": 302, **NO_REGION_ROLE, "olga": 404, "rik": 404},
    ),
    Rung(
        "regional_agreement_withdraw",
        lambda w: f"/r/utrecht/regional/agreements/{_offer(w).pk}/withdraw/",
        region_write(),
        method="POST",
        after=_withdrawn,
    ),
    Rung("team_offers", lambda w: "/t/oost/regional-offers/", {"anonymous": 302, **TEAM_OUTSIDERS, **TEAM_READERS}),
    Rung(
        "team_offer_detail",
        lambda w: f"/t/oost/regional-offers/{_offer(w).pk}/",
        {"anonymous": 302, **TEAM_OUTSIDERS, **TEAM_READERS},
    ),
    Rung(
        "team_offer_detail",
        # Team C's region did not offer it: the same 404 as for a missing offer.
        lambda w: f"/t/vathorst/regional-offers/{_offer(w).pk}/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "chris": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "olga": 404,
        },
    ),
    Rung(
        "team_offer_adopt",
        lambda w: f"/t/oost/regional-offers/{_offer(w).pk}/adopt/",
        {"anonymous": 302, **TEAM_OUTSIDERS, **NOT_COORDINATOR, "carla": 200},
    ),
    Rung(
        "team_offer_adopt",
        lambda w: f"/t/oost/regional-offers/{_offer(w).pk}/adopt/",
        {"anonymous": 302, **TEAM_OUTSIDERS, **NOT_COORDINATOR, "carla": 302},
        method="POST",
        data=lambda w: {"title": "Onze versie", "organisations": [w.gp_a.pk, w.pharmacy.pk]},
        after=_adopted,
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)
