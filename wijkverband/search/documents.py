"""What is searched of each kind: its table's text columns, joined into one document.

PostgreSQL indexes exactly this expression (migration 0001: a GIN index on its `tsvector` with the
`wv_dutch` configuration, and a trigram GIN index on its folded text), so the query must build the
same text: `document_sql` is the one place that writes it. The indexes are expression indexes, so
PostgreSQL keeps them current in the writing transaction itself; no column, trigger or job.
A change here needs a migration that rebuilds the two indexes of that kind.
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


def tsvector_sql(kind: str, *, qualified: bool = True) -> str:
    return f"to_tsvector('{TS_CONFIG}'::regconfig, {document_sql(kind, qualified=qualified)})"


def folded_sql(kind: str, *, qualified: bool = True) -> str:
    return f"wv_fold({document_sql(kind, qualified=qualified)})"
