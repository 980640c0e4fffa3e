"""Someone given a role in which they cannot own a bottleneck (a member made client representative or
external party) lets go of what they owned and were asked to own, as when they leave the team (one
path: bottlenecks.services._let_go): the items have no owner, the requests are withdrawn, the timeline
and the audit say so, the coordinators are told and see them under "Nog zonder eigenaar". Before,
Maarten stayed "Eigenaar" of an item he could no longer act on, and kept "Gevraagd als eigenaar" in
Mijn werk for a request he could no longer accept."""

from django.test import TestCase

from tests.bottlenecks.helpers import fresh, report
from wijkverband.audit.models import AuditEvent
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import BottleneckEvent, EventKind
from wijkverband.mywork.selectors import my_work
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership
from wijkverband.work.models import Notice, NoticeKind


def committed(fn, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kwargs)


def _maarten_holds(world):
    """Maarten owns one item (escalated to the region meanwhile) and was asked by Carla to own another."""
    owned = report(world, title="Wachtlijst wijkverpleging Oost")
    owned = services.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=owned, version=owned.version, candidate=world.maarten
    )
    asked = report(world, actor=world.pieter, title="Medicatierol ontbreekt")
    committed(
        services.bottleneck_ask_owner,
        actor=world.carla,
        bottleneck=asked,
        version=asked.version,
        candidate=world.maarten,
    )
    return owned, asked


def _make(world, user, role, *, actor):
    membership = Membership.objects.get(team=world.team_a, user=user)
    return committed(tenancy.membership_change_role, actor=actor, membership=membership, role=role)


def test_a_member_made_client_representative_lets_go_of_what_he_owned_and_was_asked_to_own(world, client_for):
    owned, asked = _maarten_holds(world)
    maarten = client_for("maarten")
    assert "Medicatierol ontbreekt" in maarten.get("/my-work/").content.decode()

    _make(world, world.maarten, Membership.Role.CLIENT_REPRESENTATIVE, actor=world.ada)

    owned, asked = fresh(owned), fresh(asked)
    assert owned.owner_id is None and owned.owner_since is None
    assert asked.owner_candidate_id is None and asked.owner_requested_by_id is None
    # The timeline says why, and who changed his role; the audit names who acted.
    page = client_for("carla").get(f"/t/oost/bottlenecks/{owned.pk}/").content.decode()
    assert (
        "<strong>Maarten Lid</strong> kreeg van Ada Regiobeheer een rol waarin die geen eigenaar kan zijn: "
        "nu zonder eigenaar" in page
    )
    page = client_for("carla").get(f"/t/oost/bottlenecks/{asked.pk}/").content.decode()
    assert "een rol waarin die geen eigenaar kan zijn: niet langer gevraagd eigenaar te worden" in page
    event = BottleneckEvent.objects.get(bottleneck=owned, kind=EventKind.OWNER_ROLE_CHANGED)
    assert event.actor_id == world.maarten.pk
    audit = AuditEvent.objects.get(action="bottleneck.owner_role_changed")
    assert audit.actor_id == world.ada.pk
    # The coordinator hears of it once, and finds both items under "Nog zonder eigenaar".
    (notice,) = Notice.objects.filter(user=world.carla, kind=NoticeKind.MEMBER_ROLE_CHANGED)
    carla = client_for("carla")
    notices = carla.get("/notifications/").content.decode()
    assert (
        "Maarten Lid heeft nu een rol waarin die geen eigenaar kan zijn: "
        "2 open knelpunten hebben een nieuwe eigenaar nodig" in notices
    )
    mine = {item.title for item in my_work(user=world.carla).mine}
    assert {"Wachtlijst wijkverpleging Oost", "Medicatierol ontbreekt"} <= mine
    # Nothing waits on Maarten any more: not in his Mijn werk, and his request to own is done.
    titles = {item.title for item in (lambda w: w.asked + w.mine + w.waiting)(my_work(user=world.maarten))}
    assert "Medicatierol ontbreekt" not in titles and "Wachtlijst wijkverpleging Oost" not in titles
    assert not Notice.objects.filter(user=world.maarten, kind=NoticeKind.OWNERSHIP_ASKED, read_at__isnull=True).exists()
    # Someone owns one again: that item is off the coordinators' list; both: the notice is done.
    services.bottleneck_ask_owner(actor=world.carla, bottleneck=owned, version=owned.version, candidate=world.carla)
    services.bottleneck_ask_owner(actor=world.carla, bottleneck=asked, version=asked.version, candidate=world.carla)
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_coordinator_made_member_keeps_what_he_owns(world):
    owned, asked = _maarten_holds(world)
    _make(world, world.sofie, Membership.Role.COORDINATOR, actor=world.carla)
    _make(world, world.carla, Membership.Role.MEMBER, actor=world.sofie)
    _make(world, world.maarten, Membership.Role.COORDINATOR, actor=world.sofie)
    _make(world, world.maarten, Membership.Role.MEMBER, actor=world.sofie)

    assert fresh(owned).owner_id == world.maarten.pk and fresh(asked).owner_candidate_id == world.maarten.pk
    assert not BottleneckEvent.objects.filter(
        kind__in=[EventKind.OWNER_ROLE_CHANGED, EventKind.CANDIDATE_ROLE_CHANGED]
    ).exists()
