"""The search's one write of its own: keeping the typo word list (PostgreSQL's `search_word`,
migration 0002) free of words no searchable text holds any more.

Each kind's trigger adds words as texts are written; nothing removes them when a message is
deleted or a text changes. `search_words_prune` (weekly, work/schedules.py) deletes every word that
no current text holds. The list is never shown, so a stale word only means a typo could be
"corrected" to a word that then finds nothing; pruning keeps it that way for deleted texts too.
A word that a text written during the prune brings back, and that the prune just deleted, is
corrected again once a text holding it is written again.
"""

from django.db import connection, transaction

from wijkverband.core.textsearch.documents import DOCUMENTS, document_sql


def _current_words_sql() -> str:
    # search_words(text): the words of a text as the list holds them (migration 0002).
    selects = []
    for kind, (table, _columns) in DOCUMENTS.items():
        where = f' WHERE "{table}"."deleted_at" IS NULL' if kind == "message" else ""
        # Only our own table and column names (documents.py) are formatted in.
        selects.append(f"SELECT w FROM {table} CROSS JOIN LATERAL search_words({document_sql(kind)}) AS w{where}")  # noqa: S608
    return " UNION ALL ".join(selects)


def search_words_prune() -> int:
    """Delete the words no searchable text holds; how many went. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH current_words AS (SELECT DISTINCT w FROM ({_current_words_sql()}) AS words) "  # noqa: S608
            "DELETE FROM search_word AS s WHERE NOT EXISTS (SELECT 1 FROM current_words AS c WHERE c.w = s.word)"
        )
        return cursor.rowcount
