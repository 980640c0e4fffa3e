"""Every audited write inserts a row here: two indexes fewer to write with each.

On PostgreSQL Django gives every indexed or unique text column a second index for `LIKE 'abc%'`
(`varchar_pattern_ops`): here on `hash` and on `action`. Nothing looks a hash up by its start, and
the admin's search on the action (`icontains`) cannot use such an index; equality (the admin's
filter by action, the hash's uniqueness) uses the plain ones, which stay. Found by their operator
class, so the names Django gave them do not matter. Nothing to do elsewhere: only PostgreSQL has
them.
"""

from django.db import migrations

#: The columns whose pattern index goes.
COLUMNS = ("hash", "action")


def _pattern_indexes(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname
            FROM pg_index i
            JOIN pg_class index_class ON index_class.oid = i.indexrelid
            JOIN pg_class table_class ON table_class.oid = i.indrelid
            JOIN pg_opclass opclass ON opclass.oid = ANY (i.indclass::oid[])
            JOIN pg_attribute attr ON attr.attrelid = table_class.oid AND attr.attnum = ANY (i.indkey::int2[])
            WHERE table_class.relname = %s AND opclass.opcname = 'varchar_pattern_ops' AND attr.attname = ANY (%s)
            """,
            [table, list(COLUMNS)],
        )
        return [name for (name,) in cursor.fetchall()]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("audit", "AuditEvent")
    for name in _pattern_indexes(schema_editor, model._meta.db_table):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("audit", "AuditEvent")
    if _pattern_indexes(schema_editor, model._meta.db_table):
        return
    for column in COLUMNS:
        field = model._meta.get_field(column)
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_hash_names")]

    operations = [migrations.RunPython(drop, restore)]
