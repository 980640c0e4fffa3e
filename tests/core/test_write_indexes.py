"""The tables every post and every audited write insert into carry no index that only costs
writes: none that another index already serves (one whose columns start another's), and on
PostgreSQL no second one for `LIKE 'abc%'` on a column nothing searches by its start
(threads 0010, audit 0006; docs/realtime.md, "Cost of a post")."""

import pytest
from django.db import connection

#: Written with every post (message, event, audit row).
HOT_TABLES = ("threads_message", "threads_event", "audit_auditevent")

pytestmark = pytest.mark.django_db


def _indexes(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


@pytest.mark.parametrize("table", HOT_TABLES)
def test_no_index_is_served_by_another(table):
    # Unique constraints and keys are indexes too; only plain ones (b-tree, no condition) could go.
    indexes = {
        name: info
        for name, info in _indexes(table).items()
        if (info["index"] or info["unique"] or info["primary_key"]) and info["columns"]
    }
    served = [
        (name, other)
        for name, info in indexes.items()
        if info["index"] and info.get("type") == "idx" and not (info["unique"] or info["primary_key"])
        for other, other_info in indexes.items()
        if other != name
        and other_info.get("type", "idx") == "idx"
        and len(other_info["columns"]) > len(info["columns"])
        and other_info["columns"][: len(info["columns"])] == info["columns"]
    ]
    assert served == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL has pattern indexes")
@pytest.mark.parametrize("table", HOT_TABLES)
def test_no_pattern_index(table):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname FROM pg_index i
            JOIN pg_class index_class ON index_class.oid = i.indexrelid
            JOIN pg_class table_class ON table_class.oid = i.indrelid
            JOIN pg_opclass opclass ON opclass.oid = ANY (i.indclass::oid[])
            WHERE table_class.relname = %s AND opclass.opcname IN ('varchar_pattern_ops', 'text_pattern_ops')
            """,
            [table],
        )
        assert cursor.fetchall() == []
