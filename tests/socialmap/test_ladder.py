"""The permission ladder of every sociale kaart URL, for a team's kaart and the region's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.ladder import Rung, climb, ladder_params
from tests.socialmap.helpers import add, form_data, fresh
from wijkverband.socialmap import services
from wijkverband.socialmap.models import Entry, Suggestion

ANON = {"anonymous": 302}
OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
READERS = {"rosa": 200, "rik": 200, "maarten": 200, "pieter": 200, "sofie": 200, "carla": 200, "olga": 200, "ada": 200}
# People who see the team's kaart but do not keep it: 403 on every change.
NO_WRITE = {"rosa": 403, "rik": 403, "olga": 403, "ada": 403}
WRITERS = ("maarten", "pieter", "sofie", "carla")
# The region's pages: people with a role in the region; team members without one get 404.
NOT_IN_REGION = {"bram": 404, "otto": 404, "chris": 404, "rosa": 404, "maarten": 404, "pieter": 404, "carla": 404}
REGION_READERS = {"olga": 200, "ada": 200, "rik": 200}
REGION_NO_WRITE = {"olga": 403, "rik": 403}


def _entry(world):
    if not hasattr(world, "entry"):
        world.entry = add(world)
    return world.entry


def _region_entry(world):
    if not hasattr(world, "region_entry"):
        world.region_entry = add(world, team=None, name="Welzijn op Recept Utrecht", kind="welzijn_op_recept")
    return world.region_entry


def _other_team_entry(world):
    if not hasattr(world, "other_entry"):
        world.other_entry = add(world, team="b", name="Ontmoetingsplek Zuid", postcode="3521 AA")
    return world.other_entry


def _suggestion(world):
    if not hasattr(world, "suggestion"):
        world.suggestion = services.suggestion_create(
            actor=world.rosa, entry=_entry(world), team=world.team_a, body="Op vrijdag is het dicht."
        )
    return world.suggestion


def _region_suggestion(world):
    if not hasattr(world, "region_suggestion"):
        world.region_suggestion = services.suggestion_create(
            actor=world.rik, entry=_region_entry(world), team=None, body="Nieuw telefoonnummer: 030 765 4321."
        )
    return world.region_suggestion


def _ok(persona, status):
    return persona != "anonymous" and status == 302


def _created(name):
    def check(world, persona, status):
        assert Entry.objects.filter(name=name).exists() == _ok(persona, status)

    return check


def _imported(world, persona, status):
    assert Entry.objects.filter(name="Via de import").exists() == (status == 200 and persona != "anonymous")


def _edited(attr):
    def check(world, persona, status):
        assert (fresh(getattr(world, attr)).name == "Aangepast") == _ok(persona, status)

    return check


def _removed(attr):
    def check(world, persona, status):
        assert (not Entry.objects.filter(pk=getattr(world, attr).pk).exists()) == _ok(persona, status)

    return check


def _confirmed(attr):
    def check(world, persona, status):
        assert (fresh(getattr(world, attr)).version == 2) == _ok(persona, status)

    return check


def _suggested(body):
    def check(world, persona, status):
        assert Suggestion.objects.filter(body=body).exists() == _ok(persona, status)

    return check


def _handled(attr):
    def check(world, persona, status):
        suggestion = Suggestion.objects.get(pk=getattr(world, attr).pk)
        assert (suggestion.status == "declined") == _ok(persona, status)

    return check


def _csv(world):
    body = b"Soort;Naam;Plaats\nActiviteit;Via de import;Utrecht\n"
    return {"file": SimpleUploadedFile("kaart.csv", body, content_type="text/csv")}


def _edit(attr):
    def data(world):
        entry = getattr(world, attr) if hasattr(world, attr) else None
        entry = entry or {"entry": _entry, "region_entry": _region_entry}[attr](world)
        return form_data(name="Aangepast", kind=entry.kind, version=entry.version)

    return data


def _writers(status):
    return {p: status for p in WRITERS}


T = "/t/oost/sociale-kaart/"
R = "/r/utrecht/sociale-kaart/"

LADDER = [
    # A team's kaart --------------------------------------------------------------------------------
    Rung("socialmap_list", lambda w: T, {**ANON, **OUTSIDERS, **READERS}),
    Rung(
        "socialmap_list",
        lambda w: T + "?q=linde&kind=meeting_place&dementia_friendly=on",
        {**ANON, **OUTSIDERS, **READERS},
    ),
    Rung("socialmap_export", lambda w: T + "export.csv", {**ANON, **OUTSIDERS, **READERS}),
    Rung("socialmap_create", lambda w: T + "new/", {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(200)}),
    Rung(
        "socialmap_create",
        lambda w: T + "new/",
        {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(302)},
        method="POST",
        data=lambda w: form_data(name="Via de ladder"),
        after=_created("Via de ladder"),
    ),
    Rung("socialmap_import", lambda w: T + "import/", {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(200)}),
    Rung(
        "socialmap_import",
        lambda w: T + "import/",
        {**ANON, **OUTSIDERS, **NO_WRITE, "maarten": 200, "carla": 200},
        method="POST",
        data=_csv,
        after=_imported,
    ),
    Rung("socialmap_detail", lambda w: f"{T}{_entry(w).pk}/", {**ANON, **OUTSIDERS, **READERS}),
    # A region-wide entry is on every team's kaart of the region.
    Rung("socialmap_detail", lambda w: f"{T}{_region_entry(w).pk}/", {**ANON, **OUTSIDERS, **READERS}),
    # Another team's entry is not on this kaart: the same 404 as a missing one.
    Rung(
        "socialmap_detail",
        lambda w: f"{T}{_other_team_entry(w).pk}/",
        {**ANON, **OUTSIDERS, **{p: 404 for p in READERS}},
    ),
    Rung("socialmap_detail", lambda w: f"{T}999999/", {**ANON, **OUTSIDERS, **{p: 404 for p in READERS}}),
    Rung("socialmap_edit", lambda w: f"{T}{_entry(w).pk}/edit/", {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(200)}),
    Rung(
        "socialmap_edit",
        lambda w: f"{T}{_entry(w).pk}/edit/",
        {**ANON, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302},
        method="POST",
        data=_edit("entry"),
        after=_edited("entry"),
    ),
    # The region keeps its entries: a team's members do not edit them (a 403: they see it).
    Rung(
        "socialmap_edit",
        lambda w: f"{T}{_region_entry(w).pk}/edit/",
        {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(403)},
    ),
    Rung(
        "socialmap_edit",
        lambda w: f"{T}{_other_team_entry(w).pk}/edit/",
        {**ANON, **OUTSIDERS, **{p: 403 for p in NO_WRITE}, **_writers(404)},
    ),
    Rung(
        "socialmap_remove", lambda w: f"{T}{_entry(w).pk}/remove/", {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(200)}
    ),
    Rung(
        "socialmap_remove",
        lambda w: f"{T}{_entry(w).pk}/remove/",
        {**ANON, **OUTSIDERS, **NO_WRITE, "maarten": 302, "carla": 302},
        method="POST",
        after=_removed("entry"),
    ),
    Rung(
        "socialmap_confirm",
        lambda w: f"{T}{_entry(w).pk}/confirm/",
        {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(302)},
        method="POST",
        after=_confirmed("entry"),
    ),
    Rung(
        "socialmap_confirm", lambda w: f"{T}{_entry(w).pk}/confirm/", {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(405)}
    ),
    Rung(
        "socialmap_suggest",
        lambda w: f"{T}{_entry(w).pk}/suggest/",
        # Client representatives suggest; the team's professionals edit instead; overseers read along.
        {**ANON, **OUTSIDERS, "rosa": 302, "rik": 302, "olga": 403, "ada": 403, **_writers(403)},
        method="POST",
        data=lambda w: {"body": "De openingstijden zijn veranderd."},
        after=_suggested("De openingstijden zijn veranderd."),
    ),
    # A region-wide entry: the team's professionals cannot edit it, so they suggest too (the region's
    # administrator edits it; the overseer reads along).
    Rung(
        "socialmap_suggest",
        lambda w: f"{T}{_region_entry(w).pk}/suggest/",
        {**ANON, **OUTSIDERS, "rosa": 302, "rik": 302, "olga": 403, "ada": 403, **_writers(302)},
        method="POST",
        data=lambda w: {"body": "Het aanbod is gestopt."},
        after=_suggested("Het aanbod is gestopt."),
    ),
    # Another team's entry is not on this kaart: the same 404 as a missing one, to everyone.
    Rung(
        "socialmap_suggest",
        lambda w: f"{T}{_other_team_entry(w).pk}/suggest/",
        {**ANON, **OUTSIDERS, **{p: 404 for p in READERS}},
        method="POST",
        data=lambda w: {"body": "Elders verkeerd."},
        after=_suggested("Elders verkeerd."),
    ),
    # Suggesting is a POST (the form is on the entry's page).
    Rung(
        "socialmap_suggest",
        lambda w: f"{T}{_region_entry(w).pk}/suggest/",
        {**ANON, **OUTSIDERS, **{p: 405 for p in READERS}},
    ),
    Rung(
        "socialmap_handle",
        lambda w: f"{T}{_entry(w).pk}/suggestions/{_suggestion(w).pk}/",
        {**ANON, **OUTSIDERS, **NO_WRITE, **_writers(302)},
        method="POST",
        data=lambda w: {"decision": "declined", "answer": "Klopt nog, net nagebeld."},
        after=_handled("suggestion"),
    ),
    # The region's kaart --------------------------------------------------------------------------
    Rung("socialmap_region_list", lambda w: R, {**ANON, **NOT_IN_REGION, **REGION_READERS}),
    Rung("socialmap_region_list", lambda w: R + "?scope=region&free=on", {**ANON, **NOT_IN_REGION, **REGION_READERS}),
    Rung("socialmap_region_export", lambda w: R + "export.csv", {**ANON, **NOT_IN_REGION, **REGION_READERS}),
    Rung("socialmap_region_create", lambda w: R + "new/", {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 200}),
    Rung(
        "socialmap_region_create",
        lambda w: R + "new/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 302},
        method="POST",
        data=lambda w: form_data(name="Regionaal via de ladder"),
        after=_created("Regionaal via de ladder"),
    ),
    Rung("socialmap_region_import", lambda w: R + "import/", {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 200}),
    Rung(
        "socialmap_region_import",
        lambda w: R + "import/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 200},
        method="POST",
        data=_csv,
        after=_imported,
    ),
    Rung(
        "socialmap_region_detail", lambda w: f"{R}{_region_entry(w).pk}/", {**ANON, **NOT_IN_REGION, **REGION_READERS}
    ),
    Rung("socialmap_region_detail", lambda w: f"{R}{_entry(w).pk}/", {**ANON, **NOT_IN_REGION, **REGION_READERS}),
    Rung(
        "socialmap_region_edit",
        lambda w: f"{R}{_region_entry(w).pk}/edit/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 200},
    ),
    Rung(
        "socialmap_region_edit",
        lambda w: f"{R}{_region_entry(w).pk}/edit/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 302},
        method="POST",
        data=_edit("region_entry"),
        after=_edited("region_entry"),
    ),
    # A team's entry is kept by the team, not on the region's pages.
    Rung(
        "socialmap_region_edit",
        lambda w: f"{R}{_entry(w).pk}/edit/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 403},
    ),
    Rung(
        "socialmap_region_remove",
        lambda w: f"{R}{_region_entry(w).pk}/remove/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 200},
    ),
    Rung(
        "socialmap_region_remove",
        lambda w: f"{R}{_region_entry(w).pk}/remove/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 302},
        method="POST",
        after=_removed("region_entry"),
    ),
    Rung(
        "socialmap_region_confirm",
        lambda w: f"{R}{_region_entry(w).pk}/confirm/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 302},
        method="POST",
        after=_confirmed("region_entry"),
    ),
    Rung(
        "socialmap_region_suggest",
        lambda w: f"{R}{_region_entry(w).pk}/suggest/",
        {**ANON, **NOT_IN_REGION, "rik": 302, "olga": 403, "ada": 403},
        method="POST",
        data=lambda w: {"body": "Het adres is verhuisd."},
        after=_suggested("Het adres is verhuisd."),
    ),
    Rung(
        "socialmap_region_handle",
        lambda w: f"{R}{_region_entry(w).pk}/suggestions/{_region_suggestion(w).pk}/",
        {**ANON, **NOT_IN_REGION, **REGION_NO_WRITE, "ada": 302},
        method="POST",
        data=lambda w: {"decision": "declined", "answer": "Het oude nummer werkt nog."},
        after=_handled("region_suggestion"),
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_ladder(rung, persona, world):
    climb(rung, persona, world)
