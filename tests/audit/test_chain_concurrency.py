"""Audited writes from several connections at once still form one unbroken chain: no two events
share a parent, none is lost. Runs on PostgreSQL (CI), where writers really run in parallel."""

import threading

import pytest
from django.db import connection, transaction

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
