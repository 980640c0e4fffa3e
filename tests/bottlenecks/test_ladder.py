"""The permission ladder of every bottleneck URL."""

import pytest

from tests.bottlenecks.helpers import fresh, report
from tests.ladder import Rung, climb, ladder_params
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck, Category, ResponseTarget, Status

OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
READERS = {"rosa": 200, "rik": 200, "maarten": 200, "pieter": 200, "carla": 200, "olga": 200, "ada": 200}
# Writes by people who can see the team but may not write: 403.
NO_WRITE = {"rosa": 403, "rik": 403, "olga": 403, "ada": 403}


def _item(world):
    if not hasattr(world, "item"):
        world.item = report(world)
    return world.item


def _internal_item(world):
    if not hasattr(world, "internal_item"):
        world.internal_item = report(world, title="Intern", internal=True, internal_reason="Contract")
    return world.internal_item


def _escalated(world):
    if not hasattr(world, "escalated"):
        b = report(world, title="Regionaal")
        world.escalated = services.bottleneck_escalate(
            actor=world.maarten, bottleneck=b, version=b.version, reason="Speelt overal"
        )
    return world.escalated


def _ok(persona, status):
    return persona != "anonymous" and status == 302


def _reported(world, persona, status):
    assert Bottleneck.objects.filter(title="Via de ladder").exists() == _ok(persona, status)


def _edited(world, persona, status):
    assert (fresh(world.item).title == "Aangepast") == _ok(persona, status)


def _escalated_after(world, persona, status):
    assert (fresh(world.item).status == Status.ESCALATED) == _ok(persona, status)


def _signalled(world, persona, status):
    assert (fresh(world.item).signal_count == 1) == _ok(persona, status)


def _targets_set(world, persona, status):
    assert ResponseTarget.objects.filter(team=world.team_a).exists() == _ok(persona, status)


def _category_added(world, persona, status):
    assert Category.objects.filter(team=world.team_a, name="Mantelzorg").exists() == _ok(persona, status)


def _responded(world, persona, status):
    kinds = list(fresh(world.escalated).events.values_list("kind", flat=True))
    assert ("region_responded" in kinds) == _ok(persona, status)


def _report_data(world):
    medication = Category.objects.get(key="medicatie")
    return {"title": "Via de ladder", "description": "", "category": medication.pk, "impact": 2}


def _edit_data(world):
    b = _item(world)
    return {"title": "Aangepast", "description": "", "category": b.category_id, "impact": 2, "version": b.version}


def _targets():
    data = {}
    for impact in (1, 2, 3, 4):
        data[f"accept-{impact}"] = 3
        data[f"resolve-{impact}"] = 30
    return data


LADDER = [
    Rung("bottleneck_list", lambda w: "/t/oost/bottlenecks/", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung("bottleneck_export", lambda w: "/t/oost/bottlenecks/export.csv", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung("bottleneck_export", lambda w: "/t/oost/bottlenecks/export.xlsx", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung(
        "bottleneck_create",
        lambda w: "/t/oost/bottlenecks/new/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 200, "pieter": 200, "carla": 200},
    ),
    Rung(
        "bottleneck_create",
        lambda w: "/t/oost/bottlenecks/new/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302},
        method="POST",
        data=_report_data,
        after=_reported,
    ),
    Rung(
        "bottleneck_detail",
        lambda w: f"/t/oost/bottlenecks/{_item(w).pk}/",
        {"anonymous": 302, **OUTSIDERS, **READERS},
    ),
    Rung(
        "bottleneck_detail",
        lambda w: f"/t/oost/bottlenecks/{_internal_item(w).pk}/",
        # Representatives never see internal items: the same 404 as for a missing one.
        {"anonymous": 302, **OUTSIDERS, **READERS, "rosa": 404, "rik": 404},
    ),
    Rung(
        "bottleneck_detail",
        lambda w: "/t/oost/bottlenecks/999999/",
        {"anonymous": 302, **OUTSIDERS, **{p: 404 for p in READERS}},
    ),
    Rung(
        "bottleneck_edit",
        lambda w: f"/t/oost/bottlenecks/{_item(w).pk}/edit/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "pieter": 403, "maarten": 200, "carla": 200},
    ),
    Rung(
        "bottleneck_edit",
        lambda w: f"/t/oost/bottlenecks/{_item(w).pk}/edit/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "pieter": 403, "maarten": 302, "carla": 302},
        method="POST",
        data=_edit_data,
        after=_edited,
    ),
    Rung(
        "bottleneck_action",
        lambda w: f"/t/oost/bottlenecks/{_item(w).pk}/do/escalate/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302, "pieter": 302},
        method="POST",
        data=lambda w: {"escalate-version": _item(w).version, "escalate-reason": "Regionaal probleem"},
        after=_escalated_after,
    ),
    Rung(
        "bottleneck_action",
        lambda w: f"/t/oost/bottlenecks/{_item(w).pk}/do/signal/",
        # maarten's organisation reported it: refused with a message (400), nothing changes.
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 400, "carla": 302, "pieter": 302},
        method="POST",
        after=_signalled,
    ),
    Rung(
        "bottleneck_action",
        lambda w: f"/t/oost/bottlenecks/{_internal_item(w).pk}/do/signal/",
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "rik": 404, "olga": 403, "maarten": 400, "carla": 302},
        method="POST",
    ),
    Rung(
        "bottleneck_action",
        lambda w: f"/t/oost/bottlenecks/{_item(w).pk}/do/no-such-action/",
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "maarten": 404, "carla": 404, "olga": 404},
        method="POST",
    ),
    Rung(
        "bottleneck_settings",
        lambda w: "/t/oost/bottlenecks/settings/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 403, "pieter": 403, "carla": 200},
    ),
    Rung(
        "bottleneck_settings",
        lambda w: "/t/oost/bottlenecks/settings/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 403, "carla": 302},
        method="POST",
        data=lambda w: _targets(),
        after=_targets_set,
    ),
    Rung(
        "bottleneck_category_add",
        lambda w: "/t/oost/bottlenecks/settings/categories/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 403, "carla": 302},
        method="POST",
        data=lambda w: {"name": "Mantelzorg"},
        after=_category_added,
    ),
    Rung(
        "region_escalations",
        lambda w: "/r/utrecht/bottlenecks/escalations/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "rik": 403,
            "olga": 200,
            "ada": 200,
        },
    ),
    Rung(
        "region_patterns",
        lambda w: "/r/utrecht/bottlenecks/patterns/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "rik": 200,
            "olga": 200,
            "ada": 200,
        },
    ),
    Rung(
        "region_bottleneck_action",
        lambda w: f"/r/utrecht/bottlenecks/{_escalated(w).pk}/do/respond/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "rik": 403,
            "olga": 302,
            "ada": 302,
        },
        method="POST",
        data=lambda w: {"respond-version": _escalated(w).version, "respond-note": "Komt op de regio-agenda"},
        after=_responded,
    ),
    Rung(
        "region_bottleneck_action",
        # A bottleneck of another region's team is not found through this region.
        lambda w: f"/r/eemland/bottlenecks/{_escalated(w).pk}/do/respond/",
        {"anonymous": 302, "bram": 404, "otto": 404, "rosa": 404, "maarten": 404, "carla": 404, "olga": 404},
        method="POST",
        data=lambda w: {"respond-version": _escalated(w).version, "respond-note": "Niet van ons"},
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world, clock):
    climb(rung, persona, world)
