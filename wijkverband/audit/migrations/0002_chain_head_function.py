"""One round trip for "lock the chain, read its last hash" on PostgreSQL (audit_record).

Both steps were a statement each. They cannot be one plain SELECT: its snapshot is taken before
the lock is granted, so it could miss the row the previous lock holder just committed and fork
the chain. In a VOLATILE PL/pgSQL function every statement takes a fresh snapshot, so the read
after PERFORM pg_advisory_xact_lock sees every row committed before the lock was granted.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION wv_audit_chain_head(lock_key bigint) RETURNS varchar
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN (SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1);
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS wv_audit_chain_head(bigint);"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
