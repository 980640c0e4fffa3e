"""Two people changing the same membership or invitation at the same moment, in separate connections."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from tests.personas import make_user
from tests.postgres import second_waits_for_first
from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Membership, Region, RegionRole

User = get_user_model()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_role_change_that_waited_for_another_reads_the_organisation_it_gave(world):
    """The client representative is made a member for the district nursing and, a moment later in
    another tab, a coordinator. The second change waited for the first and reads the membership as
    the first left it, with its organisation: read in the locking statement, it was the one from
    before the wait (none), and the change was refused for want of an organisation the page no
    longer asked for."""
    rosa = Membership.objects.get(team=world.team_a, user=world.rosa)
    results = second_waits_for_first(
        lambda: services.membership_change_role(
            actor=world.carla, membership=rosa, role=Membership.Role.MEMBER, organisation=world.nursing_a
        ),
        lambda: services.membership_change_role(actor=world.carla, membership=rosa, role=Membership.Role.COORDINATOR),
    )
    assert isinstance(results["first"], Membership), results
    assert isinstance(results["second"], Membership), results
    rosa.refresh_from_db()
    assert rosa.role == Membership.Role.COORDINATOR and rosa.organisation_id == world.nursing_a.pk


def _invite_sanne(world):
    invitation, _token = services.invitation_create(
        actor=world.carla,
        team=world.team_a,
        email="sanne@example.nl",
        role=Membership.Role.MEMBER,
        organisation=world.social_a,
        site_url="http://testserver/",
    )
    sanne = make_user("sanne", "Sanne Welzijn")
    sanne.email = "sanne@example.nl"
    sanne.save()
    return invitation, sanne


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_invitation_withdrawn_while_it_is_accepted_is_refused(world):
    """Sanne accepts her invitation while Carla, on the Members page opened before, withdraws it.
    The withdrawal waits for the acceptance and is refused: Sanne is in the team. It checked the
    invitation as the page had read it, then marked it withdrawn after the acceptance had
    committed: Carla was told it was withdrawn, Sanne was a member all the same, and the invitation
    was both accepted and withdrawn."""
    invitation, sanne = _invite_sanne(world)

    results = second_waits_for_first(
        lambda: services.invitation_accept(invitation=invitation, user=sanne),
        lambda: services.invitation_revoke(actor=world.carla, invitation=invitation),
    )
    assert isinstance(results["first"], Membership), results
    assert isinstance(results["second"], ActionRefused), results
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.revoked_at is None
    assert Membership.objects.filter(team=world.team_a, user=sanne).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_invitation_accepted_while_it_is_withdrawn_is_refused(world):
    """The other order: the withdrawal comes first, and the acceptance that waited for it is refused."""
    invitation, sanne = _invite_sanne(world)

    results = second_waits_for_first(
        lambda: services.invitation_revoke(actor=world.carla, invitation=invitation),
        lambda: services.invitation_accept(invitation=invitation, user=sanne),
    )
    assert results["first"] is None, results
    assert isinstance(results["second"], ActionRefused), results
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.accepted_at is None
    assert not Membership.objects.filter(team=world.team_a, user=sanne).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_removing_a_regional_role_locks_the_role_alone(world):
    """Removing Olga's role in the region locked her user row and the region's row too (select_related
    without of=self): every write touching either (her sign-in, any change to the region) waited for it,
    and one that held the audit chain meanwhile deadlocked with it, as a signal's triage did. Only the
    role's row is locked now."""
    removing, checked = threading.Event(), threading.Event()
    locked = {}

    def remove():
        try:
            with transaction.atomic():
                role = RegionRole.objects.get(region=world.region, user=world.olga)
                services.region_role_remove(actor=world.ada, region_role=role)
                removing.set()
                checked.wait(timeout=10)
        finally:
            removing.set()
            connection.close()

    def probe():
        rows = {"user": User.objects.filter(pk=world.olga.pk), "region": Region.objects.filter(pk=world.region.pk)}
        for name, queryset in rows.items():
            try:
                with transaction.atomic():
                    list(queryset.select_for_update(nowait=True))
                locked[name] = False
            except DatabaseError:
                locked[name] = True
        connection.close()

    remover = threading.Thread(target=remove)
    remover.start()
    removing.wait(timeout=10)
    prober = threading.Thread(target=probe)
    prober.start()
    prober.join(timeout=10)
    checked.set()
    remover.join(timeout=10)
    assert locked == {"user": False, "region": False}
    assert not RegionRole.objects.filter(region=world.region, user=world.olga).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_new_account_form_sent_twice_at_once_makes_one_account_and_refuses_the_second(world):
    """A double tap on "Account aanmaken en lid worden": both sends found the invitation open and
    made the account; the second waited for the first on the address's uniqueness and failed on it
    (a server error). It waits for the invitation instead, and finds it used (the view then takes it
    for the first send's sign-in: tests/tenancy/test_invitations.py)."""
    invitation, _token = services.invitation_create(
        actor=world.carla,
        team=world.team_a,
        email="sanne@example.nl",
        role=Membership.Role.MEMBER,
        organisation=world.social_a,
        site_url="http://testserver/",
    )

    def send():
        return services.invitation_accept_with_new_account(
            invitation=invitation, name="Sanne Welzijn", password="een-lang-wachtwoord-42"
        )

    results = second_waits_for_first(send, send)
    assert isinstance(results["first"], tuple), results
    assert isinstance(results["second"], ActionRefused), results
    assert User.objects.filter(email="sanne@example.nl").count() == 1
    assert Membership.objects.filter(team=world.team_a, user__email="sanne@example.nl").count() == 1
