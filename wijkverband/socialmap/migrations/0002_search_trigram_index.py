"""The search of the sociale kaart on PostgreSQL: a trigram index, so "contains this word" over
name, description and place (Entry.search_text) stays fast with tens of thousands of entries
(bench/socialmap.py). SQLite (the embedded default) scans, which is fine at its sizes."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS socialmap_entry_search_trgm ON socialmap_entry USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS socialmap_entry_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("socialmap", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
