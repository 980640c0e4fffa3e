"""The database every test starts from: the migrations' rows plus the personas' world, built once.

`take()` copies every table of the test database into a snapshot table beside it (inside the
database, so types round-trip exactly and restoring is one INSERT ... SELECT per table); `restore()`
puts the database back to that state: it deletes every row and copies the snapshot back, in one
transaction. Foreign keys are DEFERRABLE INITIALLY DEFERRED on PostgreSQL and SQLite (Django
creates them so), so the order of the tables does not matter.

Tests that run in a rolled-back transaction never need it; tests that commit (transactional
tests, the live server of the browser tests, the socket ladder) call restore() where Django would
flush the database: the world and the migrations' rows (content types, permissions, built-in
categories) come back with the same ids, where a flush emptied the tables and gave the content
types and permissions new ids.

Sequences are not reset: ids only grow, so an id a test saw is never handed out again in the run.
"""

import copy

from django.db import connection, transaction

PREFIX = "wv_snapshot_"


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


class Snapshot:
    def __init__(self, tables: dict[str, str | None]):
        #: table -> its snapshot table (None: the table was empty).
        self.tables = tables

    def restore(self) -> None:
        qn = connection.ops.quote_name
        # Our own table names, quoted: nothing from outside goes into these statements.
        statements = [f"DELETE FROM {qn(table)}" for table in self.tables]  # noqa: S608
        statements += [
            f"INSERT INTO {qn(table)} SELECT * FROM {qn(saved)}"  # noqa: S608
            for table, saved in self.tables.items()
            if saved
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One round trip: psycopg sends statements without parameters as one simple query.
                cursor.execute(";\n".join(statements))
            else:
                for statement in statements:
                    cursor.execute(statement)


def take(name: str) -> Snapshot:
    """Copy every table that has rows into a snapshot table named after `name` (committed)."""
    assert not connection.in_atomic_block, "the snapshot copies committed rows: no transaction may be open"
    qn = connection.ops.quote_name
    tables: dict[str, str | None] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for number, table in enumerate(_tables()):
            cursor.execute(f"SELECT 1 FROM {qn(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is None:
                tables[table] = None
                continue
            saved = f"{PREFIX}{name}_{number}"
            cursor.execute(f"DROP TABLE IF EXISTS {qn(saved)}")
            cursor.execute(f"CREATE TABLE {qn(saved)} AS SELECT * FROM {qn(table)}")  # noqa: S608
            tables[table] = saved
    return Snapshot(tables)


_world = None
_migrated: Snapshot | None = None
_snapshot: Snapshot | None = None


def build(create_world) -> None:
    """Build the world (committed) and take the snapshots; tests/conftest.py does this once per run."""
    global _world, _migrated, _snapshot
    _migrated = take("migrated")
    _world = create_world()
    _snapshot = take("world")


def has_world() -> bool:
    return _world is not None


def world_copy():
    """A fresh copy of the committed world's objects: a test may change its copy freely."""
    assert _world is not None, "the world needs the test database (django_db_setup)"
    return copy.deepcopy(_world)


def restore_world() -> None:
    """Put the database back to the migrations' rows plus the world, after a test that committed."""
    assert _snapshot is not None, "restoring the world needs the test database (django_db_setup)"
    _snapshot.restore()


def remove_world() -> None:
    """Back to the rows the migrations wrote, without the world (inside the test's transaction, so
    a test in a transaction gets the world back when it is rolled back)."""
    assert _migrated is not None, "removing the world needs the test database (django_db_setup)"
    _migrated.restore()
