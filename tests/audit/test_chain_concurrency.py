"""Audited writes from several connections at once still form one unbroken chain: no two events
share a parent, none is lost. Runs on PostgreSQL (CI), where writers really run in parallel."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from wijkverband.audit.chains import team_chain
from wijkverband.audit.models import AuditEvent
from wijkverband.audit.selectors import audit_chain_verify
from wijkverband.audit.services import audit_record

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")

WRITERS = 6
EVENTS_EACH = 15


@pytest.mark.django_db(transaction=True)
def test_parallel_audited_writes_keep_one_chain():
    before = AuditEvent.objects.count()
    barrier = threading.Barrier(WRITERS)
    errors = []

    def write(n):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for i in range(EVENTS_EACH):
                with transaction.atomic():
                    audit_record(actor=None, action="test.parallel", data={"writer": n, "i": i})
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert AuditEvent.objects.count() == before + WRITERS * EVENTS_EACH
    parents = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(parents) == len(set(parents)), "two events share a parent: the chain forked"
    assert audit_chain_verify() is None


@pytest.mark.django_db(transaction=True)
def test_an_event_rolled_back_with_its_change_leaves_no_gap():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError("the change fails")
    audit_record(actor=None, action="test.kept")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert audit_chain_verify() is None


def _run_writers(target, count):
    errors = []

    def run(n):
        from django.db import connection as thread_connection

        try:
            target(n)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_in_several_teams_keep_every_chain_unforked():
    """Four teams with three writers each, all at once: every team's chain is whole and unforked."""
    teams, per_team = 4, 3
    team_ids = [9_100_000 + t for t in range(teams)]
    barrier = threading.Barrier(teams * per_team)

    def write(n):
        barrier.wait()
        for i in range(EVENTS_EACH):
            with transaction.atomic():
                audit_record(actor=None, action="test.parallel_teams", team=team_ids[n % teams], data={"n": n, "i": i})

    assert _run_writers(write, teams * per_team) == []
    for team_id in team_ids:
        rows = AuditEvent.objects.filter(chain=team_chain(team_id))
        assert rows.count() == per_team * EVENTS_EACH
        parents = list(rows.values_list("prev_hash", flat=True))
        assert len(parents) == len(set(parents)), f"team {team_id}: two events share a parent"
    assert audit_chain_verify() is None


@pytest.mark.django_db(transaction=True)
def test_a_writer_never_waits_for_another_teams_open_change():
    """Team A's change holds its chain until it commits. A writer in team B goes on meanwhile; a
    second writer in team A waits (here: gives up after its lock timeout)."""
    a, b = 9_200_001, 9_200_002
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def hold_team_a(_n):
        with transaction.atomic():
            audit_record(actor=None, action="test.holding", team=a)
            holding.set()
            release.wait(timeout=30)

    def other_writer(team_id):
        from django.db import connection as thread_connection

        holding.wait(timeout=30)
        try:
            with transaction.atomic():
                with thread_connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                audit_record(actor=None, action="test.other", team=team_id)
            outcome[team_id] = "written"
        except OperationalError:
            outcome[team_id] = "waited"

    holder = threading.Thread(target=_run_writers, args=(hold_team_a, 1))
    holder.start()
    try:
        assert _run_writers(lambda _n: other_writer(b), 1) == []
        assert _run_writers(lambda _n: other_writer(a), 1) == []
    finally:
        release.set()
        holder.join(timeout=30)
    assert outcome == {b: "written", a: "waited"}
    assert audit_chain_verify() is None


def _previous_release_write(team_id: int, n: int, i: int) -> None:
    """An audited write as the release before `wv_audit_append` made it (migration audit 0004): the
    chain's head in one statement, then the row hashed in Python and inserted."""
    chain = team_chain(team_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT wv_audit_chain_head(%s::varchar)", [chain])
        head = cursor.fetchone()[0]
    event = AuditEvent(action="test.previous_release", team_id=team_id, chain=chain, data={"writer": n, "i": i})
    event.prev_hash = head
    event.hash = event.compute_hash()
    event.save()


@pytest.mark.django_db(transaction=True)
def test_a_rolling_deploy_mixes_both_releases_writers_in_one_chain_without_a_fork():
    """During a rolling deploy workers of the previous release (head, then the row) and of this one
    (one call of wv_audit_append) write to the same team's chain at once: they take the same lock,
    so the chain stays one line and verifies."""
    team_id = 9_300_001
    audit_record(actor=None, action="test.start", team=team_id)  # the chain has a head
    barrier = threading.Barrier(WRITERS)

    def write(n):
        barrier.wait()
        for i in range(EVENTS_EACH):
            with transaction.atomic():
                if n % 2:
                    _previous_release_write(team_id, n, i)
                else:
                    audit_record(actor=None, action="test.this_release", team=team_id, data={"writer": n, "i": i})

    assert _run_writers(write, WRITERS) == []
    chain = AuditEvent.objects.filter(chain=team_chain(team_id))
    assert chain.count() == 1 + WRITERS * EVENTS_EACH
    assert {"test.previous_release", "test.this_release"} <= set(chain.values_list("action", flat=True))
    parents = list(chain.values_list("prev_hash", flat=True))
    assert len(parents) == len(set(parents)), "two events share a parent: the chain forked"
    assert audit_chain_verify() is None
