"""A post's numbered writes in one statement (PostgreSQL): the thread's next number, the message and
its event (docs/realtime.md, "Cost of a post").

Sent apart they were three round trips, each a hand-off to the driver and the kernel while the
thread's row is locked. Chained by a data-modifying WITH they are one statement, which goes to the
database in the same round trip as the owner's notice check and the audit chain's head
(`wijkverband.core.rows.run`, `audit_record(along=...)`). SQLite has no data-modifying WITH: there
the post takes the number and inserts the message first, as before (`services._numbered_writes`).
"""

import functools

from django.db import connections

from wijkverband.audit.services import Later
from wijkverband.core import rows
from wijkverband.threads.models import Event, Message, Thread


def possible(using: str) -> bool:
    return connections[using].vendor == "postgresql"


class NumberedPost(rows.Statement):
    """`UPDATE thread SET seq = seq + 1 … RETURNING seq`, then the message and its event with that
    number, in one statement. The UPDATE holds the thread row's lock until the transaction ends,
    as `_take_seq` does, so numbers stay gap-free in commit order.

    `message` and `event` are unsaved, without their number (and the event without its message).
    Both get the model's `pre_save` signals now (the client-data guard) and `post_save` once the
    statement ran, as `rows.Insert` does. `result`: the number. A thread that is gone raises
    Thread.DoesNotExist; a repeated client id raises IntegrityError; either leaves the transaction
    marked for rollback.
    """

    def __init__(self, *, thread: Thread, message: Message, event: Event, now):
        self.thread, self.now = thread, now
        self.message, self.event = rows.Insert(message), rows.Insert(event)
        self.using = self.message.using
        if self.event.using != self.using:
            raise ValueError("NumberedPost: the message and its event on one database")
        for insert in (self.message, self.event):
            if [field.attname for field in insert.returning] != [insert.instance._meta.pk.attname]:
                raise TypeError(f"NumberedPost: {type(insert.instance).__name__} returns more than its id")
        quote = connections[self.using].ops.quote_name
        message_sql, message_params = self.message.select_from("numbered", {"seq": "numbered.seq"})
        event_sql, event_params = self.event.select_from(
            "inserted", {"seq": "inserted.seq", "message_id": f"inserted.{quote(Message._meta.pk.column)}"}
        )
        self.sql, self._columns = _statement(self.using, message_sql, event_sql)
        self.params = [now, thread.pk, *message_params, *event_params]

    def audited(self) -> tuple[Later, Later]:
        """The message's id and number for its audit row, which goes to the database in the same
        round trip (audit_record's `Later`): read back in that row's statement, by the thread's
        number this transaction took, with the thread's row still locked."""
        seq_sql, id_sql = _audited_sql(self.using)
        return Later(id_sql, [self.thread.pk, self.thread.pk]), Later(seq_sql, [self.thread.pk])

    def read(self, cursor, connection):
        row = cursor.fetchone()
        if row is None:
            raise Thread.DoesNotExist
        message_id, seq, event_id = rows.convert_row(row, self._columns, connection)
        message = self.message.finished(id=message_id, seq=seq)
        self.event.instance.message = message
        self.event.finished(id=event_id, seq=seq)
        self.thread.seq = seq
        self.result = seq
        return seq


@functools.cache
def _statement(using: str, message_sql: str, event_sql: str) -> tuple[str, tuple]:
    """The statement's text around the two inserts, and the columns it returns: once per process."""
    quote = connections[using].ops.quote_name
    thread_table, seq, at, pk = (
        quote(Thread._meta.db_table), quote("seq"), quote("last_activity_at"), quote(Thread._meta.pk.column)
    )  # fmt: skip
    columns = tuple(Event._meta.get_field(name).get_col(Event._meta.db_table) for name in ("message", "seq", "id"))
    sql = (
        f"WITH numbered AS (UPDATE {thread_table} SET {seq} = {seq} + 1, {at} = %s"  # noqa: S608 - names from the models
        f" WHERE {pk} = %s RETURNING {seq}),"
        f" inserted AS ({message_sql} RETURNING {quote(Message._meta.pk.column)}, {quote('seq')})"
        f" {event_sql} RETURNING {', '.join(quote(column.target.column) for column in columns)}"
    )
    return sql, columns


@functools.cache
def _audited_sql(using: str) -> tuple[str, str]:
    """The thread's number, and the id of the message that has it (index message_thread_seq)."""
    quote = connections[using].ops.quote_name
    seq = (
        f"SELECT {quote('seq')} FROM {quote(Thread._meta.db_table)}"  # noqa: S608 - names from the models
        f" WHERE {quote(Thread._meta.pk.column)} = %s"
    )
    message_id = (
        f"SELECT {quote(Message._meta.pk.column)} FROM {quote(Message._meta.db_table)}"  # noqa: S608 - names from the models
        f" WHERE {quote(Message._meta.get_field('thread').column)} = %s AND {quote('seq')} = ({seq})"
    )
    return seq, message_id
