"""Typo correction from a word list instead of trigrams over every row (PostgreSQL only).

0001 matched a typo by trigram similarity against the folded document of every row of the
person's teams: a search that found nothing as written read the text of all those rows (6,000
messages for a member of three teams: 160–180 ms, growing with the teams). Now:

- `search_word` holds every word (folded, letters and digits, 4–40 long) of every searchable
  text, with a GIN trigram index; each kind's trigger adds the words of the row it writes, in the
  same transaction (a word that is already there costs one index probe, nothing is written);
- a search that finds nothing as written looks up, per word that is not in the list, the few most
  similar words of the list (one query on a small table), and searches again with those as
  alternatives, through the stored tsvectors as any search;
- the per-kind trigram indexes of 0001 go: nothing reads them any more, and every write paid
  for them (136 MB for a million messages).

The list is global: it only ever widens a person's own query, whose results still pass every
read rule; it is never shown. Words of deleted or changed texts are dropped by the weekly
`search_words_prune` job (work/schedules.py).
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

#: The words of a text as the query sees them (query.parse: folded, [0-9a-z]+), long enough for a
#: typo to be told from another word; a hyphenated word also joined ("medicatie-overdracht" gives
#: "medicatie", "overdracht" and "medicatieoverdracht", so a typo in the compound finds it).
WORDS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_words(text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    "SELECT w FROM regexp_split_to_table(wv_fold($1), '[^0-9a-z]+') AS w WHERE length(w) BETWEEN 4 AND 40 "
    "UNION SELECT j FROM (SELECT replace(h, '-', '') AS j FROM regexp_split_to_table(wv_fold($1), '[^0-9a-z-]+') AS h "
    "WHERE position('-' in h) > 0) AS joined WHERE length(j) BETWEEN 4 AND 40 $$"
)
ADD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_words_add(text) RETURNS void LANGUAGE sql AS $$ "
    "INSERT INTO search_word (word) SELECT w FROM search_words($1) AS w ON CONFLICT DO NOTHING $$"
)


def _document(columns, row: str = "") -> str:
    names = [f'{row}"{c}"' for c in columns]
    return names[0] if len(names) == 1 else "(" + " || ' ' || ".join(names) + ")"


def _trigger_function(kind: str, columns, *, with_words: bool) -> str:
    document = _document(columns, "NEW.")
    words = f"PERFORM search_words_add({document}); " if with_words else ""
    return (
        f"CREATE OR REPLACE FUNCTION search_{kind}_vector() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN NEW.search_vector := to_tsvector('wv_dutch'::regconfig, {document}); {words}RETURN NEW; END $$"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("CREATE TABLE IF NOT EXISTS search_word (word text PRIMARY KEY)")
    run("CREATE INDEX IF NOT EXISTS search_word_trgm ON search_word USING gin (word gin_trgm_ops)")
    run(WORDS_FUNCTION)
    run(ADD_FUNCTION)
    for kind, (table, columns) in DOCUMENTS.items():
        run(_trigger_function(kind, columns, with_words=True))
        where = " WHERE deleted_at IS NULL" if kind == "message" else ""
        run(
            "INSERT INTO search_word (word) SELECT DISTINCT w "
            f"FROM {table} CROSS JOIN LATERAL search_words({_document(columns)}) AS w{where} ON CONFLICT DO NOTHING"
        )
        run(f"DROP INDEX IF EXISTS search_{kind}_trgm")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    for kind, (table, columns) in DOCUMENTS.items():
        run(_trigger_function(kind, columns, with_words=False))
        run(f"CREATE INDEX IF NOT EXISTS search_{kind}_trgm ON {table} USING gin (wv_fold({_document(columns)}) gin_trgm_ops)")
    run("DROP FUNCTION IF EXISTS search_words_add(text)")
    run("DROP FUNCTION IF EXISTS search_words(text)")
    run("DROP TABLE IF EXISTS search_word")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_postgres_full_text_search")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
