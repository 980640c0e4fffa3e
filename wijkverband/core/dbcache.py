"""The cache of the embedded default (no REDIS_URL, as `make run`): a table in the app's database,
which every process reads.

`make run` runs two processes, the web server and the task worker (docs/work.md). With a
local-memory cache each kept its own: the worker never saw who had a page open
(realtime/presence.py), and mailed a mention to someone who was reading that thread at that
moment. In the database every process sees what another wrote, as with Redis in production, and
there is nothing else to install. Every `migrate` creates the table (`table_ensure`, a post_migrate
receiver), with REDIS_URL set too: a database migrated with Redis may be served without it later
(`make run`). `manage.py createcachetable` creates it where it is the cache.

Django's database cache, with what our code relies on made to hold across processes and threads:

- `add` (the sent-once tokens of core/once.py, allauth's locks, a rate limit's new window) gives a
  key once. A missing key: the key's primary key refuses the second INSERT. A key whose row is
  still there but expired: it is taken over by an UPDATE that holds only while the row is still
  expired, so of two adds at once the second finds it live and fails (Django's add read the row,
  found it expired and wrote over it in both, on PostgreSQL; SQLite's write lock, taken as the
  transaction begins, kept it from happening there).
- `incr` (the rate limits, core/ratelimit.py): Django's is a get and then a set, each on its own:
  two hits at the same moment both read 4 and both wrote 5, and the counter got the default
  timeout in place of its own. Here it is one transaction that holds the row (SQLite's write lock,
  PostgreSQL's FOR UPDATE) and changes the value only.
- `get` of a key that expired deletes it only while it is still expired: Django's deleted the key
  whatever it held by then, so an online mark another process wrote in between was lost.
- `MAX_ENTRIES` (settings): past it Django deletes a third of the keys, live ones too (an online
  mark, a sent-once token); the setting keeps that far above what a demo holds.
"""

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import DatabaseError, connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(db.DatabaseCache):
    def _expires(self, connection, value):
        """A row's `expires` as Django's cache reads it (aware or naive, per USE_TZ and database)."""
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value

    def _loads(self, connection, value):
        return pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))  # noqa: S301 - ours

    def _dumps(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def get_many(self, keys, version=None):
        if not keys:
            return {}
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        connection = connections[router.db_for_read(self.cache_model_class)]
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('cache_key')}, {qn('value')}, {qn('expires')} FROM {qn(self._table)} "  # noqa: S608
                f"WHERE {qn('cache_key')} IN ({', '.join(['%s'] * len(key_map))})",
                list(key_map),
            )
            rows = cursor.fetchall()
        now = tz_now()
        result, expired = {}, []
        for key, value, expires in rows:
            if self._expires(connection, expires) < now:
                expired.append(key)
            else:
                result[key_map[key]] = self._loads(connection, value)
        if expired:
            self._expired_delete(expired)
        return result

    def _expired_delete(self, keys) -> None:
        """Delete those of `keys` that are still expired (not those another process wrote since)."""
        connection = connections[router.db_for_write(self.cache_model_class)]
        qn = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {qn(self._table)} WHERE {qn('cache_key')} IN ({', '.join(['%s'] * len(keys))}) "  # noqa: S608
                f"AND {qn('expires')} < %s",
                [*keys, now],
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store `value` under `key` unless a live value is there; True when it was stored."""
        cache_key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        name = router.db_for_write(self.cache_model_class)
        connection = connections[name]
        qn = connection.ops.quote_name
        table = qn(self._table)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            count = cursor.fetchone()[0]
            if count > self._max_entries:
                self._cull(name, cursor, now, count)  # as Django's set and add do
            try:
                with transaction.atomic(using=name):
                    # An expired row is taken over only while it is still expired: an add that
                    # took it a moment ago (this UPDATE waited for its row lock) leaves it live.
                    cursor.execute(
                        f"UPDATE {table} SET {qn('value')} = %s, {qn('expires')} = %s "  # noqa: S608
                        f"WHERE {qn('cache_key')} = %s AND {qn('expires')} < %s",
                        [self._dumps(value), expires, cache_key, connection.ops.adapt_datetimefield_value(now)],
                    )
                    if cursor.rowcount == 1:
                        return True
                    cursor.execute(
                        f"INSERT INTO {table} ({qn('cache_key')}, {qn('value')}, {qn('expires')}) "  # noqa: S608
                        "VALUES (%s, %s, %s)",
                        [cache_key, self._dumps(value), expires],
                    )
            except DatabaseError:
                return False  # the key is there and live (its primary key refused the INSERT)
        return True

    def incr(self, key, delta=1, version=None):
        """Add `delta` to the value of `key`, in one transaction that holds its row; its expiry stays."""
        cache_key = self.make_and_validate_key(key, version=version)
        name = router.db_for_write(self.cache_model_class)
        connection = connections[name]
        qn = connection.ops.quote_name
        # SQLite has no FOR UPDATE: its transaction (IMMEDIATE) holds the write lock from its start.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=name), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('value')}, {qn('expires')} FROM {qn(self._table)} WHERE {qn('cache_key')} = %s{lock}",  # noqa: S608
                [cache_key],
            )
            row = cursor.fetchone()
            if row is None or self._expires(connection, row[1]) < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = self._loads(connection, row[0]) + delta
            cursor.execute(
                f"UPDATE {qn(self._table)} SET {qn('value')} = %s WHERE {qn('cache_key')} = %s",  # noqa: S608
                [self._dumps(value), cache_key],
            )
        return value


def table_ensure(sender, using="default", **kwargs) -> None:
    """post_migrate: the embedded default's cache table (settings.EMBEDDED_CACHE_TABLE), whatever
    cache this process has, and that of any other database cache configured; nothing for a table
    that is there.

    Not only when this process's cache is that table (`createcachetable` alone looks no further):
    a database migrated with REDIS_URL set had no table, and the server started on it later
    without REDIS_URL (make run's) answered 500 at sign-in until `manage.py createcachetable`.
    An empty table costs a database with Redis nothing."""
    from django.core.cache import caches
    from django.core.cache.backends.db import BaseDatabaseCache
    from django.core.management import call_command

    tables = {settings.EMBEDDED_CACHE_TABLE}
    tables |= {caches[alias]._table for alias in settings.CACHES if isinstance(caches[alias], BaseDatabaseCache)}
    call_command("createcachetable", *sorted(tables), database=using, verbosity=0)
