"""Every transition of a bottleneck, and every refusal: a refused step changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from tests.bottlenecks.helpers import category, fresh, report
from wijkverband.audit.models import AuditEvent
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck, BottleneckEvent, EventKind, Impact, Signal, Status
from wijkverband.core.errors import ActionRefused

pytestmark = pytest.mark.usefixtures("clock")


def snapshot(b):
    b = fresh(b)
    return (
        {f.attname: getattr(b, f.attname) for f in Bottleneck._meta.concrete_fields},
        BottleneckEvent.objects.filter(bottleneck=b).count(),
        Signal.objects.filter(bottleneck=b).count(),
    )


def refused(call, b, code=None):
    before = snapshot(b)
    with pytest.raises(ActionRefused) as info:
        call()
    assert snapshot(b) == before, "a refused action changed something"
    if code:
        assert info.value.code == code
    return info.value


def test_reporting_records_the_item_its_timeline_and_an_audit_row(world):
    b = report(world)
    assert b.status == Status.REPORTED
    assert b.owner is None
    assert b.reporter_organisation == world.nursing_a
    assert b.affected_kind_list == ["huisarts", "apotheek"]
    # High impact: 2 working days to accept, 20 to resolve, from Monday 2 March 2026.
    assert b.accept_due == date(2026, 3, 4)
    assert b.resolve_due == date(2026, 3, 30)
    assert [e.kind for e in b.events.all()] == [EventKind.REPORTED]
    assert AuditEvent.objects.filter(action="bottleneck.reported", object_id=str(b.pk)).exists()


def test_representatives_and_overseers_cannot_report(world):
    for persona in (world.rosa, world.olga):
        with pytest.raises(ActionRefused) as info:
            report(world, actor=persona)
        assert info.value.code == "forbidden"
    with pytest.raises(PermissionDenied):
        report(world, actor=world.bram)  # not in team A at all
    assert not Bottleneck.objects.exists()


def test_reporting_refuses_client_data_and_bad_input(world):
    with pytest.raises(ActionRefused, match="BSN"):
        report(world, description="Cliënt met BSN 111222333 kreeg geen zorg")
    with pytest.raises(ActionRefused, match="date of birth"):
        report(world, title="Mevrouw Jansen (12-03-1945) zonder medicatie")
    with pytest.raises(ActionRefused, match="title"):
        report(world, title="   ")
    with pytest.raises(ActionRefused, match="category"):
        services.bottleneck_report(
            actor=world.maarten,
            team=world.team_a,
            title="x",
            description="",
            category=services.category_add(actor=world.chris, team=world.team_c, name="Eigen C"),
            impact=Impact.LOW,
            affected_kinds=[],
        )
    with pytest.raises(ActionRefused):
        report(world, affected_kinds=["tandarts"])
    with pytest.raises(ActionRefused):
        report(world, internal=True, internal_reason="")
    assert not Bottleneck.objects.exists()


def test_the_full_path_reported_picked_up_in_progress_resolved(world):
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    assert b.status == Status.REPORTED and b.owner is None and b.owner_candidate == world.pieter
    b = services.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
    assert (b.status, b.owner, b.owner_candidate) == (Status.PICKED_UP, world.pieter, None)
    b = services.bottleneck_start(actor=world.pieter, bottleneck=b, version=b.version)
    assert b.status == Status.IN_PROGRESS
    b = services.bottleneck_resolve(
        actor=world.pieter, bottleneck=b, version=b.version, summary="Ziekenhuis stuurt overzicht bij ontslag mee."
    )
    b = fresh(b)
    assert b.status == Status.RESOLVED and b.resolution_summary.startswith("Ziekenhuis")
    kinds = [e.kind for e in b.events.all()]
    assert kinds == ["reported", "owner_requested", "owner_accepted", "started", "resolved"]
    assert [(e.from_status, e.to_status) for e in b.events.all() if e.to_status] == [
        ("reported", "picked_up"),
        ("picked_up", "in_progress"),
        ("in_progress", "resolved"),
    ]


def test_asking_yourself_takes_ownership_at_once(world):
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.maarten)
    assert (b.status, b.owner) == (Status.PICKED_UP, world.maarten)


def test_ownership_refusals(world):
    b = report(world)
    # Nobody asked pieter: he cannot accept.
    refused(lambda: services.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version), b)
    # A representative or a member of another team cannot be made owner.
    for person in (world.rosa, world.bram, world.olga):
        refused(
            lambda p=person: services.bottleneck_ask_owner(
                actor=world.maarten, bottleneck=b, version=b.version, candidate=p
            ),
            b,
        )
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    # Someone else than the candidate cannot accept in their place.
    refused(lambda: services.bottleneck_accept(actor=world.carla, bottleneck=b, version=b.version), b)
    # Declining needs a reason.
    refused(lambda: services.bottleneck_decline(actor=world.pieter, bottleneck=b, version=b.version, reason=" "), b)


def test_accept_by_someone_who_left_the_team_is_refused(world):
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import Membership
    from wijkverband.tenancy.policy import policy_forget

    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    membership = Membership.objects.get(team=world.team_a, user=world.pieter)
    tenancy_services.membership_remove(actor=world.carla, membership=membership)
    policy_forget(world.pieter)
    before = snapshot(b)
    with pytest.raises((ActionRefused, PermissionDenied)):
        services.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
    assert snapshot(b) == before


def test_decline_with_a_reason_leaves_it_unowned_and_says_why(world):
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    b = services.bottleneck_decline(
        actor=world.pieter, bottleneck=b, version=b.version, reason="Geen capaciteit deze maand"
    )
    b = fresh(b)
    assert b.owner is None and b.owner_candidate is None and b.status == Status.REPORTED
    assert b.events.last().note == "Geen capaciteit deze maand"


def test_owners_hand_over_and_others_may_not(world):
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.maarten)
    # pieter is not the owner nor a coordinator: he cannot hand it over.
    refused(
        lambda: services.bottleneck_ask_owner(
            actor=world.pieter, bottleneck=b, version=b.version, candidate=world.pieter
        ),
        b,
        code="forbidden",
    )
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    assert b.owner == world.maarten  # until pieter accepts
    b = services.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
    assert b.owner == world.pieter and b.status == Status.PICKED_UP


def test_resolve_without_summary_and_close_without_reason_are_refused(world):
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.maarten)
    error = refused(
        lambda: services.bottleneck_resolve(actor=world.maarten, bottleneck=b, version=b.version, summary="  "),
        b,
    )
    assert "summary" in str(error.message)
    refused(lambda: services.bottleneck_close(actor=world.maarten, bottleneck=b, version=b.version, reason=""), b)
    # Someone who is neither owner nor coordinator may not resolve.
    refused(
        lambda: services.bottleneck_resolve(actor=world.pieter, bottleneck=b, version=b.version, summary="Klaar"),
        b,
        code="forbidden",
    )
    # Starting work needs a picked-up item, not a reported one.
    other = report(world, title="Ander knelpunt")
    refused(lambda: services.bottleneck_start(actor=world.carla, bottleneck=other, version=other.version), other)


def test_close_and_reopen_keeps_the_history_and_restarts_the_clock(world, clock):
    b = report(world)
    b = services.bottleneck_close(actor=world.carla, bottleneck=b, version=b.version, reason="Landelijk probleem")
    assert fresh(b).status == Status.CLOSED
    refused(lambda: services.bottleneck_close(actor=world.carla, bottleneck=b, version=b.version, reason="x"), b)
    refused(lambda: services.bottleneck_reopen(actor=world.maarten, bottleneck=b, version=b.version, reason=""), b)
    refused(
        lambda: services.bottleneck_reopen(actor=world.rosa, bottleneck=b, version=b.version, reason="Terug"),
        b,
        code="forbidden",
    )
    clock.shift(timedelta(days=28))
    b = services.bottleneck_reopen(actor=world.maarten, bottleneck=b, version=b.version, reason="Weer gebeurd")
    b = fresh(b)
    assert b.status == Status.REPORTED
    assert b.resolve_due == date(2026, 4, 29)  # 20 working days from 30 March: no Easter Monday, King's Day
    assert [e.kind for e in b.events.all()][-2:] == ["closed", "reopened"]


def test_escalation_and_the_regional_answers(world):
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.maarten)
    refused(lambda: services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason=""), b)
    b = services.bottleneck_escalate(
        actor=world.maarten, bottleneck=b, version=b.version, reason="Speelt in de hele regio"
    )
    assert b.status == Status.ESCALATED and b.status_before_escalation == Status.PICKED_UP
    error = refused(
        lambda: services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Nog eens"),
        b,
    )
    # Sent again by who escalated it: said to be done (as a double tap is), not "someone else".
    assert error.code == "already" and "You have escalated this bottleneck" in str(error.message)
    # Only an overseer of this region answers; otto oversees another region.
    for actor in (world.maarten, world.otto, world.rosa):
        with pytest.raises((ActionRefused, PermissionDenied)):
            services.bottleneck_region_respond(actor=actor, bottleneck=b, version=b.version, note="Antwoord")
    b = services.bottleneck_region_respond(
        actor=world.olga, bottleneck=b, version=b.version, note="We agenderen het in het regio-overleg."
    )
    b = services.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=b.version, note="")
    assert fresh(b).taken_up_regionally
    refused(lambda: services.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=b.version, note=""), b)
    refused(
        lambda: services.bottleneck_region_hand_back(actor=world.olga, bottleneck=b, version=b.version, advice=""), b
    )
    b = services.bottleneck_region_hand_back(
        actor=world.olga, bottleneck=b, version=b.version, advice="Maak een afspraak met het ziekenhuis."
    )
    b = fresh(b)
    assert b.status == Status.PICKED_UP and not b.taken_up_regionally
    assert [e.kind for e in b.events.all()][-4:] == [
        "escalated",
        "region_responded",
        "region_took_up",
        "region_handed_back",
    ]
    # Handed back, it may be escalated again.
    b = services.bottleneck_escalate(actor=world.carla, bottleneck=b, version=b.version, reason="Advies werkt niet")
    assert b.status == Status.ESCALATED


def test_a_stale_version_is_refused_and_nothing_is_overwritten(world):
    b = report(world)
    old_version = b.version
    services.bottleneck_edit(
        actor=world.maarten,
        bottleneck=b,
        version=old_version,
        title="Eerste wijziging",
        description=b.description,
        category=b.category,
        impact=b.impact,
        affected_kinds=b.affected_kind_list,
    )
    for call in (
        lambda: services.bottleneck_edit(
            actor=world.carla,
            bottleneck=b,
            version=old_version,
            title="Tweede wijziging",
            description="",
            category=b.category,
            impact=Impact.LOW,
            affected_kinds=[],
        ),
        lambda: services.bottleneck_resolve(actor=world.carla, bottleneck=b, version=old_version, summary="Klaar"),
        lambda: services.bottleneck_escalate(actor=world.carla, bottleneck=b, version=old_version, reason="Regio"),
    ):
        refused(call, b, code="stale")
    assert fresh(b).title == "Eerste wijziging"


def test_edit_recomputes_due_dates_when_the_impact_changes_and_refuses_others(world):
    b = report(world)
    b = services.bottleneck_edit(
        actor=world.maarten,
        bottleneck=b,
        version=b.version,
        title=b.title,
        description=b.description,
        category=category("capaciteit"),
        impact=Impact.CRITICAL,
        affected_kinds=["wijkverpleging"],
    )
    b = fresh(b)
    assert (b.accept_due, b.resolve_due) == (date(2026, 3, 3), date(2026, 3, 16))
    assert b.events.last().data == {"fields": ["category", "impact", "affected_kinds"]}
    # pieter neither reported, owns nor coordinates.
    refused(
        lambda: services.bottleneck_edit(
            actor=world.pieter,
            bottleneck=b,
            version=b.version,
            title="Anders",
            description="",
            category=b.category,
            impact=b.impact,
            affected_kinds=[],
        ),
        b,
        code="forbidden",
    )


def test_signals_once_per_organisation_and_never_by_the_reporting_one(world):
    b = report(world)  # by maarten for Buurtzorg Oost
    services.bottleneck_signal(actor=world.pieter, bottleneck=b)  # Apotheek Linde
    assert fresh(b).signal_count == 1
    refused(lambda: services.bottleneck_signal(actor=world.pieter, bottleneck=b), b)
    refused(lambda: services.bottleneck_signal(actor=world.maarten, bottleneck=b), b)
    refused(lambda: services.bottleneck_signal(actor=world.rosa, bottleneck=b), b, code="forbidden")
    services.bottleneck_signal(actor=world.carla, bottleneck=b)  # Huisarts Oost
    assert fresh(b).signal_count == 2


def test_a_duplicate_closes_into_its_original_keeping_its_history(world):
    original = report(world, title="Origineel")
    duplicate = report(world, actor=world.pieter, title="Dubbel")
    services.bottleneck_signal(actor=world.carla, bottleneck=duplicate)
    services.bottleneck_mark_duplicate(
        actor=world.pieter, bottleneck=duplicate, version=fresh(duplicate).version, original=original
    )
    duplicate, original = fresh(duplicate), fresh(original)
    assert duplicate.status == Status.CLOSED and duplicate.duplicate_of == original
    assert [e.kind for e in duplicate.events.all()] == ["reported", "signalled", "duplicate"]
    # The pharmacy (reporter of the duplicate) and the GP (signalled it) now count on the original.
    assert original.signal_count == 2
    assert set(Signal.objects.filter(bottleneck=original).values_list("organisation", flat=True)) == {
        world.pharmacy.pk,
        world.gp_a.pk,
    }
    # Not into itself, not into its own duplicate.
    refused(
        lambda: services.bottleneck_mark_duplicate(
            actor=world.carla, bottleneck=original, version=original.version, original=duplicate
        ),
        original,
    )
    refused(
        lambda: services.bottleneck_mark_duplicate(
            actor=world.carla, bottleneck=original, version=original.version, original=original
        ),
        original,
    )


@pytest.mark.parametrize("recorded", [True, False])
def test_a_reopened_duplicate_stands_on_its_own_again(world, recorded):
    """Found by an exploratory test: reopened, it stayed "dubbel van #1" in its links and its
    organisations still counted under "Ook geraakt" on the original. `recorded=False`: marked
    before what it carried over was written down in its timeline."""
    from wijkverband.bottlenecks.models import BottleneckLink

    original = report(world, title="Origineel")
    services.bottleneck_signal(actor=world.carla, bottleneck=original)  # the GP felt the original itself
    duplicate = report(world, actor=world.pieter, title="Dubbel")  # the pharmacy
    services.bottleneck_signal(actor=world.carla, bottleneck=duplicate)
    services.bottleneck_mark_duplicate(
        actor=world.pieter, bottleneck=duplicate, version=fresh(duplicate).version, original=original
    )
    assert fresh(original).signal_count == 2  # GP and pharmacy
    if not recorded:
        marked = BottleneckEvent.objects.get(bottleneck=duplicate, kind=EventKind.DUPLICATE)
        marked.data.pop("carried")
        marked.save(update_fields=["data"])
    services.bottleneck_reopen(
        actor=world.maarten, bottleneck=duplicate, version=fresh(duplicate).version, reason="Toch iets anders"
    )
    duplicate, original = fresh(duplicate), fresh(original)
    assert duplicate.duplicate_of is None and duplicate.status == Status.REPORTED
    assert not BottleneckLink.objects.filter(source=duplicate, target=original).exists()
    # The GP felt the original itself and still counts; the pharmacy only through the duplicate.
    assert original.signal_count == 1
    assert list(Signal.objects.filter(bottleneck=original).values_list("organisation", flat=True)) == [world.gp_a.pk]
    assert duplicate.signal_count == 1  # its own "this affects us too" stays with it
    # Both timelines keep what happened.
    assert [e.kind for e in duplicate.events.all()][-2:] == ["duplicate", "reopened"]
    last = original.events.order_by("-at", "-pk").first()
    assert last.kind == EventKind.DUPLICATE_REOPENED and last.data["target"] == duplicate.pk


def test_reopening_a_duplicate_keeps_a_link_made_as_related_before(world):
    from wijkverband.bottlenecks.models import BottleneckLink, LinkKind

    original = report(world, title="Origineel")
    duplicate = report(world, actor=world.pieter, title="Dubbel")
    services.bottleneck_link(actor=world.pieter, bottleneck=duplicate, other=original)
    services.bottleneck_mark_duplicate(
        actor=world.pieter, bottleneck=duplicate, version=fresh(duplicate).version, original=original
    )
    services.bottleneck_reopen(
        actor=world.maarten, bottleneck=duplicate, version=fresh(duplicate).version, reason="Toch iets anders"
    )
    assert list(BottleneckLink.objects.filter(source=duplicate).values_list("kind", flat=True)) == [LinkKind.RELATED]


def test_links_between_bottlenecks_of_one_team_only(world):
    a = report(world, title="A")
    other = report(world, title="B")
    c = report(world, actor=world.bram, team=world.team_b, title="C")
    services.bottleneck_link(actor=world.maarten, bottleneck=a, other=other)
    with pytest.raises(ActionRefused):
        services.bottleneck_link(actor=world.maarten, bottleneck=other, other=a)  # already linked
    with pytest.raises(ActionRefused):
        services.bottleneck_link(actor=world.maarten, bottleneck=a, other=c)
    with pytest.raises(ActionRefused):
        services.bottleneck_link(actor=world.maarten, bottleneck=a, other=a)


def test_internal_marking_by_reporter_or_coordinator_with_a_reason(world):
    b = report(world)
    refused(
        lambda: services.bottleneck_set_internal(
            actor=world.pieter, bottleneck=b, version=b.version, internal=True, reason="x"
        ),
        b,
        code="forbidden",
    )
    refused(
        lambda: services.bottleneck_set_internal(
            actor=world.maarten, bottleneck=b, version=b.version, internal=True, reason=""
        ),
        b,
    )
    b = services.bottleneck_set_internal(
        actor=world.carla, bottleneck=b, version=b.version, internal=True, reason="Contractonderhandeling loopt"
    )
    assert fresh(b).internal and fresh(b).internal_reason == "Contractonderhandeling loopt"


def test_representatives_never_edit(world):
    b = report(world)
    for action in (
        lambda: services.bottleneck_edit(
            actor=world.rosa,
            bottleneck=b,
            version=b.version,
            title="Door rosa",
            description="",
            category=b.category,
            impact=b.impact,
            affected_kinds=[],
        ),
        lambda: services.bottleneck_escalate(actor=world.rosa, bottleneck=b, version=b.version, reason="x"),
        lambda: services.bottleneck_ask_owner(actor=world.rosa, bottleneck=b, version=b.version, candidate=world.rosa),
    ):
        refused(action, b, code="forbidden")


def test_escalation_lets_the_overseers_post_in_the_bottleneck_thread_until_it_is_handed_back(world):
    from wijkverband.tenancy.policy import team_rights
    from wijkverband.threads.models import SubjectKind, Thread
    from wijkverband.threads.policy import thread_rights

    b = report(world)
    b = services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regionaal")
    thread = Thread.objects.get(subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk)
    assert thread.escalated
    assert thread_rights(rights=team_rights(user=world.olga, team=world.team_a), thread=thread).can_post
    b = services.bottleneck_region_hand_back(actor=world.olga, bottleneck=b, version=b.version, advice="Eerst lokaal")
    thread.refresh_from_db()
    assert not thread.escalated


def test_the_thread_audit_rows_name_who_escalated_and_the_overseer_who_handed_it_back(world):
    from wijkverband.threads.models import SubjectKind, Thread

    b = report(world)
    b = services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regionaal")
    services.bottleneck_region_hand_back(actor=world.olga, bottleneck=b, version=b.version, advice="Eerst lokaal")
    thread = Thread.objects.get(subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk)
    rows = AuditEvent.objects.filter(object_id=str(thread.pk), action__in=["thread.escalated", "thread.deescalated"])
    assert [(row.action, row.actor) for row in rows.order_by("id")] == [
        ("thread.escalated", world.maarten),
        ("thread.deescalated", world.olga),
    ]


def test_the_bottleneck_audit_row_is_the_last_write_of_its_service(world):
    """The chain lock is held from the audit row to the commit (docs/audit.md): the thread's rows come first."""
    b = report(world)
    b = services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regionaal")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-4:] == ["thread.created", "bottleneck.reported", "thread.escalated", "bottleneck.escalated"]
