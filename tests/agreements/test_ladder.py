"""Every agreements URL climbed by every persona: outsiders 404, readers 403 on changes."""

from datetime import date

import pytest

from tests.agreements.conftest import version_data
from tests.ladder import Rung, climb, ladder_params
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, Endorsement, Indicator, Measurement, Party, PartyKind, Status

OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
READ = {"anonymous": 302, **OUTSIDERS, **{p: 200 for p in ["rosa", "rik", "olga", "ada", "maarten", "pieter", "carla"]}}
READERS_REFUSED = {"rosa": 403, "rik": 403, "olga": 403, "ada": 403}


def write(ok: int) -> dict:
    return {"anonymous": 302, **OUTSIDERS, **READERS_REFUSED, "maarten": ok, "pieter": ok, "carla": ok}


def _agreement(world, *, propose=False, external=False, insurer=False):
    if not hasattr(world, "agreement"):
        agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
            services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
        world.external = (
            services.party_add_external(actor=world.carla, agreement=agreement, kind=PartyKind.INSURER, name="VGZ")
            if external
            else None
        )
        if insurer:  # ines's organisation: her account reads and endorses this agreement
            services.party_add_external(
                actor=world.carla, agreement=agreement, kind=PartyKind.INSURER, name=world.insurer.name
            )
        if propose:
            services.agreement_propose(actor=world.carla, agreement=agreement)
        world.indicator = services.indicator_create(
            actor=world.carla,
            agreement=agreement,
            name="Beoordelingen",
            dimension="quality",
            unit="clients",
            baseline=None,
            target=40,
            frequency="monthly",
        )
        world.agreement = agreement
    return world.agreement


def _url(world, suffix="", **kwargs):
    return f"/t/oost/agreements/{_agreement(world, **kwargs).pk}/{suffix}"


def _ok(persona, status):
    return persona in {"maarten", "pieter", "carla"} and status == 302


def _created(world, persona, status):
    assert Agreement.objects.filter(team=world.team_a).exists() == _ok(persona, status)


def _edited(world, persona, status):
    assert (world.agreement.versions.count() == 2) == _ok(persona, status)


def _proposed(world, persona, status):
    assert (Agreement.objects.get(pk=world.agreement.pk).status == Status.PROPOSED) == _ok(persona, status)


def _endorsed(world, persona, status):
    assert Endorsement.objects.filter(agreement=world.agreement).exists() == _ok(persona, status)


def _party_added(world, persona, status):
    assert Party.objects.filter(agreement=world.agreement, name="Gemeente Utrecht").exists() == _ok(persona, status)


def _party_removed(world, persona, status):
    assert (not Party.objects.filter(pk=world.removed_party).exists()) == _ok(persona, status)


def _consented(world, persona, status):
    done = Endorsement.objects.filter(party=world.external).exists()
    assert done == (persona == "carla" and status == 302)


def _indicator_added(world, persona, status):
    assert Indicator.objects.filter(agreement=world.agreement, name="Wachttijd").exists() == _ok(persona, status)


def _measured(world, persona, status):
    assert Measurement.objects.filter(indicator=world.indicator).exists() == _ok(persona, status)


def _insurer_endorsed(world, persona, status):
    mine = Endorsement.objects.filter(agreement=world.agreement, party__organisation=world.insurer)
    assert mine.exists() == (persona == "ines" and status == 302)
    if persona == "ines":
        assert mine.get().recorded_by == world.ines


# The insurer's account (ines) on an agreement its organisation is party to (proposed): it reads the
# agreement, its versions and charts, and endorses; the team's history, print, parties page and
# every change stay out of reach (404, like every other team page).
INSURED = {**READ, "ines": 200}


def _insured(world, suffix=""):
    return _url(world, suffix, propose=True, insurer=True)


def _removable_party_url(world):
    url = _url(world)
    world.removed_party = world.agreement.parties.get(organisation=world.pharmacy).pk
    return f"{url}parties/{world.removed_party}/remove/"


LADDER = [
    Rung("agreement_list", lambda w: "/t/oost/agreements/", {**READ, "ines": 200}),
    Rung("agreement_create", lambda w: "/t/oost/agreements/new/", write(200)),
    Rung(
        "agreement_create",
        lambda w: "/t/oost/agreements/new/",
        write(302),
        method="POST",
        data=lambda w: {"title": "Nieuwe afspraak", "owner": w.carla.pk},
        after=_created,
    ),
    Rung("agreement_detail", lambda w: _url(w), READ),
    Rung("agreement_edit", lambda w: _url(w, "edit/"), write(200)),
    Rung(
        "agreement_edit",
        lambda w: _url(w, "edit/"),
        write(302),
        method="POST",
        data=lambda w: {"title": "Andere titel", "owner": w.carla.pk, "base_version": 1},
        after=_edited,
    ),
    Rung(
        "agreement_transition",
        lambda w: _url(w, "transition/"),
        write(302),
        method="POST",
        data=lambda w: {"action": "propose"},
        after=_proposed,
    ),
    Rung(
        "agreement_endorse",
        lambda w: _url(w, "endorse/", propose=True),
        write(302),
        method="POST",
        data=lambda w: {"version": 1, "decision": "endorsed"},
        after=_endorsed,
    ),
    Rung("agreement_parties", lambda w: _url(w, "parties/"), READ),
    Rung(
        "agreement_parties",
        lambda w: _url(w, "parties/"),
        write(302),
        method="POST",
        data=lambda w: {"form": "external", "kind": "municipality", "name": "Gemeente Utrecht"},
        after=_party_added,
    ),
    Rung("party_remove", _removable_party_url, write(302), method="POST", after=_party_removed),
    Rung(
        "party_consent",
        lambda w: _url(w, "parties/", propose=True, external=True) + f"{w.external.pk}/consent/",
        {**write(403), "carla": 200},
    ),
    Rung(
        "party_consent",
        lambda w: _url(w, "parties/", propose=True, external=True) + f"{w.external.pk}/consent/",
        {**write(403), "carla": 302},
        method="POST",
        data=lambda w: {"version": 1, "given_on": date.today().isoformat(), "where_given": "Brief"},
        after=_consented,
    ),
    Rung("indicator_create", lambda w: _url(w, "indicators/new/"), write(200)),
    Rung(
        "indicator_create",
        lambda w: _url(w, "indicators/new/"),
        write(302),
        method="POST",
        data=lambda w: {
            "name": "Wachttijd",
            "dimension": "accessibility",
            "unit": "dagen",
            "target": "5",
            "frequency": "quarterly",
        },
        after=_indicator_added,
    ),
    Rung(
        "measurement_create",
        lambda w: _url(w) and _url(w, f"indicators/{w.indicator.pk}/measurements/new/"),
        write(200),
    ),
    Rung(
        "measurement_create",
        lambda w: _url(w) and _url(w, f"indicators/{w.indicator.pk}/measurements/new/"),
        write(302),
        method="POST",
        data=lambda w: {"value": "12", "measured_on": date.today().isoformat(), "note": ""},
        after=_measured,
    ),
    Rung("indicator_chart", lambda w: _url(w) and _url(w, f"indicators/{w.indicator.pk}/chart.svg"), READ),
    Rung("agreement_versions", lambda w: _url(w, "versions/"), READ),
    Rung("agreement_compare", lambda w: _url(w, "compare/?a=1&b=1"), READ),
    Rung("agreement_history", lambda w: _url(w, "history/"), READ),
    Rung("agreement_print", lambda w: _url(w, "print/"), READ),
    Rung("agreement_export", lambda w: "/t/oost/agreements/export.csv", READ),
    Rung("agreement_export", lambda w: "/t/oost/agreements/export.xlsx", READ),
    Rung("agreement_detail", lambda w: _insured(w), INSURED),
    Rung(
        "agreement_endorse",
        lambda w: _insured(w, "endorse/"),
        {**write(302), "ines": 302},
        method="POST",
        data=lambda w: {"version": 1, "decision": "endorsed"},
        after=_insurer_endorsed,
    ),
    Rung("indicator_chart", lambda w: _insured(w) and _insured(w, f"indicators/{w.indicator.pk}/chart.svg"), INSURED),
    Rung("agreement_versions", lambda w: _insured(w, "versions/"), INSURED),
    Rung("agreement_compare", lambda w: _insured(w, "compare/?a=1&b=1"), INSURED),
    Rung("agreement_history", lambda w: _insured(w, "history/"), {**READ, "ines": 404}),
    Rung("agreement_print", lambda w: _insured(w, "print/"), {**READ, "ines": 404}),
    Rung("agreement_parties", lambda w: _insured(w, "parties/"), {**READ, "ines": 404}),
    Rung("agreement_edit", lambda w: _insured(w, "edit/"), {**write(200), "ines": 404}),
    Rung(
        "party_consent",
        lambda w: _insured(w, "parties/") + f"{w.agreement.parties.get(organisation=w.insurer).pk}/consent/",
        {**write(403), "carla": 200, "ines": 404},
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)


def test_an_agreement_of_another_team_is_404_even_under_the_own_team_slug(world, client_for):
    other = services.agreement_create(actor=world.bram, team=world.team_b, data=version_data(world, owner=world.bram))
    client = client_for("carla")
    for suffix in ("", "edit/", "versions/", "history/", "print/", "parties/", "indicators/new/"):
        assert client.get(f"/t/oost/agreements/{other.pk}/{suffix}").status_code == 404
    assert client.post(f"/t/oost/agreements/{other.pk}/transition/", {"action": "propose"}).status_code == 404
    assert Agreement.objects.get(pk=other.pk).status == Status.CONCEPT
    for bad in ("abc", "0", "99999999", "1%20OR%201=1"):
        assert client.get(f"/t/oost/agreements/{bad}/").status_code == 404
