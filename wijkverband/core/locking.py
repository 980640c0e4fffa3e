"""Lock a row, then read it with the rows it points to.

One `select_for_update().select_related(...)` is not enough on PostgreSQL when the foreign keys it
follows can change. If the lock has to wait for another transaction, PostgreSQL reads the locked
row again once that one commits, but not the rows joined to it: those stay as they were when the
statement began. An agreement adopted meanwhile came back with its new `adopted_version_id` beside
the old `adopted_version` (None), and a save waiting on an endorsement failed with an
AttributeError (tests/agreements/test_concurrency.py).

So the lock is taken first, on the row alone, and the row is read with its relations by a second
statement: in READ COMMITTED each statement sees what was committed before it began, and nobody
can change the row while we hold its lock. Joins that cannot change (a row's team) may stay in one
statement; this is for relations that other writers move.
"""

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable


def lock_and_read(queryset: QuerySet, *, pk, related: tuple[str, ...] = (), no_key: bool = False):
    """The row `pk` of `queryset`, locked until the transaction ends, with `related` read after the
    lock was granted. Raises the model's DoesNotExist as `get` does. no_key: FOR NO KEY UPDATE, for
    a change that neither deletes the row nor changes its key (other writers still wait for it;
    key_share_held readers do not)."""
    queryset.select_for_update(no_key=no_key).filter(pk=pk).values_list("pk", flat=True).get()
    return queryset.select_related(*related).get(pk=pk)


def key_share_held(queryset: QuerySet) -> list:
    """The values of `queryset` (a flat values_list of one model's rows), each row held FOR KEY SHARE
    until the transaction ends, leaving out the rows another transaction is deleting (or holds FOR
    UPDATE) instead of waiting for it (SKIP LOCKED). Such a deletion waits for this transaction.

    The weakest lock: it keeps a row from going away, not from being changed (writers of its other
    columns never wait), and Django's select_for_update has no word for it. Elsewhere than on
    PostgreSQL the rows are read as they are (SQLite serialises writers)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    with connection.cursor() as cursor:
        cursor.execute(*_for_key_share(queryset.order_by(), connection, "SKIP LOCKED"))
        return [row[0] for row in cursor.fetchall()]


def share_held(queryset: QuerySet) -> list:
    """The values of `queryset` (a values_list of one model's rows: flat, or tuples), each row held FOR
    SHARE until the transaction ends. Unlike key_share_held it waits for a transaction that changes
    such a row (FOR NO KEY UPDATE too: a change of role, a read marker's number), and then reads the
    row as that one committed it, leaving it out if it no longer matches; and a change that comes
    later waits for this transaction. For a write that depends on a column such a change writes (who
    manages a team's members, how far someone has read). Elsewhere than on PostgreSQL the rows are
    read as they are (SQLite serialises writers)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    flat = queryset._iterable_class is FlatValuesListIterable
    with connection.cursor() as cursor:
        cursor.execute(*_for_key_share(queryset.order_by(), connection, strength="SHARE"))
        return [row[0] if flat else tuple(row) for row in cursor.fetchall()]


def key_share_read(queryset: QuerySet, *, pk, related: tuple[str, ...] = ()):
    """The row `pk` of `queryset`, held FOR KEY SHARE until the transaction ends, with `related` read
    after the lock was granted (as lock_and_read). Unlike key_share_held it waits for a transaction
    that holds the row FOR UPDATE, and then reads the row as that one committed it: for a write that
    depends on a column such a transaction changes (who may read a thread), while others that only
    update the row (a post taking its number) go on beside it. Raises the model's DoesNotExist as
    `get` does. Elsewhere than on PostgreSQL the row is read as it is (SQLite serialises writers)."""
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(*_for_key_share(queryset.filter(pk=pk).values_list("pk").order_by(), connection))
            if cursor.fetchone() is None:
                raise queryset.model.DoesNotExist
    return queryset.select_related(*related).get(pk=pk)


def _for_key_share(queryset: QuerySet, connection, then: str = "", *, strength: str = "KEY SHARE") -> tuple[str, list]:
    """`queryset`'s SQL and parameters, its model's rows held FOR KEY SHARE (or FOR `strength`; and
    `then`: SKIP LOCKED), which Django's select_for_update has no word for."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return f"{sql} FOR {strength} OF {table} {then}".rstrip(), params
