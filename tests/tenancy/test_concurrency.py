"""Two coordinators changing the same membership at the same moment, in separate connections."""

import pytest
from django.db import connection

from tests.postgres import second_waits_for_first
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Membership


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
