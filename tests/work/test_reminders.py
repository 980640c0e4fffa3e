"""Reminders until done: at most one per interval, the coordinators told after the second, and none
once the thing is done. The clock is moved (time-machine); the hourly job is `time_checks_run`.

Monday 6 September 2027 is day 0 below; the weeks after it have no public holiday.
"""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import translation

from tests.bottlenecks.helpers import report
from tests.work.conftest import amsterdam
from wijkverband.agreements import services as agreements
from wijkverband.bottlenecks import services as bottlenecks
from wijkverband.bottlenecks.models import Bottleneck, Impact
from wijkverband.work.models import Notice, NoticeKind
from wijkverband.work.services import reminders
from wijkverband.work.services.reminders import time_checks_run

EVERYONE = ["carla", "maarten", "pieter", "sofie", "bram", "rosa", "rik", "olga", "ada", "otto", "chris", "ines"]


def day(n: int, hour: int = 9):
    """Working day n after Monday 6 September 2027 (0: that Monday), at 09:00 Amsterdam time."""
    monday = amsterdam(2027, 9, 6, hour)
    weeks, rest = divmod(n, 5)
    return monday + timedelta(days=7 * weeks + rest)


def who(world, kind, subject, *, unread_only=False) -> set[str]:
    rows = Notice.objects.filter(kind=kind, subject_id=subject.pk)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    users = set(rows.values_list("user_id", flat=True))
    return {name for name in EVERYONE if world.persona(name).pk in users}


def count(kind, subject) -> int:
    return Notice.objects.filter(kind=kind, subject_id=subject.pk).count()


def run(clock, when) -> int:
    clock.to(when)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return time_checks_run()


# --- agreements: endorsements -----------------------------------------------------------------------


@pytest.fixture
def proposed(world, clock):
    clock.to(day(0))
    agreement = agreements.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={"title": "Medicatieoverdracht", "body": "Tekst", "owner": world.carla, "review_date": day(60).date()},
    )
    for organisation in (world.nursing_a, world.pharmacy):
        agreements.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreements.agreement_propose(actor=world.carla, agreement=agreement)
    agreement.refresh_from_db()
    return agreement


def test_an_unanswered_endorsement_request_is_recalled_every_five_working_days(world, clock, proposed):
    assert run(clock, day(4)) == 0
    assert count(NoticeKind.REMINDER, proposed) == 0
    run(clock, day(5))
    # To the members of each party organisation that has not endorsed: nobody else.
    assert who(world, NoticeKind.REMINDER, proposed) == {"maarten", "pieter"}
    # The job runs every hour, and twice at once: still one reminder per person per interval.
    run(clock, day(5, hour=10))
    run(clock, day(9))
    assert count(NoticeKind.REMINDER, proposed) == 2
    assert count(NoticeKind.STILL_WAITING, proposed) == 0


def test_after_the_second_reminder_the_coordinator_is_told_once(world, clock, proposed):
    run(clock, day(5))
    run(clock, day(10))
    assert count(NoticeKind.REMINDER, proposed) == 4  # two each
    # Once per request: one for each organisation that has not answered.
    assert who(world, NoticeKind.STILL_WAITING, proposed) == {"carla"}
    assert count(NoticeKind.STILL_WAITING, proposed) == 2
    run(clock, day(15))
    assert count(NoticeKind.REMINDER, proposed) == 6
    assert count(NoticeKind.STILL_WAITING, proposed) == 2


def test_reminders_stop_for_an_organisation_once_it_endorsed(world, clock, proposed):
    run(clock, day(5))
    clock.to(day(6))
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreements.endorsement_record(
            actor=world.pieter, agreement=proposed, version_number=proposed.version_count, decision="endorsed"
        )
    # His reminder is read at once; maarten's is not (his organisation has not endorsed).
    assert who(world, NoticeKind.REMINDER, proposed, unread_only=True) == {"maarten"}
    run(clock, day(10))
    assert who(world, NoticeKind.REMINDER, proposed, unread_only=True) == {"maarten"}
    assert Notice.objects.filter(kind=NoticeKind.REMINDER, user=world.pieter).count() == 1
    # The coordinator hears that the nursing organisation still has not answered; not the pharmacy.
    keys = set(Notice.objects.filter(kind=NoticeKind.STILL_WAITING).values_list("key", flat=True))
    assert keys == {f"still_waiting:agreement:{proposed.pk}:v1:org{world.nursing_a.pk}"}


def test_a_party_removed_and_added_back_is_reminded_again_from_its_return(world, clock, proposed):
    """Removed from the version, its request and reminders were done; added back, it is asked anew,
    and reminded five working days after it came back, as any party added then."""
    run(clock, day(5))
    clock.to(day(6))
    with TestCase.captureOnCommitCallbacks(execute=True):
        nursing = proposed.parties.get(organisation=world.nursing_a)
        agreements.party_remove(actor=world.carla, agreement=proposed, party=nursing)
        agreements.party_add_organisation(actor=world.carla, agreement=proposed, organisation=world.nursing_a)
    assert who(world, NoticeKind.REMINDER, proposed, unread_only=True) == {"pieter"}
    assert who(world, NoticeKind.ENDORSEMENT_REQUESTED, proposed, unread_only=True) == {"maarten", "pieter"}
    run(clock, day(10))
    assert who(world, NoticeKind.REMINDER, proposed, unread_only=True) == {"pieter"}
    run(clock, day(11))
    assert who(world, NoticeKind.REMINDER, proposed, unread_only=True) == {"maarten", "pieter"}
    assert Notice.objects.filter(kind=NoticeKind.REMINDER, user=world.maarten).count() == 1


def test_reminders_stop_for_an_organisation_once_it_declined(world, clock, proposed):
    """Found by an exploratory test: a pharmacy that declined was reminded every week after."""
    run(clock, day(5))
    clock.to(day(6))
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreements.endorsement_record(
            actor=world.pieter,
            agreement=proposed,
            version_number=proposed.version_count,
            decision="declined",
            reason="Eerst de planning rond",
        )
    run(clock, day(10))
    run(clock, day(15))
    assert Notice.objects.filter(kind=NoticeKind.REMINDER, user=world.pieter).count() == 1
    assert who(world, NoticeKind.REMINDER, proposed, unread_only=True) == {"maarten"}
    keys = set(Notice.objects.filter(kind=NoticeKind.STILL_WAITING).values_list("key", flat=True))
    assert keys == {f"still_waiting:agreement:{proposed.pk}:v1:org{world.nursing_a.pk}"}


def test_an_insurer_with_an_account_of_its_own_is_asked_and_reminded_until_it_decides(world, clock):
    """Found by an exploratory test: the insurer's Mijn werk said its endorsement was late, but it
    was never asked, reminded, nor were the coordinators told it had not answered."""
    clock.to(day(0))
    agreement = agreements.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={
            "title": "Wijkverpleging 's avonds",
            "body": "Tekst",
            "owner": world.carla,
            "review_date": day(60).date(),
        },
    )
    agreements.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    insurer = agreements.party_add_external(
        actor=world.carla, agreement=agreement, kind="insurer", name="Zorgverzekeraar Domstad"
    )
    assert insurer.organisation == world.insurer  # ines's organisation: she endorses for it
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreements.agreement_propose(actor=world.carla, agreement=agreement)
    agreement.refresh_from_db()
    assert "ines" in who(world, NoticeKind.ENDORSEMENT_REQUESTED, agreement)
    run(clock, day(5))
    assert "ines" in who(world, NoticeKind.REMINDER, agreement)
    run(clock, day(10))
    assert f"still_waiting:agreement:{agreement.pk}:v1:org{world.insurer.pk}" in set(
        Notice.objects.filter(kind=NoticeKind.STILL_WAITING, user=world.carla).values_list("key", flat=True)
    )
    clock.to(day(11))
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreements.endorsement_record(
            actor=world.ines, agreement=agreement, version_number=agreement.version_count, decision="endorsed"
        )
    # Her request and reminders are read; no more come.
    assert "ines" not in who(world, NoticeKind.REMINDER, agreement, unread_only=True)
    before = Notice.objects.filter(kind=NoticeKind.REMINDER, user=world.ines).count()
    run(clock, day(20))
    assert Notice.objects.filter(kind=NoticeKind.REMINDER, user=world.ines).count() == before
    # She hears of the others' decisions, and of the adoption, as a party does.
    agreement.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreements.endorsement_record(
            actor=world.maarten, agreement=agreement, version_number=agreement.version_count, decision="endorsed"
        )
    assert "ines" in who(world, NoticeKind.AGREEMENT_ENDORSED, agreement)
    assert "ines" in who(world, NoticeKind.AGREEMENT_ADOPTED, agreement)


def test_an_ended_agreement_stops_its_reminders_and_they_are_read(world, clock, proposed):
    run(clock, day(10))
    clock.to(day(11))
    agreements.agreement_end(actor=world.carla, agreement=proposed, reason="Niet meer nodig")
    run(clock, day(11, hour=10))
    assert who(world, NoticeKind.REMINDER, proposed, unread_only=True) == set()
    assert who(world, NoticeKind.STILL_WAITING, proposed, unread_only=True) == set()
    run(clock, day(20))
    assert count(NoticeKind.REMINDER, proposed) == 2  # the one of the interval it ran in, each


# --- agreements: review date ------------------------------------------------------------------------


def test_the_review_date_near_and_passed_reaches_the_owner_and_coordinators(world, clock):
    clock.to(day(0))
    agreement = agreements.agreement_create(
        actor=world.maarten,
        team=world.team_a,
        data={"title": "Overdracht", "body": "Tekst", "owner": world.maarten, "review_date": day(30).date()},
    )
    agreements.party_add_organisation(actor=world.maarten, agreement=agreement, organisation=world.nursing_a)
    agreements.agreement_propose(actor=world.maarten, agreement=agreement)
    run(clock, day(0))  # 42 days ahead: not yet
    assert count(NoticeKind.REVIEW_SOON, agreement) == 0
    run(clock, day(10))  # 28 days ahead
    assert who(world, NoticeKind.REVIEW_SOON, agreement) == {"maarten", "carla"}
    run(clock, day(11))
    assert count(NoticeKind.REVIEW_SOON, agreement) == 2
    run(clock, day(31))
    assert who(world, NoticeKind.REVIEW_PASSED, agreement) == {"maarten", "carla"}
    # "Within 30 days" no longer holds: read.
    assert who(world, NoticeKind.REVIEW_SOON, agreement, unread_only=True) == set()
    run(clock, day(32))
    assert count(NoticeKind.REVIEW_PASSED, agreement) == 2


# --- bottlenecks ------------------------------------------------------------------------------------


def _fresh(b):
    return Bottleneck.objects.get(pk=b.pk)


def test_ownership_not_accepted_within_the_teams_target_is_recalled(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.MEDIUM)  # accept within 5 working days
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.pieter)
    run(clock, day(4))
    assert count(NoticeKind.REMINDER, b) == 0
    run(clock, day(5))
    run(clock, day(6))
    assert who(world, NoticeKind.REMINDER, b) == {"pieter"}
    assert count(NoticeKind.REMINDER, b) == 1
    run(clock, day(10))
    assert count(NoticeKind.REMINDER, b) == 2
    assert who(world, NoticeKind.STILL_WAITING, b) == {"carla"}
    # He accepts: his reminders are read at once, and none come after.
    clock.to(day(11))
    with TestCase.captureOnCommitCallbacks(execute=True):
        bottlenecks.bottleneck_accept(actor=world.pieter, bottleneck=b, version=_fresh(b).version)
    assert who(world, NoticeKind.REMINDER, b, unread_only=True) == set()
    run(clock, day(11, hour=10))
    assert who(world, NoticeKind.STILL_WAITING, b, unread_only=True) == set()
    run(clock, day(15))
    assert count(NoticeKind.REMINDER, b) == 2


def test_the_ownership_interval_follows_the_impact(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)  # accept within 1 working day
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.pieter)
    run(clock, day(1))
    assert count(NoticeKind.REMINDER, b) == 1
    run(clock, day(2))
    assert count(NoticeKind.REMINDER, b) == 2


def test_an_unanswered_escalation_reminds_the_regions_overseers(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.LOW)
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.carla)
    bottlenecks.bottleneck_escalate(actor=world.carla, bottleneck=b, version=_fresh(b).version, reason="Regionaal")
    run(clock, day(4))
    assert count(NoticeKind.REMINDER, b) == 0
    run(clock, day(5))  # the region promised an answer within 5 working days
    assert who(world, NoticeKind.REMINDER, b) == {"olga", "ada"}  # not otto (another region), not rik
    run(clock, day(10))
    assert who(world, NoticeKind.STILL_WAITING, b) == {"carla"}
    # It waits on the region: no one is named ("Wacht na twee herinneringen nog steeds op de regio · “…”").
    assert Notice.objects.get(kind=NoticeKind.STILL_WAITING, subject_id=b.pk).actor_id is None
    clock.to(day(11))
    bottlenecks.bottleneck_region_respond(
        actor=world.olga, bottleneck=b, version=_fresh(b).version, note="We pakken het op"
    )
    run(clock, day(11, hour=10))
    assert who(world, NoticeKind.REMINDER, b, unread_only=True) == set()
    run(clock, day(20))
    assert count(NoticeKind.REMINDER, b) == 4


def test_an_escalations_reminders_say_it_waits_on_the_region_and_the_coordinator_reads_on_whom(
    world, clock, client_for
):
    """Found by an exploratory test: every overseer and region administrator read "Herinnering: wacht
    nog op jou", though the escalation waits on the region; the coordinator read "Wacht nog steeds,
    na twee herinneringen" without on whom."""
    clock.to(day(0))
    b = report(world, impact=Impact.LOW, title="Overdracht vanuit het ziekenhuis komt laat")
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.carla)
    bottlenecks.bottleneck_escalate(actor=world.carla, bottleneck=b, version=_fresh(b).version, reason="Regionaal")
    run(clock, day(5))
    for name in ("olga", "ada"):
        page = client_for(name).get("/notifications/").content.decode()
        assert "Herinnering: wacht nog op de regio ·" in page and "wacht nog op jou" not in page
    # The digest's line says the same.
    from wijkverband.work.services.mail import notice_line

    with translation.override("nl"):
        line = notice_line(Notice.objects.get(kind=NoticeKind.REMINDER, user=world.olga, subject_id=b.pk))
    assert line.startswith("Herinnering: wacht nog op de regio · “Overdracht vanuit het ziekenhuis komt laat”"), line
    run(clock, day(10))
    page = client_for("carla").get("/notifications/").content.decode()
    assert "Wacht na twee herinneringen nog steeds op de regio ·" in page
    # The region's one overseer is not named as if it waited on her alone.
    from wijkverband.tenancy import services as tenancy

    for role in list(world.ada.region_roles.all()):
        tenancy.region_role_remove(actor=None, region_role=role)
    second = report(world, impact=Impact.LOW, title="Tweede")
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=second, version=_fresh(second).version, candidate=world.carla
    )
    bottlenecks.bottleneck_escalate(
        actor=world.carla, bottleneck=second, version=_fresh(second).version, reason="Regionaal"
    )
    run(clock, day(15))
    run(clock, day(20))
    assert who(world, NoticeKind.REMINDER, second) == {"olga"}
    notice = Notice.objects.get(kind=NoticeKind.STILL_WAITING, subject_id=second.pk)
    assert notice.actor_id is None and notice.label == "Wacht na twee herinneringen nog steeds op de regio"


def test_still_waiting_on_an_organisation_names_it(world, clock, proposed, client_for):
    """An endorsement waits on any of an organisation's people: the coordinator reads on which."""
    from tests.personas import make_user
    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership

    nina = make_user("nina", "Nina Wijkverpleging")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=nina, role=Membership.Role.MEMBER, organisation=world.nursing_a
    )
    run(clock, day(5))
    run(clock, day(10))
    page = client_for("carla").get("/notifications/").content.decode()
    assert f"Wacht na twee herinneringen nog steeds op {world.nursing_a.name} ·" in page
    with translation.override("en"):
        notice = Notice.objects.get(kind=NoticeKind.STILL_WAITING, key__endswith=f"org{world.nursing_a.pk}")
        assert notice.label == f"Still waiting on {world.nursing_a.name} after two reminders"
        reminder = Notice.objects.filter(kind=NoticeKind.REMINDER, user=nina).first()
        assert reminder.label == "Reminder: still waiting on you"  # each of them is asked


def test_past_its_target_the_owner_hears_then_the_coordinator(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)  # resolve within 10 working days
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.carla)
    b = _fresh(b)
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.maarten)
    bottlenecks.bottleneck_accept(actor=world.maarten, bottleneck=b, version=_fresh(b).version)
    run(clock, day(10))
    assert count(NoticeKind.OVERDUE, b) == 0
    run(clock, day(11))
    assert who(world, NoticeKind.OVERDUE, b) == {"maarten"}
    run(clock, day(16))
    assert who(world, NoticeKind.REMINDER, b) == {"maarten"}
    assert count(NoticeKind.STILL_WAITING, b) == 0
    run(clock, day(21))
    assert who(world, NoticeKind.STILL_WAITING, b) == {"carla"}
    # It says on whom it waits (a name, never the item's text).
    told = Notice.objects.get(kind=NoticeKind.STILL_WAITING, subject_id=b.pk)
    assert told.sentence == f"“{b.title}” wacht na twee herinneringen nog steeds op {world.maarten.name}"
    clock.to(day(22))
    bottlenecks.bottleneck_resolve(actor=world.maarten, bottleneck=b, version=_fresh(b).version, summary="Opgelost")
    run(clock, day(22, hour=10))
    assert Notice.objects.filter(subject_id=b.pk, read_at__isnull=True, kind__in=reminders.TIME_KINDS).count() == 0
    run(clock, day(40))
    assert count(NoticeKind.REMINDER, b) == 2


def test_the_coordinator_hears_only_after_two_reminders_were_sent(world, clock):
    """Found by an exploratory test: an item whose impact was raised, so that its resolution date
    lay weeks back, gave its owner a first reminder keyed as a later interval, and the coordinator
    heard "still waiting, after two reminders" in the same run."""
    clock.to(day(0))
    b = report(world, impact=Impact.LOW)  # resolve within 60 working days
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.maarten
    )
    bottlenecks.bottleneck_accept(actor=world.maarten, bottleneck=b, version=_fresh(b).version)
    clock.to(day(30))
    b = _fresh(b)
    bottlenecks.bottleneck_edit(
        actor=world.carla,
        bottleneck=b,
        version=b.version,
        title=b.title,
        description=b.description,
        category=b.category,
        impact=Impact.CRITICAL,  # resolve within 10 working days: due on day 10
        affected_kinds=b.affected_kind_list,
    )
    run(clock, day(30, hour=10))
    assert who(world, NoticeKind.OVERDUE, b) == {"maarten"}
    assert count(NoticeKind.REMINDER, b) == 1
    assert count(NoticeKind.STILL_WAITING, b) == 0
    run(clock, day(31))
    assert count(NoticeKind.REMINDER, b) == 1 and count(NoticeKind.STILL_WAITING, b) == 0
    run(clock, day(35))  # the next interval: the second reminder, and now the coordinator
    assert count(NoticeKind.REMINDER, b) == 2
    assert who(world, NoticeKind.STILL_WAITING, b) == {"carla"}
    run(clock, day(40))
    assert count(NoticeKind.STILL_WAITING, b) == 1


def test_unowned_past_the_acceptance_target_the_coordinators_hear(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)
    run(clock, day(2))
    assert who(world, NoticeKind.OVERDUE, b) == {"carla"}


def test_a_client_representative_never_hears_of_an_internal_item(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL, internal=True, internal_reason="Contractzaak")
    run(clock, day(2))
    # rosa (representative of team A) is no coordinator; a representative made coordinator would
    # still be filtered by notices_create. The item stays among the professionals.
    for kind in reminders.TIME_KINDS:
        assert "rosa" not in who(world, kind, b) and "rik" not in who(world, kind, b)


def test_one_apps_failing_check_does_not_stop_the_others(world, clock, monkeypatch, proposed):
    def broken(today):
        raise RuntimeError("boom")

    monkeypatch.setitem(reminders._checks, "aaa-broken", broken)
    run(clock, day(5))
    assert count(NoticeKind.REMINDER, proposed) == 2


def test_the_apps_above_register_their_time_checks_with_the_hourly_job():
    assert {"agreements", "bottlenecks"} <= set(reminders._checks)


def test_a_bottleneck_handed_over_is_the_new_owners_and_the_earlier_owner_hears_no_more(world, clock):
    """Found by an exploratory test: after a handover the earlier owner kept eight unread reminders
    and the new owner got "reminder 12" within the hour of taking it. Also: one open reminder per
    request and person, and a request to own handed to someone else is no longer asked of the first."""
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)  # resolve within 10 working days
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.maarten
    )
    # Asked of pieter instead: maarten's request is done.
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.pieter)
    assert who(world, NoticeKind.OWNERSHIP_ASKED, b, unread_only=True) == {"pieter"}
    bottlenecks.bottleneck_accept(actor=world.pieter, bottleneck=b, version=_fresh(b).version)
    run(clock, day(16))
    run(clock, day(21))
    assert Notice.objects.filter(kind=NoticeKind.REMINDER, user=world.pieter, subject_id=b.pk).count() == 2
    assert (
        Notice.objects.filter(
            kind=NoticeKind.REMINDER, user=world.pieter, subject_id=b.pk, read_at__isnull=True
        ).count()
        == 1
    )
    # Handed over to maarten on day 22.
    clock.to(day(22))
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.maarten
    )
    bottlenecks.bottleneck_accept(actor=world.maarten, bottleneck=b, version=_fresh(b).version)
    run(clock, day(22, hour=10))
    assert who(world, NoticeKind.REMINDER, b, unread_only=True) == set()  # pieter's are done; none yet for maarten
    assert who(world, NoticeKind.OVERDUE, b, unread_only=True) == {"maarten"}
    run(clock, day(26))
    assert not Notice.objects.filter(kind=NoticeKind.REMINDER, user=world.maarten, subject_id=b.pk).exists()
    run(clock, day(27))  # five working days after he took it
    assert who(world, NoticeKind.REMINDER, b, unread_only=True) == {"maarten"}


def test_taken_up_by_the_region_the_owner_is_not_reminded_until_it_is_handed_back(world, clock):
    """Found by an exploratory test: after the region took an item up, its owner still heard "past
    its target" every five working days and the coordinator "still waiting"."""
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)  # resolve within 10 working days
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.maarten
    )
    bottlenecks.bottleneck_accept(actor=world.maarten, bottleneck=b, version=_fresh(b).version)
    bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=_fresh(b).version, reason="Regionaal")
    bottlenecks.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=_fresh(b).version, note="")
    run(clock, day(11))
    run(clock, day(16))
    run(clock, day(21))
    assert count(NoticeKind.OVERDUE, b) == 0
    assert count(NoticeKind.REMINDER, b) == 0
    assert count(NoticeKind.STILL_WAITING, b) == 0
    clock.to(day(22))
    bottlenecks.bottleneck_region_hand_back(
        actor=world.olga, bottleneck=b, version=_fresh(b).version, advice="Pak het met de apotheek op"
    )
    run(clock, day(22, hour=10))
    assert who(world, NoticeKind.OVERDUE, b) == {"maarten"}


def test_taking_an_item_up_settles_its_owners_overdue_notices(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.maarten
    )
    bottlenecks.bottleneck_accept(actor=world.maarten, bottleneck=b, version=_fresh(b).version)
    run(clock, day(16))
    assert who(world, NoticeKind.REMINDER, b, unread_only=True) == {"maarten"}
    clock.to(day(17))
    bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=_fresh(b).version, reason="Regionaal")
    bottlenecks.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=_fresh(b).version, note="")
    run(clock, day(17, hour=10))
    assert Notice.objects.filter(subject_id=b.pk, read_at__isnull=True, kind__in=reminders.TIME_KINDS).count() == 0


def test_a_coordinator_is_not_told_that_a_request_still_waits_on_themselves(world, clock):
    """Found by an exploratory test: a coordinator who owns an item past its target got its two
    reminders and then "still waiting" about their own item."""
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)  # resolve within 10 working days
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.carla)
    run(clock, day(16))
    run(clock, day(21))
    assert count(NoticeKind.REMINDER, b) == 2 and who(world, NoticeKind.REMINDER, b) == {"carla"}
    assert count(NoticeKind.STILL_WAITING, b) == 0


def test_a_request_to_own_an_item_the_region_took_up_reminds_the_person_asked_but_not_the_coordinators(world, clock):
    """Found by an exploratory test: a coordinator asked a member to own an item the region had taken
    up (its owner had left the team); the member was reminded, as is right (the request waits on
    them, not on the region), but the coordinator heard "still waits on Maarten Jansen after two
    reminders" about an item in the region's hands. Handed back, the coordinators hear at the next run."""
    clock.to(day(0))
    b = report(world, impact=Impact.MEDIUM)  # accept within 5 working days
    bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=_fresh(b).version, reason="Regionaal")
    bottlenecks.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=_fresh(b).version, note="")
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.pieter)
    for n in (5, 10, 15):
        run(clock, day(n))
    assert count(NoticeKind.REMINDER, b) == 3 and who(world, NoticeKind.REMINDER, b) == {"pieter"}
    assert count(NoticeKind.STILL_WAITING, b) == 0
    clock.to(day(16))
    bottlenecks.bottleneck_region_hand_back(
        actor=world.olga, bottleneck=b, version=_fresh(b).version, advice="Pak het met de apotheek op"
    )
    run(clock, day(16, hour=10))
    assert who(world, NoticeKind.STILL_WAITING, b, unread_only=True) == {"carla"}


def test_taking_an_item_up_reads_the_coordinators_still_waiting_of_a_request_to_own(world, clock):
    clock.to(day(0))
    b = report(world, impact=Impact.MEDIUM)
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.pieter)
    run(clock, day(5))
    run(clock, day(10))
    assert who(world, NoticeKind.STILL_WAITING, b, unread_only=True) == {"carla"}
    clock.to(day(11))
    bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=_fresh(b).version, reason="Regionaal")
    bottlenecks.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=_fresh(b).version, note="")
    run(clock, day(11, hour=10))
    assert who(world, NoticeKind.STILL_WAITING, b, unread_only=True) == set()
    # The request itself still waits on Pieter: his reminder stays.
    assert who(world, NoticeKind.REMINDER, b, unread_only=True) == {"pieter"}
    run(clock, day(15))
    assert count(NoticeKind.REMINDER, b) == 3 and count(NoticeKind.STILL_WAITING, b) == 1


def test_handed_back_after_it_was_late_the_owner_hears_it_is_past_its_target_at_the_next_run(world, clock):
    """Found by an exploratory test: the owner's "past its target" was read while the region had
    the item, and after the hand-back it was never made again (same key): nothing unread said it
    was late until the next reminder, five working days on."""
    clock.to(day(0))
    b = report(world, impact=Impact.CRITICAL)  # resolve within 10 working days
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=b, version=_fresh(b).version, candidate=world.maarten
    )
    bottlenecks.bottleneck_accept(actor=world.maarten, bottleneck=b, version=_fresh(b).version)
    run(clock, day(11))
    assert who(world, NoticeKind.OVERDUE, b, unread_only=True) == {"maarten"}
    clock.to(day(12))
    bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=_fresh(b).version, reason="Regionaal")
    bottlenecks.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=_fresh(b).version, note="")
    run(clock, day(12, hour=10))
    assert Notice.objects.filter(subject_id=b.pk, read_at__isnull=True, kind__in=reminders.TIME_KINDS).count() == 0
    clock.to(day(13))
    bottlenecks.bottleneck_region_hand_back(
        actor=world.olga, bottleneck=b, version=_fresh(b).version, advice="Pak het met de apotheek op"
    )
    run(clock, day(13, hour=10))
    assert who(world, NoticeKind.OVERDUE, b, unread_only=True) == {"maarten"}
    # Once per hand-back; the reminders go on in their cycle (the first five working days after the target).
    run(clock, day(13, hour=11))
    assert count(NoticeKind.OVERDUE, b) == 2 and count(NoticeKind.REMINDER, b) == 0
    run(clock, day(15))
    assert who(world, NoticeKind.REMINDER, b, unread_only=True) == {"maarten"}
    assert who(world, NoticeKind.OVERDUE, b, unread_only=True) == {"maarten"}
