"""The search on PostgreSQL: unaccent and pg_trgm, a `wv_dutch` text search configuration (Dutch
stemming after unaccent), an immutable `wv_fold` (lower case, no accents), and per searched table:

- a column `search_vector` (tsvector of the document), set by a BEFORE INSERT OR UPDATE trigger,
  so it is current in the writing transaction itself, with a GIN index;
- a GIN trigram index on the folded document (typo tolerance).

The column is not a model field: Django never writes it and never selects it. A trigger rather
than a generated column, because PostgreSQL refuses to change the type of a column a generated
column reads (a later AlterField on a title would fail). The document of each kind is frozen here
(DOCUMENTS); tests/search/test_postgres.py checks it still equals wijkverband/core/textsearch/documents.py
and that the queries use the indexes. SQLite (the embedded default) gets nothing: its search is a
plain "contains" (docs/search.md).
"""

from django.db import migrations

DOCUMENTS = {
    "agreement": (
        "agreements_agreementversion",
        ("title", "need", "sources", "body", "gain_quality", "gain_accessibility", "gain_affordability", "change_note"),
    ),
    "bottleneck": ("bottlenecks_bottleneck", ("title", "description", "resolution_summary")),
    "message": ("threads_message", ("body",)),
    "wijkcard": ("wijkcard_contactentry", ("contact_point", "notes", "lead_arrangement")),
    "socialmap": ("socialmap_entry", ("name", "description", "place")),
}


def _document(columns, row: str = "") -> str:
    names = [f'{row}"{c}"' for c in columns]
    return names[0] if len(names) == 1 else "(" + " || ' ' || ".join(names) + ")"


def _create(run, kind: str, table: str, columns) -> None:
    vector = f"to_tsvector('wv_dutch'::regconfig, {_document(columns, 'NEW.')})"
    run(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector")
    run(
        f"CREATE OR REPLACE FUNCTION search_{kind}_vector() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN NEW.search_vector := {vector}; RETURN NEW; END $$"
    )
    run(f"DROP TRIGGER IF EXISTS search_{kind}_vector ON {table}")
    run(
        f"CREATE TRIGGER search_{kind}_vector BEFORE INSERT OR UPDATE OF {', '.join(columns)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION search_{kind}_vector()"
    )
    run(f"UPDATE {table} SET search_vector = to_tsvector('wv_dutch'::regconfig, {_document(columns)})")
    run(f"CREATE INDEX IF NOT EXISTS search_{kind}_fts ON {table} USING gin (search_vector)")
    run(f"CREATE INDEX IF NOT EXISTS search_{kind}_trgm ON {table} USING gin (wv_fold({_document(columns)}) gin_trgm_ops)")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("CREATE EXTENSION IF NOT EXISTS unaccent")
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
        schema = cursor.fetchone()[0]
    # unaccent() is only STABLE (its dictionary could change); with the dictionary named, this
    # wrapper is as immutable as an index needs.
    run(
        "CREATE OR REPLACE FUNCTION wv_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1)) $$"
    )
    run(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'wv_dutch') THEN "
        "CREATE TEXT SEARCH CONFIGURATION wv_dutch (COPY = pg_catalog.dutch); "
        f"ALTER TEXT SEARCH CONFIGURATION wv_dutch ALTER MAPPING FOR hword, hword_part, word "
        f"WITH {schema}.unaccent, dutch_stem; END IF; END $$"
    )
    for kind, (table, columns) in DOCUMENTS.items():
        _create(run, kind, table, columns)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind, (table, _columns) in DOCUMENTS.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS search_{kind}_trgm")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS search_{kind}_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS search_{kind}_vector()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS wv_dutch")
    schema_editor.execute("DROP FUNCTION IF EXISTS wv_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_indicator_source_alter_agreementevent_action"),
        ("bottlenecks", "0003_agreement_links"),
        ("threads", "0005_notifications_become_notices"),
        ("wijkcard", "0001_initial"),
        ("socialmap", "0002_search_trigram_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
