"""The permission ladder of every signals URL: who reads, who files, who triages, and that the
region's figures stay in the region."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from tests.signals.conftest import file_signal
from wijkverband.bottlenecks.models import Category
from wijkverband.signals.models import Signal, Status

# Everyone who sees team A reads its signals; the insurer's account (ines) and outsiders do not.
OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404, "ines": 404}
READERS = {"rosa": 200, "rik": 200, "maarten": 200, "pieter": 200, "carla": 200, "olga": 200, "ada": 200}
# Triage is the coordinator's: everyone else who sees the team gets 403.
NOT_COORDINATOR = {"rosa": 403, "rik": 403, "maarten": 403, "pieter": 403, "olga": 403, "ada": 403}


def _signal(world):
    if not hasattr(world, "signal"):
        world.signal = file_signal(world)
    return world.signal


def _ok(persona, status):
    return persona != "anonymous" and status == 302


def _filed(world, persona, status):
    assert Signal.objects.filter(title="Via de ladder").exists() == _ok(persona, status)


def _status_is(expected):
    def check(world, persona, status):
        now = Signal.objects.get(pk=world.signal.pk).status
        assert (now == expected) == _ok(persona, status), now

    return check


def _category(world):
    return Category.objects.for_team(world.team_a).order_by("position", "pk").first().pk


def _one(world, tail=""):
    return f"/t/oost/signals/{_signal(world).pk}/{tail}"


LADDER = [
    Rung("signal_list", lambda w: "/t/oost/signals/", {"anonymous": 302, **OUTSIDERS, **READERS}),
    # Filing: the representatives of the team and of its region only.
    Rung(
        "signal_create",
        lambda w: "/t/oost/signals/new/",
        {"anonymous": 302, **OUTSIDERS, "rosa": 200, "rik": 200, "maarten": 403, "carla": 403, "olga": 403},
    ),
    Rung(
        "signal_create",
        lambda w: "/t/oost/signals/new/",
        {"anonymous": 302, **OUTSIDERS, "rosa": 302, "rik": 302, "maarten": 403, "carla": 403, "olga": 403},
        method="POST",
        data=lambda w: {"title": "Via de ladder", "text": "Cliënten wachten lang op een terugbelverzoek."},
        after=_filed,
    ),
    Rung("signal_detail", _one, {"anonymous": 302, **OUTSIDERS, **READERS}),
    # Another team's signal through A's address, and a missing one: the same 404.
    Rung(
        "signal_detail",
        lambda w: "/t/oost/signals/999999/",
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "maarten": 404, "carla": 404, "olga": 404},
    ),
    Rung(
        "signal_answer",
        lambda w: _one(w, "answer/"),
        {"anonymous": 302, **OUTSIDERS, **NOT_COORDINATOR, "carla": 302},
        method="POST",
        data=lambda w: {"answer": "We bespreken dit in het volgende overleg met de wijkverpleging."},
        after=_status_is(Status.ANSWERED),
    ),
    Rung(
        "signal_review",
        lambda w: _one(w, "review/"),
        {"anonymous": 302, **OUTSIDERS, **NOT_COORDINATOR, "carla": 400},
        method="POST",
        data=lambda w: {"agreement": "", "answer": "Nemen we mee."},
    ),
    Rung(
        "signal_bottleneck",
        lambda w: _one(w, "bottleneck/"),
        {"anonymous": 302, **OUTSIDERS, **NOT_COORDINATOR, "carla": 200},
    ),
    Rung(
        "signal_bottleneck",
        lambda w: _one(w, "bottleneck/"),
        {"anonymous": 302, **OUTSIDERS, **NOT_COORDINATOR, "carla": 302},
        method="POST",
        data=lambda w: {
            "title": "Avondbereikbaarheid",
            "description": "Uit een signaal.",
            "category": _category(w),
            "impact": 2,
            "answer": "Opgenomen als knelpunt.",
        },
        after=_status_is(Status.BOTTLENECK),
    ),
    # The region's figures: its overseers and representatives; not another region's people, not
    # the teams' members (no role in the region), not an external party.
    Rung(
        "region_signals",
        lambda w: "/r/utrecht/signals/",
        {
            "anonymous": 302,
            "bram": 404,
            "maarten": 404,
            "rosa": 404,
            "carla": 404,
            "otto": 404,
            "chris": 404,
            "ines": 404,
            "olga": 200,
            "ada": 200,
            "rik": 200,
        },
    ),
    Rung(
        "region_signals",
        lambda w: "/r/eemland/signals/",
        {
            "anonymous": 302,
            "bram": 404,
            "maarten": 404,
            "rosa": 404,
            "carla": 404,
            "olga": 404,
            "rik": 404,
            "otto": 200,
            "ines": 404,
        },
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)
