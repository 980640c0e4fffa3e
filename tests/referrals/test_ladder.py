"""Every Welzijn op Recept URL climbed by every persona: outsiders 404, readers see the aggregate
only (403 on records and on every change), members and coordinators enter and change."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from tests.referrals.conftest import counts, last_month, months_ago, record
from wijkverband.referrals.models import Referral, ReferralMonth

OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
READERS = ["rosa", "rik", "olga", "ada"]
CONTRIBUTORS = ["maarten", "pieter", "carla"]
READ = {"anonymous": 302, **OUTSIDERS, **{p: 200 for p in READERS + CONTRIBUTORS}}


def contribute(ok: int) -> dict:
    return {"anonymous": 302, **OUTSIDERS, **{p: 403 for p in READERS}, **{p: ok for p in CONTRIBUTORS}}


W = "/t/oost/welzijn-op-recept/"


def _ok(persona, status):
    return persona in CONTRIBUTORS and status == 302


def _counts(world):
    if not hasattr(world, "counts_row"):
        world.counts_row = counts(world, month=months_ago(2))
    return world.counts_row


def _record(world):
    if not hasattr(world, "record"):
        world.record = record(world)
    return world.record


def _counts_saved(world, persona, status):
    row = ReferralMonth.objects.filter(team=world.team_a, month=months_ago(3)).first()
    assert (row is not None and row.referrals == 7) == _ok(persona, status)


def _counts_changed(world, persona, status):
    assert (ReferralMonth.objects.get(pk=world.counts_row.pk).referrals == 12) == _ok(persona, status)


def _counts_deleted(world, persona, status):
    assert (not ReferralMonth.objects.filter(pk=world.counts_row.pk).exists()) == _ok(persona, status)


def _record_saved(world, persona, status):
    assert Referral.objects.filter(team=world.team_a, offer="Taalcafé").exists() == _ok(persona, status)


def _record_changed(world, persona, status):
    assert (Referral.objects.get(pk=world.record.pk).status == "intake_held") == _ok(persona, status)


def _record_deleted(world, persona, status):
    assert (not Referral.objects.filter(pk=world.record.pk).exists()) == _ok(persona, status)


def _record_data(world):
    return {
        "referred_on": last_month().replace(day=12).isoformat(),
        "referrer": world.gp_a.pk,
        "offer": "Taalcafé",
        "status": "referred",
        "feedback_on": "",
    }


LADDER = [
    Rung("referral_overview", lambda w: _counts(w) and W, READ),
    Rung("referral_chart", lambda w: _counts(w) and W + "chart.svg", READ),
    Rung("referral_chart_narrow", lambda w: _counts(w) and W + "chart-narrow.svg", READ),
    Rung("referral_export", lambda w: _counts(w) and W + "export.csv", READ),
    Rung("referral_counts", lambda w: W + "counts/", contribute(200)),
    Rung(
        "referral_counts",
        lambda w: W + "counts/",
        contribute(302),
        method="POST",
        data=lambda w: {
            "month": f"{months_ago(3):%Y-%m}",
            "referrer": w.gp_a.pk,
            "referrals": 7,
            "intakes": 5,
            "feedback": 4,
            "version": 0,
        },
        after=_counts_saved,
    ),
    Rung("referral_counts_edit", lambda w: f"{W}counts/{_counts(w).pk}/", contribute(200)),
    Rung(
        "referral_counts_edit",
        lambda w: f"{W}counts/{_counts(w).pk}/",
        contribute(302),
        method="POST",
        data=lambda w: {
            "month": f"{months_ago(2):%Y-%m}",
            "referrer": w.gp_a.pk,
            "referrals": 12,
            "intakes": 5,
            "feedback": 4,
            "version": 1,
        },
        after=_counts_changed,
    ),
    Rung("referral_counts_delete", lambda w: f"{W}counts/{_counts(w).pk}/delete/", contribute(200)),
    Rung(
        "referral_counts_delete",
        lambda w: f"{W}counts/{_counts(w).pk}/delete/",
        contribute(302),
        method="POST",
        after=_counts_deleted,
    ),
    Rung("referral_records", lambda w: _record(w) and W + "records/", contribute(200)),
    Rung("referral_records_export", lambda w: _record(w) and W + "records/export.csv", contribute(200)),
    Rung("referral_record_new", lambda w: W + "records/new/", contribute(200)),
    Rung(
        "referral_record_new",
        lambda w: W + "records/new/",
        contribute(302),
        method="POST",
        data=_record_data,
        after=_record_saved,
    ),
    Rung("referral_record_edit", lambda w: f"{W}records/{_record(w).pk}/", contribute(200)),
    Rung(
        "referral_record_edit",
        lambda w: f"{W}records/{_record(w).pk}/",
        contribute(302),
        method="POST",
        data=lambda w: {
            **_record_data(w),
            "referred_on": w.record.referred_on.isoformat(),
            "offer": "Wandelgroep",
            "status": "intake_held",
            "version": 1,
        },
        after=_record_changed,
    ),
    Rung("referral_record_delete", lambda w: f"{W}records/{_record(w).pk}/delete/", contribute(200)),
    Rung(
        "referral_record_delete",
        lambda w: f"{W}records/{_record(w).pk}/delete/",
        contribute(302),
        method="POST",
        after=_record_deleted,
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)


def test_another_teams_figures_are_404_under_this_teams_slug(world, client_for):
    from wijkverband.referrals import services

    other_counts = services.counts_set(
        actor=world.bram,
        team=world.team_b,
        month=last_month(),
        referrer=world.pharmacy,
        referrals=3,
        intakes=1,
        feedback=1,
    )
    other_record = services.referral_record(
        actor=world.bram, team=world.team_b, referred_on=months_ago(2).replace(day=3), referrer=world.pharmacy
    )
    client = client_for("pieter")  # a member of both teams
    for suffix in (f"counts/{other_counts.pk}/", f"counts/{other_counts.pk}/delete/"):
        assert client.get(W + suffix).status_code == 404
        assert client.post(W + suffix, {"referrals": 0}).status_code == 404
    for suffix in (f"records/{other_record.pk}/", f"records/{other_record.pk}/delete/"):
        assert client.get(W + suffix).status_code == 404
        assert client.post(W + suffix).status_code == 404
    assert Referral.objects.filter(pk=other_record.pk).exists()
    assert ReferralMonth.objects.get(pk=other_counts.pk).referrals == 3
    # A month kept as records has no counts page, whatever its id.
    own = record(world)
    row = ReferralMonth.objects.get(team=world.team_a, month=own.referred_on.replace(day=1))
    assert client.get(f"{W}counts/{row.pk}/").status_code == 404
    for bad in ("abc", "0", "99999999", "1%20OR%201=1"):
        assert client.get(f"{W}records/{bad}/").status_code == 404
