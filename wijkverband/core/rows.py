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

import contextlib
import functools
import hashlib
import re

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import signals
from django.utils.connection import ConnectionProxy


def convert_row(row, columns, connection) -> tuple:
    """`row` from the database with each value converted as the ORM converts its column (`Col`),
    for example dates stored as text on SQLite."""
    values = []
    for value, column in zip(row, columns, strict=True):
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = convert(value, column, connection)
        values.append(value)
    return tuple(values)


def model_columns(connection, *aliased) -> tuple[tuple, str]:
    """For a SELECT of whole rows of several models, joined under the given aliases ((model, alias),
    ...): their concrete columns, as `Col`s for the ORM's conversions (convert_row, instances), and
    the SELECT list that names them."""
    quote = connection.ops.quote_name
    columns = tuple(field.get_col(alias) for model, alias in aliased for field in model._meta.concrete_fields)
    return columns, ", ".join(f"{col.alias}.{quote(col.target.column)}" for col in columns)


def instances(row, columns, models, connection) -> list:
    """One instance of each of `models` from `row`, whose first values are `model_columns`' columns
    of them, in that order: each value converted as the ORM converts its column, each instance
    loaded as the ORM loads one (`from_db`: not adding, on this database)."""
    values = iter(convert_row(row[: len(columns)], columns, connection))
    made = []
    for model in models:
        names = [field.attname for field in model._meta.concrete_fields]
        made.append(model.from_db(connection.alias, names, [next(values) for _name in names]))
    return made


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


@functools.cache
def _select_sql(model, alias: str, fields: tuple, source: str, computed: tuple) -> tuple[str, tuple[int, ...]]:
    """Insert.select_from's text, and which of the insert's parameters it keeps."""
    meta, quote = model._meta, connections[alias].ops.quote_name
    expressions = dict(computed)
    if unknown := set(expressions) - {field.attname for field in fields}:
        raise ValueError(f"rows.Insert.select_from: {model.__name__} writes no {sorted(unknown)}")
    values = [expressions.get(field.attname, "%s") for field in fields]
    kept = tuple(number for number, field in enumerate(fields) if field.attname not in expressions)
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608 - names from the model, expressions from the caller's code
    return sql, kept


class Statement:
    """One statement for `run`: its SQL, its parameters, the database alias, and how to read its
    result (`read`, which sets and returns `result`)."""

    sql: str
    params: list
    using: str
    result = None

    def read(self, cursor, connection):
        raise NotImplementedError


class Insert(Statement):
    """Insert `instance` as `instance.save(force_insert=True)` does, for a model without parents.

    Sends the same signals (the `pre_save` ones when the statement is made, `post_save` once it
    ran), but does not call an override of the model's `save`: use it only for models whose `save`
    adds nothing to an insert. Converts each value through its field (`pre_save`, then
    `get_db_prep_save`); once run, the instance has its primary key and the database defaults the
    database returns, and `result` is the instance.
    """

    def __init__(self, instance, *, using: str | None = None):
        model = type(instance)
        meta = model._meta
        if meta.parents or meta.proxy or meta.order_with_respect_to:
            raise TypeError(f"rows.insert writes one table: save {model.__name__} with the ORM")
        self.instance = instance
        self.using = using = using or router.db_for_write(model, instance=instance)
        connection = connections[using]
        instance._prepare_related_fields_for_save(operation_name="save")
        signals.pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
        if instance.pk is None:
            pk_value = meta.pk.get_pk_value_on_save(instance)
            if pk_value is not None:
                setattr(instance, meta.pk.attname, pk_value)
        self.sql, self.fields, self.returning, self.columns, self.can_return = _insert_sql(
            model, connection.vendor, using, instance.pk is not None
        )
        self.params = []
        for field in self.fields:
            value = field.pre_save(instance, add=True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"rows.insert writes plain values: {model.__name__}.{field.name} is an expression")
            self.params.append(field.get_db_prep_save(value, connection=connection))

    def select_from(self, source: str, computed: dict[str, str]) -> tuple[str, list]:
        """This insert as `INSERT INTO … SELECT … FROM source` (no RETURNING) and its parameters:
        each field named in `computed` (attribute names) takes that SQL expression over `source`
        instead of its value. For a statement that chains several writes in one (a data-modifying
        WITH on PostgreSQL); the caller reads what comes back and calls `finished`."""
        sql, kept = _select_sql(type(self.instance), self.using, self.fields, source, tuple(sorted(computed.items())))
        return sql, [self.params[number] for number in kept]

    def read(self, cursor, connection):
        instance, meta = self.instance, self.instance._meta
        if self.can_return:
            values = convert_row(cursor.fetchone(), self.columns, connection)
            for field, value in zip(self.returning, values, strict=True):
                setattr(instance, field.attname, value)
        elif instance.pk is None:
            instance.pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        return self.finished()

    def finished(self, **values):
        """The row is in: set `values` (attribute names, already converted) on the instance, mark it
        saved and send `post_save`."""
        instance = self.instance
        for name, value in values.items():
            setattr(instance, name, value)
        instance._state.db = self.using
        instance._state.adding = False
        signals.post_save.send(
            sender=type(instance), instance=instance, created=True, update_fields=None, raw=False, using=self.using
        )
        self.result = instance
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


class Exists(Statement):
    """Whether a row of `model` has each field of `equal` equal to its value and each field named
    in `null` empty: `model.objects.filter(**equal, <null>__isnull=True).exists()`, without the
    model's manager (a caller scoping by team names the team among `equal`). `result`: a bool."""

    def __init__(self, model, *, null: tuple[str, ...] = (), using: str | None = None, **equal):
        self.using = using = using or router.db_for_read(model)
        connection = connections[using]
        self.sql, fields = _exists_sql(model, connection.vendor, using, tuple(equal), tuple(null))
        self.params = [
            field.get_db_prep_value(value, connection, prepared=False)
            for field, value in zip(fields, equal.values(), strict=True)
        ]

    def read(self, cursor, connection):
        self.result = cursor.fetchone() is not None
        return self.result


class Value(Statement):
    """A statement of our own whose result is the first column of its one row (None without a row)."""

    def __init__(self, sql: str, params: list, *, using: str = "default"):
        self.sql, self.params, self.using = sql, params, using

    def read(self, cursor, connection):
        row = cursor.fetchone()
        self.result = None if row is None else row[0]
        return self.result


class Row(Value):
    """A statement of our own whose result is its one row (a tuple; None without a row)."""

    def read(self, cursor, connection):
        self.result = cursor.fetchone()
        return self.result


#: What a `Compiled` query is built with in place of its value: no row has this id, and no other
#: parameter of such a query is this number.
PLACEHOLDER = -730_117_019


#: The builds declared with `compiled`, in the order their modules declared them.
_DECLARED: dict = {}


def compiled(build):
    """Declare `build` (a function of one id that returns a queryset) a query for `Compiled` and
    `CompiledRows`. A new worker compiles every declared query before it listens (`compile_declared`,
    from config/asgi.py's warm-up): compiled on a worker's first page instead, the header's queries
    cost that page about 40 ms of CPU, while thousands of sockets reconnect after a restart."""
    _DECLARED[build] = None
    return build


def compile_declared(alias: str = "default") -> int:
    """Compile every declared query for the database `alias` (nothing is read from it); how many."""
    for build in _DECLARED:
        _compiled_sql(build, alias)
    return len(_DECLARED)


@functools.cache
def _compiled_sql(build, alias: str) -> tuple[str, tuple, tuple[int, ...]]:
    """The SQL the ORM compiles for `build(PLACEHOLDER)`, its parameters, and which are the value."""
    queryset = build(PLACEHOLDER)
    sql, params = queryset.query.get_compiler(using=alias).as_sql()
    slots = tuple(number for number, param in enumerate(params) if type(param) is int and param == PLACEHOLDER)
    text = str(PLACEHOLDER)  # in the SQL itself, or as another parameter (text): not put in by run
    elsewhere = text in sql or any(text in str(param) for param in params if type(param) is not int)
    if not slots or elsewhere:
        raise ValueError(f"rows.Compiled: {build.__qualname__} must use its value, and only as a parameter")
    if build not in _DECLARED:
        raise ValueError(f"rows.Compiled: declare {build.__qualname__} with @rows.compiled (the warm-up compiles it)")
    return sql, tuple(params), slots


class Compiled(Statement):
    """The first row (a tuple, or None) of the queryset `build(value)`, with the SQL the ORM compiled
    once per process and database from `build(PLACEHOLDER)`, the value put where the placeholder
    was. For a query the ORM takes long to build (Mijn werk's count: six subqueries, 19 ms of CPU
    to compile, 0.7 ms to run) whose shape never depends on the value: `build` takes no decision on
    it and reads nothing; and whose columns need no conversion (numbers). Its tests compare it with
    the ORM's own query for several people."""

    def __init__(self, build, value: int, *, using: str = "default"):
        sql, params, slots = _compiled_sql(build, using)
        params = list(params)
        for number in slots:
            params[number] = value
        self.sql, self.params, self.using = sql, params, using

    def read(self, cursor, connection):
        self.result = cursor.fetchone()
        return self.result


class CompiledRows(Compiled):
    """Every row (a list of tuples) of the queryset `build(value)`, compiled once as Compiled is."""

    def read(self, cursor, connection):
        self.result = cursor.fetchall()
        return self.result


def prepared_cursor(connection):
    """A cursor for one statement written out once per process, on a path that runs it on every
    reconnect or page: on PostgreSQL it is prepared, once per connection, and run by name after that.

    Django binds parameters on the client and never prepares, so PostgreSQL plans every statement
    again: the rights' five-part UNION took 0.65 ms of PostgreSQL's CPU, 0.12 ms prepared
    (docs/scaling.md, "Prepared statements"). The cursor binds on the server, as Django's own
    `server_side_binding` cursor does, and is wrapped as any cursor is (logged queries, execute
    wrappers). A connection opened for one request prepares in vain; with the pool or
    `CONN_MAX_AGE` each of a process's connections prepares each statement once. Off with
    `DATABASE_PREPARED_STATEMENTS=false` (a PgBouncer in transaction mode), and on SQLite: then
    Django's own cursor. (`run` prepares its statements too, with SQL's PREPARE: _statements_cursor.)
    """
    return _postgresql_cursor(connection, 0)


def _statements_cursor(connection):
    """The cursor `run` sends its statements with: on PostgreSQL each statement is prepared once per
    connection with SQL's `PREPARE` and sent as `EXECUTE name(parameters)`, several in one query
    where `run` sends several (the server-binding cursor of prepared_cursor takes one statement per
    query). A post's batch (its number with the message and event, the owner's notice check, the
    audit row) with its COMMIT took 1.28 ms of PostgreSQL's CPU as text, 0.74-0.85 ms prepared
    (docs/scaling.md, "Prepared statements"). Its client-bound cursor is Django's own; the query log
    shows each statement's own text. Where prepared_cursor's would be Django's own cursor, so is this.
    """
    return _postgresql_cursor(connection, 1)


def _postgresql_cursor(connection, kind: int):
    if isinstance(connection, ConnectionProxy):
        # `django.db.connection` looks the thread's connection up again (asgiref's Local) for every
        # attribute, eight of them below: 31 µs for this cursor against 11 µs looked up once.
        connection = connections[connection._alias]
    if connection.vendor != "postgresql" or not getattr(settings, "DATABASE_PREPARED_STATEMENTS", False):
        return connection.cursor()
    *classes, timezone_of = _postgresql_parts()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # As DatabaseWrapper.create_cursor makes its cursors, with a subclass of server_side_binding's
        # class (whose connection's prepare_threshold, 0 in config/settings.py, prepares a statement
        # the first time) or of Django's client-binding class.
        cursor = classes[kind](connection.connection)
        cursor.logged = connection.queries_logged
        if connection.timezone != timezone_of(connection.connection):  # (not with settings' TIME_ZONE)
            from django.db.backends.postgresql.psycopg_any import register_tzloader

            register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


#: How many statements `run` prepares at most on one connection (each holds its plan in the server
#: process); the rest are sent as text.
PREPARED_PER_CONNECTION = 200

_PLACEHOLDER = re.compile(r"%%|%s|%")


@functools.lru_cache(maxsize=1024)
def _preparable(sql: str) -> tuple[str, str, str] | None:
    """(the statement's name, its PREPARE, the EXECUTE that runs it with the same `%s` parameters)
    for a statement with `%s` placeholders, or None for one this cannot rewrite (`%(name)s`). Both
    texts go in a query with the statement's parameters, so a literal `%` stays `%%`."""
    count, bad = 0, False

    def placeholder(match):
        nonlocal count, bad
        if match.group() == "%s":
            count += 1
            return f"${count}"
        bad = bad or match.group() == "%"
        return match.group()

    text = _PLACEHOLDER.sub(placeholder, sql)
    if bad:
        return None
    name = "wv_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
    run = f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    return name, f"PREPARE {name} AS {text}", run


_FORGOTTEN = object()


def _prepared_names(psycopg_connection) -> set | None:
    """The names of the statements `run` has prepared on this connection, or None where it cannot
    keep count (then it prepares nothing).

    They are kept on psycopg's own manager of the connection's prepared statements, whose class
    gets a `clear` that empties them too: psycopg sends `DEALLOCATE ALL` after a rollback (and a
    `ROLLBACK TO SAVEPOINT`, a `DROP` or an `ALTER`) when it has prepared statements of its own
    (prepared_cursor's), and that drops these as well. tests/core/test_prepared.py fails if a
    psycopg changes that.
    """
    manager = getattr(psycopg_connection, "_prepared", None)
    names = getattr(manager, "wv_prepared", None)
    if names is None:
        clearing = _clearing(type(manager))
        if clearing is None:
            return None
        manager.__class__ = clearing
        names = manager.wv_prepared = set()
    elif names is _FORGOTTEN:
        # The server may hold some under these names, or none (see _forget): start again.
        psycopg_connection.execute("DEALLOCATE ALL")
        names = manager.wv_prepared = set()
    return names


@functools.cache
def _clearing(manager_class):
    """psycopg's manager of prepared statements, with a `clear` that forgets `run`'s statements
    whenever psycopg sends DEALLOCATE ALL; None for a psycopg without that manager."""
    from psycopg._preparing import PrepareManager

    if not issubclass(manager_class, PrepareManager) or not callable(getattr(manager_class, "clear", None)):
        return None

    class Clearing(manager_class):
        wv_prepared = None

        def clear(self) -> bool:
            deallocating = super().clear()  # True: DEALLOCATE ALL goes before the next statement
            if deallocating and self.wv_prepared is not None:
                self.wv_prepared = set()
            return deallocating

    return Clearing


def _executables(psycopg_connection, statements) -> tuple[list[str], list[str], set[str]]:
    """For statements' texts (with `%s` parameters) on this connection: the PREPAREs to send first
    (for those it has not prepared yet), what to send for each (its EXECUTE, or the text itself),
    and the names the PREPAREs add once they ran."""
    names = _prepared_names(psycopg_connection)
    if names is None:
        return [], list(statements), set()
    prepares, sent, adding = [], [], set()
    for sql in statements:
        found = _preparable(sql)
        if found is None:
            sent.append(sql)
            continue
        name, prepare, execute = found
        if name not in names and name not in adding:
            if len(names) + len(adding) >= PREPARED_PER_CONNECTION:
                sent.append(sql)
                continue
            prepares.append(prepare)
            adding.add(name)
        sent.append(execute)
    return prepares, sent, adding


def _forget(psycopg_connection) -> None:
    """After a query with PREPAREs failed (which of them ran is not known), or an EXECUTE failed
    because the server no longer has the statement (something ran `DISCARD ALL`) or cannot run its
    plan (a column's type changed under it): the next statement deallocates whatever is left and
    prepares again."""
    psycopg_connection._prepared.wv_prepared = _FORGOTTEN


@functools.cache
def _postgresql_parts():
    """(prepared_cursor's class, _statements_cursor's class, the timezone a psycopg connection reads
    timestamps in), made once: the PostgreSQL backend is imported only where it is used."""
    import psycopg
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, Cursor, ServerBindingCursor
    from psycopg.pq import Format

    class PreparedCursor(ServerBindingCursor):
        """Django's query log (DEBUG, assertNumQueries) reads a statement's text from psycopg's
        `_query`, which psycopg leaves empty when it runs a prepared statement: a logged cursor
        puts the text back after the statement ran (with $1 for the parameters)."""

        logged = False

        def execute(self, query, params=None, **kwargs):
            result = super().execute(query, params, **kwargs)
            if self.logged and self._query is None:
                self._query = self._convert_query(query, params)
            return result

    class PreparingCursor(Cursor):
        """Django's client-binding cursor, which sends each statement as the EXECUTE of its prepared
        form, preceded, the first time on this connection, by its PREPARE in the same query (one
        round trip; a PREPARE stays with the connection when its transaction rolls back). `send`:
        the text to send for the query given next instead (`run`'s batch, which skips the PREPAREs'
        results itself). Django's query log reads the text from psycopg's `_query`: a logged cursor
        puts the statement's own text there after it ran."""

        logged = False
        send = None  # (the query the next execute gets, the text to send for it, the names its PREPAREs add)
        leading = 0  # how many PREPAREs' results come first in what the last execute sent (run's batch)

        def execute(self, query, params=None, **kwargs):
            alone, self.leading = False, 0  # alone: one statement after its own PREPARE
            if self.send is not None:
                # run's batch, unless an execute wrapper changed the text on the way: then as it is.
                (given, sent, adding), self.send = self.send, None
                if given is not query:
                    sent, adding = query, set()
                self.leading = len(adding)  # (one PREPARE for each name it adds)
            elif params is None:
                sent, adding = query, set()
            else:
                prepares, (sent,), adding = _executables(self.connection, (query,))
                if prepares:
                    sent, alone = f"{prepares[0]}; {sent}", True
            try:
                result = super().execute(sent, params, **kwargs)
            except (psycopg.errors.InvalidSqlStatementName, psycopg.errors.FeatureNotSupported):
                if sent is not query:
                    _forget(self.connection)
                raise
            except Exception:
                if adding:
                    _forget(self.connection)
                raise
            if adding:
                self.connection._prepared.wv_prepared.update(adding)
            if alone:
                self.nextset()
            if self.logged and sent is not query:
                self._query = self._convert_query(query, params)
            return result

    def timezone_of(psycopg_connection):
        return psycopg_connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone

    return PreparedCursor, PreparingCursor, timezone_of


def _one_trip(connection, cursor) -> bool:
    """Whether the statements can go to the database together: PostgreSQL with the client-side
    binding Django uses by default (several statements in one query string). Server-side binding
    (`server_side_binding`) and SQLite take one statement at a time."""
    if connection.vendor != "postgresql":
        return False
    import psycopg

    return isinstance(cursor.cursor, psycopg.ClientCursor)


@contextlib.contextmanager
def _transaction_begun_along(psycopg_connection):
    """`BEGIN` when the statements open their transaction: sent in the same query as them.

    In a transaction (Django's `atomic`) psycopg starts it lazily, with a `BEGIN` of its own in a
    round trip of its own before the first statement: 0.1 ms on loopback, a network's round trip
    where PostgreSQL runs on a host of its own (docs/realtime.md, "Cost of a post"). Here the
    `BEGIN` goes first in the statements' own query, and psycopg, which reads the transaction's
    state from the server after every query, finds it begun. Only for a plain `BEGIN` (no
    isolation level, read-only or deferrable option on the connection): anything else, or a
    psycopg without the flag below, and psycopg begins as it always does. Yields the text to put
    first, or "".
    """
    from psycopg.pq import TransactionStatus

    begins = (
        not psycopg_connection.autocommit
        and psycopg_connection.info.transaction_status == TransactionStatus.IDLE
        and psycopg_connection.isolation_level is None
        and psycopg_connection.read_only is None
        and psycopg_connection.deferrable is None
        and getattr(psycopg_connection, "_autocommit", None) is False
    )
    if not begins:
        yield ""
        return
    # psycopg sends its own BEGIN only when this flag (behind the public `autocommit`) is off;
    # the public setter refuses to change it back once the transaction is open.
    psycopg_connection._autocommit = True
    try:
        yield "BEGIN"
    finally:
        psycopg_connection._autocommit = False


def _prepared_batch(cursor, statements) -> tuple[str | None, set[str]]:
    """For a preparing cursor (_statements_cursor): the text to send for `statements` (the PREPAREs of
    those this connection has not prepared yet, then an EXECUTE for each) and the names it prepares;
    (None, set()) for another cursor."""
    if not isinstance(cursor, _postgresql_parts()[1]):
        return None, set()
    prepares, sent, adding = _executables(cursor.connection, [statement.sql for statement in statements])
    return "; ".join((*prepares, *sent)), adding


def run(*statements: Statement) -> list:
    """Run `statements` in order, in one round trip where the database allows it, and return their
    results. A failing statement fails the call, the later ones do not run, and the surrounding
    transaction is marked for rollback, as a failed `save` leaves it."""
    using = statements[0].using
    if any(statement.using != using for statement in statements):
        raise ValueError("rows.run: every statement on one database")
    connection = connections[using]
    with transaction.mark_for_rollback_on_error(using=using), _statements_cursor(connection) as cursor:
        if len(statements) > 1 and _one_trip(connection, cursor):
            sql, params = "; ".join(s.sql for s in statements), [p for s in statements for p in s.params]
            sent, adding = _prepared_batch(cursor.cursor, statements)
            with _transaction_begun_along(cursor.cursor.connection) as begin:
                query = f"{begin}; {sql}" if begin else sql
                if sent is not None:
                    cursor.cursor.send = (query, f"{begin}; {sent}" if begin else sent, adding)
                cursor.execute(query, params)
            # Past the results of the BEGIN and the PREPAREs the cursor sent, then one per statement.
            leading = getattr(cursor.cursor, "leading", 0)
            for number in range(leading + bool(begin) + len(statements)):
                if number and not cursor.nextset():
                    raise RuntimeError("rows.run: the database answered fewer statements than were sent")
                if number >= leading + bool(begin):
                    statements[number - leading - bool(begin)].read(cursor, connection)
        else:
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                statement.read(cursor, connection)
    return [statement.result for statement in statements]


def insert(instance, *, using: str | None = None):
    """`instance` inserted (`Insert`), on its own."""
    return run(Insert(instance, using=using))[0]


def exists(model, *, null: tuple[str, ...] = (), using: str | None = None, **equal) -> bool:
    """`Exists`, on its own."""
    return run(Exists(model, null=null, using=using, **equal))[0]
