"""A member who owns agreements and is given a role in which they cannot edit one (client
representative, external party) hands them on as when they leave the team (one path:
services._pass_ownership): before, Maarten stayed "Eigenaar" of an agreement he could no longer
edit, and its answers and review reminders went to someone who could not act on them."""

from django.test import TestCase

from tests.agreements.conftest import version_data
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership
from wijkverband.work.models import Notice, NoticeKind


def committed(fn, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kwargs)


def _make(world, user, role, *, actor):
    membership = Membership.objects.get(team=world.team_a, user=user)
    return committed(tenancy.membership_change_role, actor=actor, membership=membership, role=role)


def test_a_member_made_client_representative_hands_his_agreements_to_a_coordinator(world, client_for):
    agreement = services.agreement_create(
        actor=world.maarten, team=world.team_a, data=version_data(world, owner=world.maarten)
    )

    _make(world, world.maarten, Membership.Role.CLIENT_REPRESENTATIVE, actor=world.ada)

    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.current_version.owner_id == world.carla.pk
    page = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert "heeft een rol gekregen waarin die geen eigenaar kan zijn" in page
    (notice,) = Notice.objects.filter(user=world.carla, kind=NoticeKind.MEMBER_ROLE_CHANGED)
    notices = client_for("carla").get("/notifications/").content.decode()
    assert (
        "Maarten Lid heeft nu een rol waarin die geen eigenaar kan zijn: je bent nu eigenaar van 1 afspraak" in notices
    )


def test_a_coordinator_made_member_keeps_his_agreements(world):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    _make(world, world.sofie, Membership.Role.COORDINATOR, actor=world.carla)

    _make(world, world.carla, Membership.Role.MEMBER, actor=world.sofie)

    assert Agreement.objects.get(pk=agreement.pk).current_version.owner_id == world.carla.pk
