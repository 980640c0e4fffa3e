"""The permission ladder of every wijk card URL."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from tests.wijkcard.conftest import add_entry, entry_post
from wijkverband.tenancy.models import Team
from wijkverband.wijkcard.models import ContactEntry, Suggestion, SuggestionStatus

OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
READERS = {"rosa": 200, "rik": 200, "maarten": 200, "pieter": 200, "carla": 200, "olga": 200, "ada": 200}
# Writes by people who see the team but may not change the card: 403.
NO_WRITE = {"rosa": 403, "rik": 403, "olga": 403, "ada": 403}
# Suggestions are the representatives' own: everyone else who sees the team gets 403.
NO_SUGGEST = {"maarten": 403, "pieter": 403, "carla": 403, "olga": 403, "ada": 403}


def _entry(world):
    if not hasattr(world, "entry"):
        world.entry = add_entry(world)
    return world.entry


def _suggestion(world):
    if not hasattr(world, "suggestion"):
        from wijkverband.wijkcard import services

        world.suggestion = services.suggestion_create(
            actor=world.rosa, entry=_entry(world), text="Het avondnummer is veranderd."
        )
    return world.suggestion


def _ok(persona, status):
    return persona != "anonymous" and status == 302


def _created(world, persona, status):
    assert ContactEntry.objects.filter(contact_point="Via de ladder").exists() == _ok(persona, status)


def _edited(world, persona, status):
    entry = ContactEntry.objects.get(pk=world.entry.pk)
    assert (entry.contact_point == "Aangepast") == _ok(persona, status)


def _confirmed(world, persona, status):
    entry = ContactEntry.objects.get(pk=world.entry.pk)
    assert entry.confirmed_by_id == world.persona(persona).pk if _ok(persona, status) else True
    if not _ok(persona, status):
        assert entry.confirmed_by_id == world.maarten.pk


def _removed(world, persona, status):
    assert ContactEntry.objects.filter(pk=world.entry.pk).exists() != _ok(persona, status)


def _months_set(world, persona, status):
    assert (Team.objects.get(pk=world.team_a.pk).reconfirm_months == 3) == _ok(persona, status)


def _suggested(world, persona, status):
    assert Suggestion.objects.filter(text="Het nummer klopt niet meer.").exists() == _ok(persona, status)


def _declined(world, persona, status):
    status_now = Suggestion.objects.get(pk=world.suggestion.pk).status
    assert (status_now == SuggestionStatus.DECLINED) == _ok(persona, status)


def _entry_url(world, tail=""):
    return f"/t/oost/wijkkaart/{_entry(world).pk}/{tail}"


LADDER = [
    Rung("wijkcard", lambda w: "/t/oost/wijkkaart/", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung("wijkcard_print", lambda w: "/t/oost/wijkkaart/print/", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung("wijkcard_vcard", lambda w: "/t/oost/wijkkaart/export.vcf", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung("wijkcard_csv", lambda w: "/t/oost/wijkkaart/export.csv", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung(
        "wijkcard_settings",
        lambda w: "/t/oost/wijkkaart/settings/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 403, "pieter": 403, "carla": 200},
    ),
    Rung(
        "wijkcard_settings",
        lambda w: "/t/oost/wijkkaart/settings/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 403, "carla": 302},
        method="POST",
        data=lambda w: {"reconfirm_months": 3},
        after=_months_set,
    ),
    Rung(
        "wijkcard_entry_create",
        lambda w: "/t/oost/wijkkaart/new/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 200, "pieter": 200, "carla": 200},
    ),
    Rung(
        "wijkcard_entry_create",
        lambda w: "/t/oost/wijkkaart/new/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302},
        method="POST",
        data=lambda w: entry_post(w, contact_point="Via de ladder"),
        after=_created,
    ),
    Rung(
        "wijkcard_entry_edit",
        lambda w: _entry_url(w, "edit/"),
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 200, "pieter": 200, "carla": 200},
    ),
    Rung(
        "wijkcard_entry_edit",
        lambda w: _entry_url(w, "edit/"),
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302},
        method="POST",
        data=lambda w: entry_post(w, contact_point="Aangepast", version=_entry(w).version),
        after=_edited,
    ),
    Rung(
        "wijkcard_entry_edit",
        lambda w: "/t/oost/wijkkaart/999999/edit/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 404, "carla": 404},
    ),
    Rung(
        "wijkcard_entry_confirm",
        lambda w: _entry_url(w, "confirm/"),
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "carla": 302, "maarten": 302},
        method="POST",
        after=_confirmed,
    ),
    Rung(
        "wijkcard_entry_confirm",
        lambda w: _entry_url(w, "confirm/"),
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 405, "carla": 405},
    ),
    Rung(
        "wijkcard_entry_delete",
        lambda w: _entry_url(w, "remove/"),
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 200, "carla": 200},
    ),
    Rung(
        "wijkcard_entry_delete",
        lambda w: _entry_url(w, "remove/"),
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302},
        method="POST",
        after=_removed,
    ),
    Rung(
        "wijkcard_entry_suggest",
        lambda w: _entry_url(w, "suggest/"),
        {"anonymous": 302, **OUTSIDERS, **NO_SUGGEST, "rosa": 200, "rik": 200},
    ),
    Rung(
        "wijkcard_entry_suggest",
        lambda w: _entry_url(w, "suggest/"),
        {"anonymous": 302, **OUTSIDERS, **NO_SUGGEST, "rosa": 302, "rik": 302},
        method="POST",
        data=lambda w: {"text": "Het nummer klopt niet meer."},
        after=_suggested,
    ),
    Rung(
        "wijkcard_entry_suggest",
        lambda w: "/t/oost/wijkkaart/999999/suggest/",
        {"anonymous": 302, **OUTSIDERS, **NO_SUGGEST, "rosa": 404, "rik": 404},
    ),
    Rung(
        "wijkcard_suggestion",
        lambda w: f"/t/oost/wijkkaart/suggestions/{_suggestion(w).pk}/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 200, "pieter": 200, "carla": 200},
    ),
    Rung(
        "wijkcard_suggestion",
        lambda w: f"/t/oost/wijkkaart/suggestions/{_suggestion(w).pk}/",
        {"anonymous": 302, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302},
        method="POST",
        data=lambda w: {"action": "decline", "decline-answer": "Het nummer is nog steeds goed."},
        after=_declined,
    ),
    Rung(
        "wijkcard_suggestion",
        # Another team's suggestion is not found through this team.
        lambda w: f"/t/zuid/wijkkaart/suggestions/{_suggestion(w).pk}/",
        {
            "anonymous": 302,
            "bram": 404,
            "pieter": 404,
            "olga": 403,
            "otto": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
        },
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)
