"""Mijn werk climbed by every key persona: its page, its count and its actions in place.

The actions are team URLs: an outsider gets 404, someone who may only read the team 403, and a
member who was not asked is refused by the service (back to the page, nothing changed).
"""

import pytest

from tests.ladder import Rung, climb, ladder_params
from tests.mywork.conftest import ask_confirmation, ask_owner, proposed_agreement, report
from wijkverband.agreements.models import Endorsement
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.threads.models import Acknowledgement

SIGNED_IN = ["bram", "otto", "rosa", "maarten", "carla", "olga", "pieter"]


def _once(world, name, make):
    if not hasattr(world, name):
        setattr(world, name, make())
    return getattr(world, name)


def _asked_bottleneck(world) -> Bottleneck:
    """Team A's bottleneck that carla asked pieter to own."""
    b = _once(world, "_asked", lambda: ask_owner(world, report(world)))
    b.refresh_from_db()
    return b


def _proposed(world):
    """Team A's proposed agreement with the GP practice (carla) and the pharmacy (pieter) as parties."""
    return _once(world, "_proposed", lambda: proposed_agreement(world))


def _confirmation(world):
    """carla's message in team A that asks for confirmation."""
    return _once(world, "_confirmation", lambda: ask_confirmation(world))


def _accept_path(world) -> str:
    return f"/t/oost/my-work/own/{_asked_bottleneck(world).pk}/accept/"


def _accept_elsewhere(world) -> str:
    """Team A's item through team B's URL: not found, also for pieter who is in both teams."""
    return f"/t/zuid/my-work/own/{_asked_bottleneck(world).pk}/accept/"


def _version(world) -> dict:
    return {"version": _asked_bottleneck(world).version}


def _owned_only_by_pieter(world, persona, status):
    b = Bottleneck.objects.get(pk=world._asked.pk)
    if persona == "pieter":
        assert b.owner == world.pieter and b.owner_candidate is None
    else:
        assert b.owner is None and b.owner_candidate == world.pieter


def _unchanged(world, persona, status):
    b = Bottleneck.objects.get(pk=world._asked.pk)
    assert b.owner is None and b.owner_candidate == world.pieter


def _decline_data(world) -> dict:
    return {"version": _asked_bottleneck(world).version, "reason": "Onze apotheek heeft er geen tijd voor"}


def _declined_only_by_pieter(world, persona, status):
    b = Bottleneck.objects.get(pk=world._asked.pk)
    assert (b.owner_candidate is None) == (persona == "pieter")


def _endorse_path(world) -> str:
    return f"/t/oost/my-work/endorse/{_proposed(world).pk}/"


def _endorse_data(world) -> dict:
    return {"version": _proposed(world).version_count}


def _endorsed_by_parties_only(world, persona, status):
    organisations = set(
        Endorsement.objects.filter(agreement=world._proposed).values_list("party__organisation_id", flat=True)
    )
    expected = {"carla": {world.gp_a.pk}, "pieter": {world.pharmacy.pk}}.get(persona, set())
    assert organisations == expected


def _nothing_endorsed(world, persona, status):
    assert not Endorsement.objects.filter(agreement=world._proposed).exists()


def _nothing_confirmed(world, persona, status):
    assert not Acknowledgement.objects.filter(message=world._confirmation[1]).exists()


def _confirm_path(world) -> str:
    thread, message = _confirmation(world)
    return f"/t/oost/my-work/confirm/{thread.pk}/{message.pk}/"


def _confirmed_by_professionals_only(world, persona, status):
    who = set(Acknowledgement.objects.filter(message=world._confirmation[1]).values_list("user_id", flat=True))
    expected = {getattr(world, persona).pk} if persona in ("maarten", "pieter") else set()
    assert who == expected


LADDER = [
    Rung("my_work", lambda w: "/my-work/", {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 200)}),
    Rung("my_work", lambda w: "/my-work/?part=list&team=oost", {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 200)}),
    Rung("my_work_count", lambda w: "/my-work/count/", {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 200)}),
    Rung(
        "my_work_count",
        lambda w: "/my-work/count/",
        {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 405)},
        method="POST",
    ),
    Rung(
        "my_work_ownership",
        _accept_path,
        # maarten and carla were not asked: the service refuses, back to the page, nothing changes
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 403,
            "olga": 403,
            "maarten": 302,
            "carla": 302,
            "pieter": 302,
        },
        method="POST",
        data=_version,
        after=_owned_only_by_pieter,
    ),
    Rung(
        "my_work_ownership",
        _accept_path,
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 403,
            "olga": 403,
            "maarten": 405,
            "carla": 405,
            "pieter": 405,
        },
    ),
    Rung(
        "my_work_ownership",
        _accept_elsewhere,
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "olga": 403,
            "maarten": 404,
            "carla": 404,
            "pieter": 404,
        },
        method="POST",
        data=_version,
        after=_unchanged,
    ),
    Rung(
        "my_work_ownership",
        lambda w: f"/t/oost/my-work/own/{_asked_bottleneck(w).pk}/decline/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 403,
            "olga": 403,
            "maarten": 302,
            "carla": 302,
            "pieter": 302,
        },
        method="POST",
        data=_decline_data,
        after=_declined_only_by_pieter,
    ),
    Rung(
        "my_work_endorse",
        _endorse_path,
        # maarten's organisation (district nursing) is no party: forbidden
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 403,
            "olga": 403,
            "maarten": 403,
            "carla": 302,
            "pieter": 302,
        },
        method="POST",
        data=_endorse_data,
        after=_endorsed_by_parties_only,
    ),
    Rung(
        "my_work_endorse",
        lambda w: f"/t/zuid/my-work/endorse/{_proposed(w).pk}/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "olga": 403,
            "maarten": 404,
            "carla": 404,
            "pieter": 404,
        },
        method="POST",
        data=_endorse_data,
        after=_nothing_endorsed,
    ),
    Rung(
        "my_work_confirm",
        _confirm_path,
        # carla wrote it (refused: back to the page); rosa may not read a thread not opened to her
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 403,
            "olga": 403,
            "maarten": 302,
            "carla": 302,
            "pieter": 302,
        },
        method="POST",
        after=_confirmed_by_professionals_only,
    ),
    Rung(
        "my_work_confirm",
        lambda w: _confirm_path(w).replace("/t/oost/", "/t/zuid/"),
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "olga": 403,
            "maarten": 404,
            "carla": 404,
            "pieter": 404,
        },
        method="POST",
        after=_nothing_confirmed,
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)
