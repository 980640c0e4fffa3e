"""The search on PostgreSQL: unaccent and pg_trgm, a `wv_dutch` text search configuration (Dutch
stemming after unaccent), an immutable `wv_fold` (lower case, no accents), and two GIN expression
indexes per searched table: the document's tsvector and its folded text's trigrams.

Expression indexes are kept current by PostgreSQL in the writing transaction itself. The document
of each kind is frozen here (DOCUMENTS); tests/search/test_postgres.py checks it still equals
wijkverband/search/documents.py and that the queries use these indexes. SQLite (the embedded
default) gets nothing: its search is a plain "contains" (docs/search.md).
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


def _document(columns) -> str:
    names = [f'"{c}"' for c in columns]
    return names[0] if len(names) == 1 else "(" + " || ' ' || ".join(names) + ")"


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
        document = _document(columns)
        run(
            f"CREATE INDEX IF NOT EXISTS search_{kind}_fts ON {table} "
            f"USING gin (to_tsvector('wv_dutch'::regconfig, {document}))"
        )
        run(f"CREATE INDEX IF NOT EXISTS search_{kind}_trgm ON {table} USING gin (wv_fold({document}) gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in DOCUMENTS:
        schema_editor.execute(f"DROP INDEX IF EXISTS search_{kind}_fts")
        schema_editor.execute(f"DROP INDEX IF EXISTS search_{kind}_trgm")
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
