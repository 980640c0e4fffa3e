"""Rows written and read by SQL written out once per process, for the few paths that run on every
post or every reconnect (docs/realtime.md, "Cost of a post").

The ORM builds each query anew on every call: for a one-row insert or a one-row look-up that is
most of the statement's cost on the worker (an `exists()` of five conditions: 0.7 ms of CPU, its
round trip to PostgreSQL 0.1 ms). These helpers keep what the ORM would do (each field's own
conversion of what is written and of what comes back, the model's `pre_save` and `post_save`
signals, so the client-data guard of wijkverband.core.guard still runs) and build the SQL text
once. tests/core/test_rows.py compares them with the ORM on both databases.

Use them only where a profile shows the query building; everywhere else the ORM is the clearer
code.
"""

import functools

from django.db import connections, router, transaction
from django.db.models import signals


def convert_row(row, columns, connection) -> tuple:
    """`row` from the database with each value converted as the ORM converts its column (`Col`),
    for example dates stored as text on SQLite."""
    values = []
    for value, column in zip(row, columns, strict=True):
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = convert(value, column, connection)
        values.append(value)
    return tuple(values)


@functools.cache
def _insert_sql(model, vendor: str, alias: str, with_pk: bool) -> tuple[str, tuple, tuple, tuple, bool]:
    """The INSERT of one row of `model`: its text, the fields it writes, the fields it returns and
    their columns, and whether the database returns them (else the primary key is read after the
    insert)."""
    connection = connections[alias]
    meta, quote = model._meta, connection.ops.quote_name
    fields = tuple(f for f in meta.local_concrete_fields if not f.generated and (with_pk or f is not meta.auto_field))
    returning = tuple(meta.db_returning_fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608 - names from the model
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    can_return = bool(returning) and connection.features.can_return_columns_from_insert
    if can_return:
        sql += f" RETURNING {', '.join(quote(f.column) for f in returning)}"
    return sql, fields, returning, tuple(f.get_col(meta.db_table) for f in returning), can_return


def insert(instance, *, using: str | None = None):
    """Insert `instance` as `instance.save(force_insert=True)` does, for a model without parents.

    Sends the same signals (but does not call an override of the model's `save`: use it only for
    models whose `save` adds nothing to an insert), converts each value through its field (`pre_save`, then
    `get_db_prep_save`), sets the primary key and the database defaults the database returns,
    and marks the surrounding transaction for rollback when the insert fails (an IntegrityError
    leaves it as a failed `save` would).
    """
    model = type(instance)
    meta = model._meta
    if meta.parents or meta.proxy or meta.order_with_respect_to:
        raise TypeError(f"rows.insert writes one table: save {model.__name__} with the ORM")
    using = using or router.db_for_write(model, instance=instance)
    connection = connections[using]
    instance._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    if instance.pk is None:
        pk_value = meta.pk.get_pk_value_on_save(instance)
        if pk_value is not None:
            setattr(instance, meta.pk.attname, pk_value)
    sql, fields, returning, columns, can_return = _insert_sql(model, connection.vendor, using, instance.pk is not None)
    params = []
    for field in fields:
        value = field.pre_save(instance, add=True)
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"rows.insert writes plain values: {model.__name__}.{field.name} is an expression")
        params.append(field.get_db_prep_save(value, connection=connection))
    with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if can_return:
            values = convert_row(cursor.fetchone(), columns, connection)
            for field, value in zip(returning, values, strict=True):
                setattr(instance, field.attname, value)
        elif instance.pk is None:
            instance.pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    instance._state.db = using
    instance._state.adding = False
    signals.post_save.send(sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using)
    return instance


@functools.cache
def _exists_sql(model, vendor: str, alias: str, where: tuple[str, ...], null: tuple[str, ...]) -> tuple[str, tuple]:
    connection = connections[alias]
    meta, quote = model._meta, connection.ops.quote_name
    fields = tuple(meta.get_field(name) for name in where)
    conditions = [f"{quote(f.column)} = %s" for f in fields]
    conditions += [f"{quote(meta.get_field(name).column)} IS NULL" for name in null]
    sql = f"SELECT 1 FROM {quote(meta.db_table)} WHERE {' AND '.join(conditions)} LIMIT 1"  # noqa: S608 - names from the model
    return sql, fields


def exists(model, *, null: tuple[str, ...] = (), using: str | None = None, **equal) -> bool:
    """Whether a row of `model` has each field of `equal` equal to its value and each field named
    in `null` empty: `model.objects.filter(**equal, <null>__isnull=True).exists()`, without the
    model's manager (a caller scoping by team names the team among `equal`)."""
    using = using or router.db_for_read(model)
    connection = connections[using]
    sql, fields = _exists_sql(model, connection.vendor, using, tuple(equal), tuple(null))
    params = [
        field.get_db_prep_value(value, connection, prepared=False)
        for field, value in zip(fields, equal.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None
