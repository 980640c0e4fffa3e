"""Entering Welzijn op Recept figures: the rules, what is refused, and that a refusal changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.referrals.conftest import counts, last_month, months_ago, record
from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused
from wijkverband.referrals import services
from wijkverband.referrals.models import Kind, Referral, ReferralMonth
from wijkverband.referrals.months import add_months, this_month


def month_row(world, month=None, referrer=None):
    return ReferralMonth.objects.get(team=world.team_a, month=month or last_month(), referrer=referrer or world.gp_a)


def test_counts_are_saved_with_an_audit_row(world):
    row = counts(world)
    assert (row.kind, row.referrals, row.intakes, row.feedback) == (Kind.COUNTS, 10, 8, 6)
    assert AuditEvent.objects.filter(action="referrals.counts_set", team_id=world.team_a.pk).count() == 1


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        ((5, 6, 0), "intakes", "more intakes"),
        ((5, 5, 6), "feedback", "at most once per referral"),
        ((-1, 0, 0), "referrals", "cannot be negative"),
        ((5, -1, 0), "intakes", "cannot be negative"),
        ((20_000, 0, 0), "referrals", "check the number"),
    ],
)
def test_impossible_counts_are_refused_at_their_field_and_nothing_is_saved(world, figures, field, message):
    referrals, intakes, feedback = figures
    with pytest.raises(ActionRefused, match=message) as refused:
        counts(world, referrals=referrals, intakes=intakes, feedback=feedback)
    assert refused.value.field == field
    assert not ReferralMonth.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="referrals.").exists()


def test_feedback_may_exceed_intakes_because_non_starters_get_word_back_too(world):
    row = counts(world, referrals=10, intakes=4, feedback=7)
    assert row.feedback == 7


def test_a_future_month_is_refused(world):
    with pytest.raises(ActionRefused, match="future") as refused:
        counts(world, month=add_months(this_month(), 1))
    assert refused.value.field == "month"
    assert not ReferralMonth.objects.exists()


def test_the_current_month_may_be_entered_so_far(world):
    assert counts(world, month=this_month()).month == this_month()


def test_a_referrer_of_another_team_is_refused(world):
    with pytest.raises(ActionRefused, match="referring organisation of this team") as refused:
        counts(world, referrer=world.nursing_b)
    assert refused.value.field == "referrer"


def test_readers_and_outsiders_may_not_enter(world):
    for person in (world.rosa, world.olga, world.bram, world.rik):
        with pytest.raises(PermissionDenied):
            counts(world, actor=person)
        with pytest.raises(PermissionDenied):
            record(world, actor=person)
    assert not ReferralMonth.objects.exists() and not Referral.objects.exists()


def test_changing_counts_needs_the_version_the_form_showed(world):
    row = counts(world)
    changed = counts(world, referrals=12, intakes=9, feedback=9, version=row.version)
    assert (changed.referrals, changed.version) == (12, 2)
    with pytest.raises(ActionRefused, match="Someone else entered counts") as refused:
        counts(world, referrals=3, intakes=1, feedback=0, version=row.version)  # the older form
    assert refused.value.code == "conflict"
    assert month_row(world).referrals == 12


def test_counts_without_a_version_over_existing_counts_are_refused_not_silently_merged(world):
    counts(world)
    with pytest.raises(ActionRefused, match="were entered already") as refused:
        counts(world, referrals=1, intakes=0, feedback=0, version=0)
    assert refused.value.code == "conflict"
    assert month_row(world).referrals == 10


def test_a_record_is_counted_in_the_month_of_the_referral(world):
    record(world, status="intake_held")
    record(world, status="completed", feedback_on=last_month().replace(day=20))
    record(world, status="not_started", feedback_on=last_month().replace(day=21))
    record(world, status="referred")
    row = month_row(world)
    assert (row.kind, row.referrals, row.intakes, row.feedback) == (Kind.RECORDS, 4, 2, 2)


def test_a_month_kept_as_counts_refuses_records_and_the_other_way_round(world):
    counts(world)
    with pytest.raises(ActionRefused, match="kept as counts") as refused:
        record(world)
    assert refused.value.field == "referred_on"
    assert not Referral.objects.exists()
    # Another referrer in the same month, or another month, is free.
    record(world, referrer=world.social_a)
    record(world, day=months_ago(2).replace(day=3))
    with pytest.raises(ActionRefused, match="kept as referral records"):
        counts(world, month=months_ago(2))
    assert month_row(world, months_ago(2)).referrals == 1


def test_deleting_the_counts_frees_the_month_for_records(world):
    row = counts(world)
    services.counts_delete(actor=world.maarten, team=world.team_a, row=row)
    assert not ReferralMonth.objects.exists()
    record(world)
    assert month_row(world).kind == Kind.RECORDS


def test_editing_a_record_moves_it_between_months_and_recounts_both(world):
    first = record(world, status="intake_held")
    record(world)
    moved = services.referral_edit(
        actor=world.maarten,
        team=world.team_a,
        record=first,
        version=first.version,
        referred_on=months_ago(2).replace(day=5),
        referrer=world.gp_a,
        offer="Taalcafé",
        status="completed",
        feedback_on=None,
    )
    assert moved.version == 2
    assert (month_row(world).referrals, month_row(world).intakes) == (1, 0)
    assert (month_row(world, months_ago(2)).referrals, month_row(world, months_ago(2)).intakes) == (1, 1)


def test_editing_into_a_month_kept_as_counts_is_refused_and_nothing_moves(world):
    counts(world, month=months_ago(2))
    first = record(world)
    with pytest.raises(ActionRefused, match="kept as counts"):
        services.referral_edit(
            actor=world.maarten,
            team=world.team_a,
            record=first,
            version=first.version,
            referred_on=months_ago(2).replace(day=5),
            referrer=world.gp_a,
            offer="",
            status="referred",
            feedback_on=None,
        )
    assert Referral.objects.get(pk=first.pk).referred_on == first.referred_on
    assert month_row(world).referrals == 1


def test_an_edit_from_an_older_form_is_refused(world):
    first = record(world)
    fields = dict(referred_on=first.referred_on, referrer=world.gp_a, offer="", status="intake_held", feedback_on=None)
    services.referral_edit(actor=world.maarten, team=world.team_a, record=first, version=1, **fields)
    with pytest.raises(ActionRefused, match="Someone else changed"):
        services.referral_edit(
            actor=world.carla, team=world.team_a, record=first, version=1, **{**fields, "status": "not_started"}
        )
    assert Referral.objects.get(pk=first.pk).status == "intake_held"


def test_deleting_the_last_record_of_a_month_removes_its_figures(world):
    first = record(world)
    services.referral_delete(actor=world.carla, team=world.team_a, record=first)
    assert not ReferralMonth.objects.exists()
    assert AuditEvent.objects.filter(action="referrals.record_deleted").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"day": "future"}, "referred_on", "future"),
        ({"feedback_on": "before"}, "feedback_on", "before the referral"),
        ({"feedback_on": "future"}, "feedback_on", "future"),
        ({"offer": "x" * 101}, "offer", "at most 100"),
        ({"status": "lost"}, "status", "from the list"),
    ],
)
def test_impossible_records_are_refused_at_their_field(world, changes, field, message):
    today = timezone.localdate()
    day = last_month().replace(day=10)
    kwargs = {"day": day}
    if changes.get("day") == "future":
        kwargs["day"] = today + timedelta(days=1)
    if changes.get("feedback_on") == "before":
        kwargs["feedback_on"] = day - timedelta(days=1)
    if changes.get("feedback_on") == "future":
        kwargs["feedback_on"] = today + timedelta(days=1)
    for name in ("offer", "status"):
        if name in changes:
            kwargs[name] = changes[name]
    with pytest.raises(ActionRefused, match=message) as refused:
        record(world, **kwargs)
    assert refused.value.field == field
    assert not Referral.objects.exists() and not ReferralMonth.objects.exists()


@pytest.mark.parametrize(
    "offer",
    ["Mevrouw Jansen, geboren 12-03-1948", "BSN 111222333", "cliënt 1112.22.333 naar de wandelgroep"],
)
def test_the_client_data_guard_refuses_names_with_dates_of_birth_and_bsns_in_the_offer(world, offer):
    with pytest.raises(ActionRefused, match="client data") as refused:
        record(world, offer=offer)
    assert refused.value.field == "offer"
    assert not Referral.objects.exists() and not ReferralMonth.objects.exists()
