"""One audit chain per team and per region instead of one for everything (docs/audit.md).

- Every existing row joins the `global` chain, unchanged: its hash never covered a chain name, and
  the global chain's rows still do not, so they verify as before.
- When there are rows, this closes the old chain with one `audit.chains_split` event (in the
  global chain, on top of the old head). Every other chain starts from a genesis made of its name
  and that event's hash (wijkverband.audit.chains), so each is anchored to the history before it.
- `wv_audit_chain_head(varchar)` locks one chain (an advisory lock on the pair (751375130,
  hashtext(chain))) and reads that chain's head, in one statement for the reason given in 0002.
  The `global` chain keeps the old single lock key, and the old `wv_audit_chain_head(bigint)` now
  reads the global chain's head: workers of the previous release that still run during a rolling
  deploy keep appending valid rows to the global chain (the column's database default names it),
  and they and the new workers take the same lock for it, so it does not fork.
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

LEGACY_LOCK_KEY = 751_375_130

CREATE = f"""
CREATE OR REPLACE FUNCTION wv_audit_chain_head(chain_name varchar) RETURNS varchar
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF chain_name = 'global' THEN
        PERFORM pg_advisory_xact_lock({LEGACY_LOCK_KEY}::bigint);
    ELSE
        PERFORM pg_advisory_xact_lock({LEGACY_LOCK_KEY}, hashtext(chain_name));
    END IF;
    RETURN (SELECT hash FROM audit_auditevent WHERE chain = chain_name ORDER BY id DESC LIMIT 1);
END
$$;
CREATE OR REPLACE FUNCTION wv_audit_chain_head(lock_key bigint) RETURNS varchar
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN (SELECT hash FROM audit_auditevent WHERE chain = 'global' ORDER BY id DESC LIMIT 1);
END
$$;
"""
RESTORE = """
DROP FUNCTION IF EXISTS wv_audit_chain_head(varchar);
CREATE OR REPLACE FUNCTION wv_audit_chain_head(lock_key bigint) RETURNS varchar
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN (SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1);
END
$$;
"""


def _hash(row: dict) -> str:
    # The global chain's hash as of this migration (AuditEvent.compute_hash), frozen here.
    payload = json.dumps(row, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
    close_legacy_chain(schema_editor.connection, apps.get_model("audit", "AuditEvent"))


def close_legacy_chain(connection, AuditEvent) -> None:  # noqa: N803 - a model class
    """Append the split event on top of the old chain's head, if there is one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The global chain's lock, as the previous release takes it: no old worker forks it.
            cursor.execute("SELECT wv_audit_chain_head(%s::bigint)", [LEGACY_LOCK_KEY])
            head = cursor.fetchone()[0]
    legacy = AuditEvent.objects.filter(chain="global")
    if connection.vendor != "postgresql":
        head = legacy.order_by("-id").values_list("hash", flat=True).first()
    if head is None:
        return  # a new installation: every chain starts from its own name alone
    data = {"legacy_head": head, "legacy_events": legacy.count()}
    at = timezone.now()
    content = {
        "prev": head, "at": at.isoformat(), "actor": None, "actor_label": "", "on_behalf_of": "",
        "action": "audit.chains_split", "team": None, "object_type": "", "object_id": "",
        "client_reference": "", "data": data,
    }  # fmt: skip
    AuditEvent.objects.create(
        at=at, action="audit.chains_split", data=data, chain="global", prev_hash=head, hash=_hash(content)
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_head_function"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(
                db_default="global", default="global", editable=False, max_length=40, verbose_name="chain"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["chain", "id"], name="audit_chain_id"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
