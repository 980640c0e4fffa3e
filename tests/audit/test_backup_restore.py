"""The backup drill's core on the test database (the whole drill, with seeding and a live app, is
`make backup-drill`, about a minute): pg_dump, pg_restore into a fresh database, the same rows,
every audit chain intact there, and an audited write on the restored database extends its chain
(the chain function and the id sequences came along)."""

import importlib.util
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the drill is PostgreSQL's"),
    # In CI the drill must run: a missing pg_dump fails there (the test calls it), never skips.
    pytest.mark.skipif(shutil.which("pg_dump") is None and not settings.CI, reason="needs pg_dump and pg_restore"),
    pytest.mark.django_db(transaction=True),
]

_spec = importlib.util.spec_from_file_location(
    "backup_drill", Path(__file__).resolve().parents[2] / "deploy" / "backup_drill.py"
)
drill = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(drill)


def test_a_dump_restored_into_a_fresh_database_has_every_row_and_intact_chains(world, tmp_path):
    from wijkverband.audit.services import audit_record

    audit_record(actor=None, action="test.before_backup", team=world.team_b)
    config = {**connection.settings_dict, "HOST": connection.settings_dict["HOST"] or "127.0.0.1"}
    source, target = config["NAME"], config["NAME"] + "_restore"
    source_url, target_url = drill.url_for(config, source), drill.url_for(config, target)
    dump = tmp_path / "backup.dump"
    try:
        drill.run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={source_url}")
        drill.recreate(config, target)
        drill.run("pg_restore", "--exit-on-error", "--no-owner", f"--dbname={target_url}", str(dump))
        assert drill.row_counts(config, target) == drill.row_counts(config, source)
        assert "audit chain(s) intact" in drill.manage(target_url, "verify_audit")
        drill.manage(target_url, "client_data_scan")  # records an audit event, on the restored database
        checked = drill.manage(target_url, "verify_audit", "-v", "2")
        assert "global\tintact" in checked
        assert (
            drill.row_counts(config, target)["audit_auditevent"]
            == drill.row_counts(config, source)["audit_auditevent"] + 1
        )
    finally:
        drill.drop(config, target)
