"""Two people changing the same wijk card entry at the same moment, in separate connections."""

import pytest
from django.db import connection

from tests.postgres import second_waits_for_first
from tests.wijkcard.conftest import add_entry
from wijkverband.wijkcard import services
from wijkverband.wijkcard.models import ContactEntry


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_confirmation_that_waited_for_an_edit_of_the_organisation_confirms_the_entry(world):
    """Carla moves an entry to the right organisation while Maarten ticks "still right" on it. The
    confirmation waits for the edit and then confirms the entry as Carla left it. Locked and read
    with its organisation in one statement, the entry came back as not there at all (PostgreSQL
    reads the locked row again after the wait, not the organisation joined to it, whose id no
    longer matched), and Maarten was told it had been removed."""
    entry = add_entry(world, contact_point="Triagelijn")
    data = services.EntryData(organisation=world.social_a, contact_point="Triagelijn", day_phone="030 123 4567")

    def edit():
        return services.entry_edit(actor=world.carla, entry=entry, data=data, version=entry.version)

    def confirm():
        return services.entry_confirm(actor=world.maarten, entry=entry)

    results = second_waits_for_first(edit, confirm)
    assert isinstance(results["first"], ContactEntry), results
    assert isinstance(results["second"], ContactEntry), results
    assert results["second"].organisation == world.social_a
    entry = ContactEntry.objects.get(pk=entry.pk)
    assert entry.organisation_id == world.social_a.pk and entry.confirmed_by == world.maarten


def _sofie_coordinates_and_an_entry_without_keeper_is_due(world):
    from django.utils import timezone

    from wijkverband.core.freshness import add_months
    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership

    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    tenancy.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    return add_entry(world, maintainer=None, confirmed_on=add_months(timezone.localdate(), -7))


def _sofie_made_member(world):
    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership

    membership = Membership.objects.get(team=world.team_a, user=world.sofie)
    return tenancy.membership_change_role(actor=world.carla, membership=membership, role=Membership.Role.MEMBER)


def _asked(entry) -> set[int]:
    from wijkverband.work.models import Notice, NoticeKind

    rows = Notice.objects.filter(subject_id=entry.pk, kind=NoticeKind.RECONFIRM_DUE)
    return set(rows.values_list("user_id", flat=True))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_the_hourly_job_run_while_a_coordinator_is_made_member_asks_only_the_coordinators(world):
    """The job reads the coordinators under a lock the change holds: it waits, and asks Carla only."""
    from django.utils import timezone

    from wijkverband.tenancy.models import Membership
    from wijkverband.wijkcard import notices

    entry = _sofie_coordinates_and_an_entry_without_keeper_is_due(world)

    results = second_waits_for_first(
        lambda: _sofie_made_member(world), lambda: notices.time_check(timezone.localdate())
    )

    assert isinstance(results["first"], Membership), results
    assert results["second"] == 1, results
    assert _asked(entry) == {world.carla.pk}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_coordinator_made_member_while_the_hourly_job_asks_the_coordinators_waits_and_takes_it_away(world):
    from django.utils import timezone

    from wijkverband.tenancy.models import Membership
    from wijkverband.wijkcard import notices

    entry = _sofie_coordinates_and_an_entry_without_keeper_is_due(world)

    results = second_waits_for_first(
        lambda: notices.time_check(timezone.localdate()), lambda: _sofie_made_member(world)
    )

    assert results["first"] == 2, results
    assert isinstance(results["second"], Membership), results
    assert _asked(entry) == {world.carla.pk}
