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

from django.db.models import QuerySet


def lock_and_read(queryset: QuerySet, *, pk, related: tuple[str, ...] = ()):
    """The row `pk` of `queryset`, locked until the transaction ends, with `related` read after the
    lock was granted. Raises the model's DoesNotExist as `get` does."""
    queryset.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
    return queryset.select_related(*related).get(pk=pk)
