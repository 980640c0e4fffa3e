"""Two people acting on the same bottleneck at the same moment: one wins, the other is told, and
nothing is silently overwritten. Runs on PostgreSQL (CI), where select_for_update really locks."""

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from tests.bottlenecks.helpers import fresh, report
from tests.postgres import second_waits_for_first
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import BottleneckEvent, Status
from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the whole file)"
)


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[i] = call()
        except ActionRefused as refused:
            results[i] = refused
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_writes_with_the_same_version_one_wins_one_is_refused(world):
    b = report(world)
    version = b.version
    results = race(
        lambda: services.bottleneck_resolve(actor=world.carla, bottleneck=b, version=version, summary="Opgelost"),
        lambda: services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=version, reason="Regio"),
    )
    refusals = [r for r in results if isinstance(r, ActionRefused)]
    assert len(refusals) == 1 and refusals[0].code == "stale"
    b = fresh(b)
    assert b.status in (Status.RESOLVED, Status.ESCALATED)
    assert b.version == version + 1
    kinds = list(BottleneckEvent.objects.filter(bottleneck=b).values_list("kind", flat=True))
    assert kinds.count("resolved") + kinds.count("escalated") == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_signals_of_one_organisation_count_once(world):
    b = report(world)
    results = race(
        lambda: services.bottleneck_signal(actor=world.pieter, bottleneck=b),
        lambda: services.bottleneck_signal(actor=world.pieter, bottleneck=b),
    )
    assert sum(isinstance(r, ActionRefused) for r in results) == 1
    assert fresh(b).signal_count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_asking_someone_who_is_being_removed_to_own_a_bottleneck_is_refused(world):
    """Pieter is being removed while Carla asks him to own a bottleneck: the question waits for
    the removal and is refused. It used to read him as a member before the removal committed, and
    the bottleneck waited on someone no longer in the team."""
    b = report(world, actor=world.carla)

    def remove_pieter():
        with scopes_disabled():  # as in the test's own thread (tests/conftest.py)
            membership = Membership.objects.get(team=world.team_a, user=world.pieter)
            return tenancy.membership_remove(actor=world.carla, membership=membership)

    results = second_waits_for_first(
        remove_pieter,
        lambda: services.bottleneck_ask_owner(
            actor=world.carla, bottleneck=b, version=b.version, candidate=world.pieter
        ),
    )
    assert results["first"] is None, results
    assert isinstance(results["second"], ActionRefused), results
    b = fresh(b)
    assert b.owner_id is None and b.owner_candidate_id is None
