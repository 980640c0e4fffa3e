"""An audited write as one call on PostgreSQL (`wv_audit_append`, audit.services._Append): the
chain's head, its genesis and the hash are taken in SQL, over the same text AuditEvent.compute_hash hashes,
so the rows verify as every other row does. Elsewhere the head is read first and the row hashed in
Python. Both run here on whichever database the suite has."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from wijkverband.audit.chains import GENESIS_HASH, GLOBAL, chain_genesis, team_chain
from wijkverband.audit.models import AuditEvent
from wijkverband.audit.selectors import audit_chain_verify
from wijkverband.audit.services import Later, audit_record
from wijkverband.threads.models import Thread

AWKWARD = {
    "quotes": "zei \"ja\" en 'nee'",
    "backslash": "C:\\pad\\n niet een regel",
    "unicode": "Zoë, Ĳsselmonde, 😀, \u2028 en \t",
    "marker": '"@@wv:0000000000000000:sprev@@" @@wv:0000000000000000:n0@@',
    "percent": "100% %s %(naam)s",
    "nested": {"list": [1, -2, 0.5, None, True, False], "empty": {}},
    "none": None,
    "big": 2**53 + 1,
}


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_awkward_content_hashes_as_the_verification_hashes_it(world):
    with transaction.atomic():
        event = audit_record(
            actor=world.carla,
            action="test.awkward",
            team=world.team_a,
            target=world.team_a,
            data=AWKWARD,
            on_behalf_of='Mevrouw "Ĳzerman" \\ 50%',
            client_reference='ref-ë-"1"',
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == AWKWARD and stored.on_behalf_of == 'Mevrouw "Ĳzerman" \\ 50%'
    assert stored.hash == event.hash == stored.compute_hash()
    assert (event.prev_hash, event.object_id, event.data) == (stored.prev_hash, str(world.team_a.pk), AWKWARD)
    assert audit_chain_verify() is None


def test_each_write_links_to_the_head_before_it(world):
    events = [audit_record(actor=world.carla, action=f"test.link.{n}", team=world.team_b) for n in range(3)]
    stored = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))
    assert [s.prev_hash for s in stored[1:]] == [s.hash for s in stored[:-1]]
    assert [e.hash for e in events] == [s.hash for s in stored]
    assert audit_chain_verify() is None


def test_a_chains_first_row_starts_from_its_genesis(world):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    personal = audit_record(actor=world.carla, action="test.first.global")
    team = audit_record(actor=world.carla, action="test.first.team", team=world.team_c)
    assert (personal.chain, personal.prev_hash) == (GLOBAL, GENESIS_HASH)
    assert team.prev_hash == chain_genesis(team_chain(world.team_c.pk), None)
    assert AuditEvent.objects.get(pk=team.pk).prev_hash == team.prev_hash
    assert audit_chain_verify() is None


def test_later_values_are_read_by_the_database_and_hashed_as_numbers(world):
    """What the change's own statements make (a post's message id and number) reaches the row as a
    Later: read in the row's statement, stored and hashed as if it had been known."""
    with transaction.atomic():
        event = audit_record(
            actor=world.carla,
            action="test.later",
            team=world.team_a,
            target=Thread(team=world.team_a, title="nog niet opgeslagen"),
            target_id=Later("SELECT %s + 1", [41]),
            data={"seq": Later("SELECT %s * 2", [21]), "thread": 7},
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.object_type, stored.object_id, stored.data) == ("threads.thread", "42", {"seq": 42, "thread": 7})
    assert (event.object_id, event.data) == ("42", {"seq": 42, "thread": 7})
    assert stored.hash == event.hash == stored.compute_hash()
    assert audit_chain_verify() is None


def test_a_later_value_that_reads_nothing_fails_the_write_and_stores_nothing(world):
    before = AuditEvent.objects.count()
    with pytest.raises((IntegrityError, ValueError)), transaction.atomic():
        audit_record(
            actor=world.carla, action="test.later.none", team=world.team_a, data={"seq": Later("SELECT 1 WHERE 1 = 0")}
        )
    assert AuditEvent.objects.count() == before


def test_an_unsaved_target_needs_its_id(world):
    with pytest.raises(ValueError, match="target_id"):
        audit_record(actor=world.carla, action="test.unsaved", team=world.team_a, target=Thread(team=world.team_a))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one call is PostgreSQL's")
def test_on_postgresql_an_audited_write_is_one_statement(world):
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        audit_record(actor=world.carla, action="test.one", team=world.team_a, data={"n": 1})
    statements = _statements(queries)
    assert len(statements) == 1, [s[:60] for s in statements]
    assert "wv_audit_append(" in statements[0]
