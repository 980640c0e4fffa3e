"""One audit chain per team and per region (docs/audit.md): each starts from its own genesis,
verifies on its own, and a changed, moved or removed row in any of them is found and named."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from wijkverband.audit.chains import GENESIS_HASH, GLOBAL, SPLIT_ACTION, chain_genesis, region_chain, team_chain
from wijkverband.audit.models import AuditEvent
from wijkverband.audit.selectors import audit_chain_verify, audit_chains_verify
from wijkverband.audit.services import audit_record
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership

split_migration = importlib.import_module("wijkverband.audit.migrations.0003_chain_per_team")


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _broken_chains() -> dict[str, int]:
    return {check.chain: check.broken.pk for check in audit_chains_verify() if check.broken is not None}


def test_a_teams_change_extends_that_teams_chain_only(world):
    heads = {
        team: AuditEvent.objects.filter(chain=team_chain(team.pk)).first() for team in (world.team_a, world.team_b)
    }
    membership = Membership.objects.get(team=world.team_a, user=world.maarten)
    tenancy.membership_change_role(actor=world.carla, membership=membership, role="coordinator")
    event = AuditEvent.objects.order_by("-id").first()
    assert event.chain == f"team:{world.team_a.pk}"
    assert event.prev_hash == heads[world.team_a].hash
    assert AuditEvent.objects.filter(chain=team_chain(world.team_b.pk)).first() == heads[world.team_b]
    assert audit_chain_verify() is None


def test_every_chain_starts_from_its_own_genesis(world):
    checks = audit_chains_verify()
    names = {check.chain for check in checks}
    assert {team_chain(t.pk) for t in (world.team_a, world.team_b, world.team_c)} <= names
    assert {region_chain(world.region.pk), region_chain(world.other_region.pk)} <= names
    for name in names:
        first = AuditEvent.objects.filter(chain=name).order_by("id").first()
        assert first.prev_hash == chain_genesis(name, None)
    assert len({chain_genesis(name, None) for name in names}) == len(names)


def test_region_events_go_to_the_regions_chain_and_personal_ones_to_the_global_chain(world):
    tenancy.region_role_assign(actor=world.ada, region=world.region, user=world.bram, role="overseer")
    assert AuditEvent.objects.order_by("-id").first().chain == region_chain(world.region.pk)
    audit_record(actor=world.bram, action="notice_preferences.changed")
    assert AuditEvent.objects.order_by("-id").first().chain == GLOBAL
    assert audit_chain_verify() is None


@pytest.mark.parametrize("kind", ["team", "region", "global"])
def test_a_changed_row_in_any_chain_is_found_and_that_chain_named(world, kind):
    chain = {"team": team_chain(world.team_b.pk), "region": region_chain(world.region.pk), "global": GLOBAL}[kind]
    for i in range(3):
        audit_record(actor=None, action="test.filler", data={"i": i}, team=world.team_b if kind == "team" else None,
                     region=world.region if kind == "region" else None)  # fmt: skip
    victim = AuditEvent.objects.filter(chain=chain).order_by("id")[1]
    _raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', victim.pk])
    assert _broken_chains() == {chain: victim.pk}
    with pytest.raises(CommandError, match=chain):
        call_command("verify_audit", stdout=io.StringIO())


def test_a_row_moved_to_another_chain_breaks_both(world):
    a, b = team_chain(world.team_a.pk), team_chain(world.team_b.pk)
    victim = AuditEvent.objects.filter(chain=a).order_by("id")[1]
    _raw("UPDATE audit_auditevent SET chain = %s WHERE id = %s", [b, victim.pk])
    assert set(_broken_chains()) == {a, b}


def test_a_removed_row_breaks_its_chain_only(world):
    a = team_chain(world.team_a.pk)
    victim = AuditEvent.objects.filter(chain=a).order_by("id")[1]
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    broken = _broken_chains()
    assert list(broken) == [a] and broken[a] > victim.pk


def test_verify_audit_reports_every_chain_intact(world, capsys):
    call_command("verify_audit", verbosity=2)
    out = capsys.readouterr().out
    assert f"{team_chain(world.team_c.pk)}\tintact" in out
    assert "audit chain(s) intact" in out


def test_the_split_keeps_the_old_single_chain_verifiable_and_anchors_the_new_ones(world):
    """Migration 0003 on a log written before there were chains: the old rows (one chain across
    every team, with hashes that never covered a chain name) stay valid as the global chain, and
    the per-team chains written afterwards start from the split event."""
    _raw("DELETE FROM audit_auditevent", [])
    prev = GENESIS_HASH
    for team in (world.team_a, world.team_b, None, world.team_a):
        legacy = AuditEvent(action="legacy.write", team_id=getattr(team, "pk", None), chain=GLOBAL, prev_hash=prev)
        legacy.hash = legacy.compute_hash()
        legacy.save()
        prev = legacy.hash
    split_migration.close_legacy_chain(connection, django_apps.get_model("audit", "AuditEvent"))
    split = AuditEvent.objects.get(action=SPLIT_ACTION)
    assert split.chain == GLOBAL and split.prev_hash == prev and split.data["legacy_events"] == 4

    audit_record(actor=None, action="test.after_split", team=world.team_a)
    audit_record(actor=None, action="test.after_split", region=world.region)
    first = AuditEvent.objects.get(chain=team_chain(world.team_a.pk))
    assert first.prev_hash == chain_genesis(team_chain(world.team_a.pk), split.hash) != chain_genesis(first.chain, None)
    assert audit_chain_verify() is None

    # The anchor is part of every new chain: removing it breaks them all at their first row.
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [split.pk])
    assert set(_broken_chains()) == {team_chain(world.team_a.pk), region_chain(world.region.pk)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the previous release's function is PostgreSQL's")
def test_a_worker_of_the_previous_release_appends_to_the_global_chain(world):
    """During a rolling deploy old workers still call wv_audit_chain_head(bigint) and insert rows
    without a chain: those land in the global chain, linked to its head, and it stays intact."""
    audit_record(actor=None, action="test.new_code", team=world.team_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT wv_audit_chain_head(%s::bigint)", [split_migration.LEGACY_LOCK_KEY])
        head = cursor.fetchone()[0]
    assert head == AuditEvent.objects.filter(chain=GLOBAL).order_by("-id").values_list("hash", flat=True).first()
    old = AuditEvent(action="test.old_code", prev_hash=head or GENESIS_HASH)
    old.hash = old.compute_hash()
    _raw(
        "INSERT INTO audit_auditevent (at, actor_label, on_behalf_of, action, object_type, object_id,"
        " client_reference, data, prev_hash, hash) VALUES (%s, '', '', %s, '', '', '', '{}', %s, %s)",
        [old.at, old.action, old.prev_hash, old.hash],
    )
    assert AuditEvent.objects.get(hash=old.hash).chain == GLOBAL
    assert audit_chain_verify() is None
