"""Two people acting on the same bottleneck at the same moment: one wins, the other is told, and
nothing is silently overwritten. Runs on PostgreSQL (CI), where select_for_update really locks."""

import threading

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled

from tests.bottlenecks.helpers import fresh, report
from tests.postgres import second_waits_for_first, until_a_statement_waits_for_a_lock
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck, BottleneckEvent, BottleneckLink, EventKind, Status
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


def _make_maarten_representative(world):
    """Ada makes Maarten client representative of Oost."""
    membership = Membership.objects.get(team=world.team_a, user=world.maarten)
    return tenancy.membership_change_role(
        actor=world.ada, membership=membership, role=Membership.Role.CLIENT_REPRESENTATIVE
    )


@pytest.mark.django_db(transaction=True)
def test_a_request_to_own_made_while_its_person_is_made_client_representative_is_withdrawn(world):
    """Carla asks Maarten to own a bottleneck while Ada makes him client representative. The request
    holds his membership; the role change waits for it and then withdraws it with the rest of what
    he held (services.rights_narrowed), rather than leave "Gevraagd als eigenaar" with someone who
    can no longer accept it."""
    b = report(world, actor=world.pieter)

    results = second_waits_for_first(
        lambda: services.bottleneck_ask_owner(
            actor=world.carla, bottleneck=b, version=b.version, candidate=world.maarten
        ),
        lambda: _make_maarten_representative(world),
    )
    assert isinstance(results["first"], Bottleneck), results
    assert isinstance(results["second"], Membership), results
    b = fresh(b)
    assert b.owner_id is None and b.owner_candidate_id is None
    assert BottleneckEvent.objects.filter(bottleneck=b, kind=EventKind.CANDIDATE_ROLE_CHANGED).exists()


@pytest.mark.django_db(transaction=True)
def test_asking_someone_who_is_being_made_client_representative_to_own_a_bottleneck_is_refused(world):
    b = report(world, actor=world.pieter)

    results = second_waits_for_first(
        lambda: _make_maarten_representative(world),
        lambda: services.bottleneck_ask_owner(
            actor=world.carla, bottleneck=b, version=b.version, candidate=world.maarten
        ),
    )
    assert isinstance(results["second"], ActionRefused), results
    b = fresh(b)
    assert b.owner_id is None and b.owner_candidate_id is None


def _hold_while(hold: Bottleneck, *calls):
    """Lock `hold` in a transaction of its own; start each call in a thread once the one before
    waits for a lock; then let go. What each call returned or raised, in order."""
    results = [None] * len(calls)

    def run(index, call):
        try:
            with scopes_disabled():  # as in the test's own thread (tests/conftest.py)
                results[index] = call()
        except Exception as error:  # noqa: BLE001 - the result is what the test asserts on
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    with transaction.atomic():
        Bottleneck.objects.for_team(hold.team_id).select_for_update().get(pk=hold.pk)
        for count, thread in enumerate(threads, start=1):
            thread.start()
            until_a_statement_waits_for_a_lock(count=count)
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_items_marked_duplicates_of_each_other_at_once_one_is_refused(world):
    """Carla marks X a duplicate of Y while Maarten marks Y a duplicate of X. Each locked its own item
    and then the other: they deadlocked, and one of them got a server error. The first now wins and
    the second is told that its original is itself a duplicate of the item."""
    x, y = report(world, title="Overdracht X"), report(world, title="Overdracht Y")

    def mark(actor, item, original):
        item = fresh(item)
        return services.bottleneck_mark_duplicate(actor=actor, bottleneck=item, version=item.version, original=original)

    # Whoever first reaches X waits behind the test's own lock on it; the other comes through Y.
    results = _hold_while(x, lambda: mark(world.carla, x, y), lambda: mark(world.maarten, y, x))
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, ActionRefused)], results
    refused = [r for r in results if isinstance(r, ActionRefused)]
    assert len(refused) == 1, results
    x, y = fresh(x), fresh(y)
    assert [x.duplicate_of_id, y.duplicate_of_id].count(None) == 1
    assert sorted([x.status, y.status]) == sorted([Status.CLOSED, Status.REPORTED])


@pytest.mark.django_db(transaction=True)
def test_two_items_linked_to_each_other_at_once_are_linked_once(world):
    """Carla links X to Y while Maarten links Y to X: each locked its own item, checked that the pair
    was not linked yet and wrote its link, then both waited on the audit chain: a deadlock (a server
    error), or, without that lock, the pair linked twice. The second now waits and is told they are
    linked already."""
    x, y = report(world, title="Overdracht X"), report(world, title="Overdracht Y")

    def link(actor, item, other):
        return services.bottleneck_link(actor=actor, bottleneck=item, other=other)

    results = second_waits_for_first(lambda: link(world.carla, x, y), lambda: link(world.maarten, y, x))
    assert isinstance(results["first"], BottleneckLink), results
    assert isinstance(results["second"], ActionRefused), results
    assert BottleneckLink.objects.filter(source__in=[x, y], target__in=[x, y]).count() == 1
