"""What is searched of each kind: its table's text columns, joined into one document.

On PostgreSQL (migrations 0001, 0002) a trigger keeps each table's `search_vector` column, the
tsvector of this document with the `wv_dutch` configuration, current in the writing transaction,
with a GIN index on it, and adds the document's words to the typo word list (`search_word`).
`document_sql` is the one place that writes the document for queries (the word list's prune reads
it too). A change here needs a migration that rebuilds the trigger and the column's contents.
"""

#: kind → (table, text columns). Every column is NOT NULL (Django's CharField/TextField).
DOCUMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "agreement": (
        "agreements_agreementversion",
        ("title", "need", "sources", "body", "gain_quality", "gain_accessibility", "gain_affordability", "change_note"),
    ),
    "bottleneck": ("bottlenecks_bottleneck", ("title", "description", "resolution_summary")),
    "message": ("threads_message", ("body",)),
    "wijkcard": ("wijkcard_contactentry", ("contact_point", "notes", "lead_arrangement")),
    "socialmap": ("socialmap_entry", ("name", "description", "place")),
}

#: The text search configuration: Dutch stemming after unaccent (created by migration 0001).
TS_CONFIG = "wv_dutch"


def document_sql(kind: str, *, qualified: bool = True) -> str:
    """The document's SQL: the columns joined by spaces (qualified by the table in queries)."""
    table, columns = DOCUMENTS[kind]
    names = [f'"{table}"."{c}"' if qualified else f'"{c}"' for c in columns]
    return names[0] if len(names) == 1 else "(" + " || ' ' || ".join(names) + ")"


def tsvector_sql(kind: str) -> str:
    """The stored tsvector column (kept by the migration's trigger)."""
    return f'"{DOCUMENTS[kind][0]}"."search_vector"'
