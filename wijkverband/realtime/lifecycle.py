"""When a live socket must stop: rights that changed, and the session behind it ending.

Two halves:

- Services call the `*_on_commit` helpers inside their transaction. After commit they ring the
  doorbell (never raising: the committed change stands even when Redis is down).
  - A person's rights changed (membership role or removal, region role, account deactivated):
    that person's sockets are closed on every worker; the client reconnects and re-subscribes
    under the new rights, and threads it lost answer `not_found`.
  - A thread's readers changed (closed to representatives, escalation ended): one `wv.revoke`
    to the thread's group. Each worker holds that thread's live events for its sockets, re-reads
    the rights of each person following it (once per person) and then either drops the
    subscription with `not_found` or goes on (with the new posting right), losing nothing.
- Each socket watches its session with one timer set at the session's expiry. When it fires the
  session is read again from the store: extended by a request in another tab means a new timer;
  expired, deleted or no longer matching the account (password changed) closes the socket with
  4001, like signing out.
"""

import asyncio
import functools
import logging
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from wijkverband.core import rows
from wijkverband.realtime import codes, publish
from wijkverband.realtime.hooks import stream_hooks
from wijkverband.realtime.pools import on_socket_pool

logger = logging.getLogger(__name__)

#: Checked this long after the stored expiry, so the session is really past it.
EXPIRY_MARGIN_SECONDS = 0.5
#: When the session store cannot be read (database down), try again after this long.
RETRY_SECONDS = 30.0


# --- publishing (services, inside their transaction) ---------------------------------------------


def user_rights_changed_on_commit(*user_ids: int) -> None:
    """After commit, close these people's sockets so they reconnect under their new rights."""
    ids = sorted({uid for uid in user_ids if uid is not None})

    def ring():
        for user_id in ids:
            publish.user_sockets_close(user_id=user_id, code=codes.RIGHTS_CHANGED)

    if ids:
        transaction.on_commit(ring)


def user_signed_out_on_commit(user_id: int, *, reason: str = "") -> None:
    """After commit, close every socket of this person for good (account deactivated, password changed:
    `reason` codes.SIGNED_OUT_PASSWORD_CHANGED)."""
    transaction.on_commit(lambda: publish.user_sockets_close(user_id=user_id, code=codes.SIGNED_OUT, reason=reason))


def thread_access_changed_on_commit(thread_id: int) -> None:
    """After commit, make every socket following this thread re-check that it may still read it."""
    transaction.on_commit(lambda: thread_revoke(thread_id=thread_id))


def thread_revoke(*, thread_id: int) -> None:
    publish._send(publish.thread_group(thread_id), {"type": "wv.revoke", "thread": thread_id})


# --- the hub side: re-checking a thread's subscriptions ------------------------------------------

MESSAGE_TYPES = frozenset({"wv.revoke"})


def dispatch(hub, message: dict) -> None:
    """Called by the worker's hub for the message types above."""
    thread_id = message["thread"]
    held = [h for h in (_hold(socket, thread_id) for socket in tuple(hub.threads.get(thread_id, ()))) if h]
    if held:
        _spawn(_recheck(held))


def _hold(socket, thread_id: int):
    """Hold the subscription's live events from now on, until its rights have been read again."""
    sub = socket.subs.get(thread_id)
    if sub is None:
        return None
    mine = sub.buffer is None  # else a replay is running: it delivers what waits when it ends
    if mine:
        sub.buffer = []
    return thread_id, socket, sub, mine


async def _recheck(held: list) -> None:
    wanted = {(thread_id, socket.user_id): socket.user for thread_id, socket, _sub, _mine in held}
    try:
        rights = await on_socket_pool(_rights_per_user)(wanted)
    except Exception:  # noqa: BLE001 - cannot tell: safer to make the sockets reconnect and ask again
        logger.warning("realtime: could not re-check subscriptions; closing those sockets", exc_info=True)
        for _thread_id, socket, _sub, _mine in held:
            socket.close_soon(codes.RIGHTS_CHANGED)
        return
    for thread_id, socket, sub, mine in held:
        if socket.subs.get(thread_id) is not sub:
            continue  # unsubscribed or subscribed again (with a fresh check) meanwhile
        allowed = rights.get((thread_id, socket.user_id))
        if allowed is None:
            socket.subs.pop(thread_id, None)
            socket.hub.leave_thread(thread_id, socket)
            socket.error("not_found", "No such thread.", ref=thread_id)
            continue
        sub.can_post = allowed.can_post
        socket.rights_read_at = 0.0  # the next post reads its rights from the database
        if mine:
            buffered, sub.buffer = sub.buffer or [], None
            for seq, text in sorted(buffered):
                socket.deliver(thread_id, seq, text)


def _rights_per_user(wanted: dict) -> dict:
    """{(thread id, user id): user} -> {(thread id, user id): StreamAccess, or None when not readable}."""
    return stream_hooks().recheck(wanted)


# --- the session watch: one timer per socket -----------------------------------------------------

_STOPPED = object()
_tasks: set = set()


def _spawn(coro) -> None:
    task = asyncio.get_running_loop().create_task(coro)
    _tasks.add(task)  # keep a reference until it is done
    task.add_done_callback(_tasks.discard)


#: An expiry that could not be read (the session store did not answer).
UNKNOWN = object()


def session_watch(socket, expiry=UNKNOWN) -> None:
    """Start watching the socket's session: a timer at `expiry` (read at connect), or, when it is
    not known, a first check right away learns it."""
    if not socket.session_key:
        return
    socket.session_timer = None
    if expiry is UNKNOWN or expiry is None:
        _spawn(_session_check(socket, checked_before=False))
        return
    _keep_expiry(socket, expiry)
    delay = max(0.0, (expiry - timezone.now()).total_seconds()) + EXPIRY_MARGIN_SECONDS
    socket.session_timer = asyncio.get_running_loop().call_later(delay, _session_due, socket)


def session_unwatch(socket) -> None:
    timer = getattr(socket, "session_timer", None)
    if timer is not None and timer is not _STOPPED:
        timer.cancel()
    socket.session_timer = _STOPPED


#: Posting or typing on a socket is activity, like a page request: it extends the session's idle
#: expiry, at most this often (two queries), so nobody is signed out in the middle of a discussion.
#: With an idle age under twice this, at most every half idle age (`touch_interval`).
TOUCH_EVERY_SECONDS = 300.0


def touch_interval(idle_age: float) -> float:
    """How often a socket's activity extends the session, at most: TOUCH_EVERY_SECONDS, or half the
    idle age if that is shorter. With a fixed 5 minutes, someone posting now and then under a
    short idle age (SESSION_IDLE_SECONDS=300, say) was signed out mid-discussion."""
    return min(TOUCH_EVERY_SECONDS, idle_age / 2)


def touch_due(*, since_touched: float, remaining: float | None, idle_age: float) -> bool:
    """Whether activity now extends the session: not when this socket extended it less than an
    interval ago, nor while its known expiry (`remaining` seconds away, read at the handshake or
    the last check; None: not known) says it was renewed less than an interval ago, by the page
    that opened the socket, say. So a post a person sends soon after opening a thread costs no
    session write (an UPDATE with a commit of its own, and about 0.4 ms of the worker's CPU).
    A session given a longer life of its own (`set_expiry`; the app gives none) is extended once
    its expiry is as near as this rule says, so it lasts at least as long as an ordinary one."""
    interval = touch_interval(idle_age)
    if since_touched < interval:
        return False
    return remaining is None or remaining <= idle_age - interval


def _keep_expiry(socket, expiry: datetime) -> None:
    """Keep the session's expiry on the socket for `touch_due`, when the store keeps it exactly (a
    database-backed one: its row's expiry). Other stores only say the idle age from now
    (`_session_read`), which would read a session renewed long ago as renewed now."""
    if _exact_expiry(settings.SESSION_ENGINE):
        socket.session_expires_at = expiry


@functools.cache
def _exact_expiry(engine: str) -> bool:
    return hasattr(import_module(engine).SessionStore, "get_model_class")


def session_touch(socket) -> None:
    """The person is active on this socket: extend the session (throttled, in the background)."""
    if not socket.session_key:
        return
    now = asyncio.get_running_loop().time()
    expires_at = getattr(socket, "session_expires_at", None)
    if not touch_due(
        since_touched=now - getattr(socket, "session_touched_at", float("-inf")),
        remaining=None if expires_at is None else (expires_at - timezone.now()).total_seconds(),
        idle_age=settings.SESSION_COOKIE_AGE,
    ):
        return
    socket.session_touched_at = now
    _spawn(_session_touch(socket))


async def _session_touch(socket) -> None:
    try:
        await on_socket_pool(session_extend)(socket.session_key, socket.user_id)
    except Exception:  # noqa: BLE001 - the session watch reads the store again anyway
        logger.warning("realtime: could not extend a session", exc_info=True)


def session_extend(session_key: str, user_id: int) -> bool:
    """Save the session again (a new idle expiry), if it still signs this person in.

    With Django's database store: the session read as the handshake reads it, then one UPDATE of
    its expiry alone, which changes nothing if the session ended meanwhile; both written out once
    and prepared (wijkverband.core.rows). Through the store (`load` and `save`: two reads, and an
    UPDATE of the data and the expiry in a transaction of its own, each built by the ORM) it took
    1.8-2.3 ms of the worker's CPU, as much as the post it follows, against 0.35-0.4 ms now. A
    person who posts now and then pays it with a post whose session was last renewed more than
    an interval ago (`touch_due`; docs/realtime.md, "Cost of a post"). Other stores are saved
    through the store, as before.
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends import cached_db, db

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # (cached_db keeps a copy in the cache: it saves itself)
    if not isinstance(store, db.SessionStore) or isinstance(store, cached_db.SessionStore):
        data = store.load()  # an ended session loads as {} with no key: then nothing is saved
        if store.session_key is None or data.get(SESSION_KEY) != str(user_id):
            return False
        store.modified = True
        store.save()
        return True
    data, _expiry = _session_read(session_key)
    if not data or data.get(SESSION_KEY) != str(user_id):
        return False
    store._session_cache = data  # the expiry as `save` would set it (the session's own, if it has one)
    sql, field = _session_extend_sql(store.model)
    now = timezone.now()
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(
            sql,
            [
                field.get_db_prep_value(store.get_expiry_date(), connection),
                session_key,
                field.get_db_prep_value(now, connection),
            ],
        )
        return cursor.rowcount == 1


@functools.cache
def _session_extend_sql(model) -> tuple[str, object]:
    meta, quote = model._meta, connection.ops.quote_name
    key, expiry = meta.get_field("session_key"), meta.get_field("expire_date")
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {quote(expiry.column)} = %s"  # noqa: S608 - names from the model
        f" WHERE {quote(key.column)} = %s AND {quote(expiry.column)} > %s"
    )
    return sql, expiry


def _session_due(socket) -> None:
    if socket.session_timer is not _STOPPED:
        socket.session_timer = None
        _spawn(_session_check(socket))


async def _session_check(socket, checked_before: bool = True) -> None:
    try:
        expiry = await on_socket_pool(session_expiry)(socket.session_key, socket.user_id)
    except Exception:  # noqa: BLE001 - the store is unreachable: do not sign anyone out for that
        logger.warning("realtime: could not read a session; trying again later", exc_info=True)
        delay, checked_before = RETRY_SECONDS, False  # (and no rights re-check on a failing database)
    else:
        if expiry is None:
            if socket.session_timer is not _STOPPED:
                socket.close_soon(codes.SIGNED_OUT)
            return
        _keep_expiry(socket, expiry)
        delay = max(0.0, (expiry - timezone.now()).total_seconds()) + EXPIRY_MARGIN_SECONDS
    if socket.session_timer is _STOPPED or socket.closing is not None:
        return
    if checked_before and socket.subs:
        # A backstop for a lost doorbell (the channel layer delivers at most once): the rights
        # behind this socket's subscriptions are read again at least once per session age.
        held = [h for h in (_hold(socket, thread_id) for thread_id in tuple(socket.subs)) if h]
        if held:
            _spawn(_recheck(held))
    socket.session_timer = asyncio.get_running_loop().call_later(delay, _session_due, socket)


def session_expiry(session_key: str, user_id: int) -> datetime | None:
    """When this session expires, or None if it has ended or no longer signs this person in.

    With a database-backed store the stored expiry is exact; with other stores the session is
    re-read after at most its idle age.
    """
    from django.contrib.auth import SESSION_KEY, get_user_model

    data, expiry = _session_read(session_key)
    if not data or data.get(SESSION_KEY) != str(user_id):
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not _hash_matches(user, data):
        return None
    return expiry


def session_user(session_key: str):
    """(the person this session signs in, when it expires), or (None, None): the socket's handshake.

    What Channels' SessionMiddleware and AuthMiddleware answer (django.contrib.auth.get_user: the
    session's backend, the user it returns, an active account, the password hash stored in the
    session), read once: with our session engine one query for the session and the user
    (accounts.sessions.session_and_user), else one for each; the expiry comes from the same row, so
    the connect checks need not read the session again (session_expiry). Unlike get_user it does
    not delete a session whose hash no longer matches; the socket is refused, and the next page
    request ends that session as before.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
    from django.core.exceptions import ValidationError

    engine = import_module(settings.SESSION_ENGINE)
    joined = getattr(engine, "session_and_user", None)  # our engine's: the person read with the session
    if joined is not None:
        data, expiry, read = joined(engine.SessionStore(session_key))
    else:
        (data, expiry), read = _session_read(session_key), None
    if not data:
        return None, None
    backend_path = data.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None, None
    try:
        user_id = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
    except (KeyError, ValidationError):
        return None, None
    backend = load_backend(backend_path)
    if not stock_get_user(backend):
        user = backend.get_user(user_id)  # None for an inactive account
    elif joined is not None and read is not engine.NOT_READ:
        user = read  # read with the session
    else:
        user = _user_read(user_id)  # what ModelBackend.get_user reads, written out
    if user is None or not user.is_active or not _hash_matches(user, data):
        return None, None
    return user, expiry


def _session_read(session_key: str) -> tuple[dict | None, datetime | None]:
    """(the session's data, its expiry), or (None, None) for a session that does not exist or has ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if store.session_key is None:
        return None, None  # not even the shape of a session key: nothing to read
    model = getattr(store, "model", None)
    now = timezone.now()
    if model is not None:
        sql, columns = _session_query(model)
        row = _read_row(sql, [session_key, now], columns)
        if row is None:
            return None, None
        session_data, expire_date = row
        return store.decode(session_data), expire_date
    data = store.load()
    return data, now + timedelta(seconds=store.get_expiry_age())


# --- the handshake's two reads, written out ----------------------------------------------------
#
# A reconnect storm reads a session and a user for every socket. Built with the ORM each read cost
# about 350 µs of the worker's CPU (making the queryset and compiling it, more than running it);
# written out once per process from the models' table and column names, and with the ORM's own
# converters applied to what comes back, the two take under half of that
# (docs/realtime.md, "Reconnect storm"). tests/realtime/test_reconnect.py compares them with the ORM.


@functools.cache
def _session_query(model) -> tuple[str, tuple]:
    meta, quote = model._meta, connection.ops.quote_name
    key, data, expiry = (meta.get_field(name) for name in ("session_key", "session_data", "expire_date"))
    sql = (
        f"SELECT {quote(data.column)}, {quote(expiry.column)} FROM {quote(meta.db_table)}"  # noqa: S608 - names from the model
        f" WHERE {quote(key.column)} = %s AND {quote(expiry.column)} > %s"
    )
    return sql, (data.get_col(meta.db_table), expiry.get_col(meta.db_table))


@functools.cache
def _user_query() -> tuple[str, tuple, tuple[str, ...]]:
    from django.contrib.auth import get_user_model

    meta, quote = get_user_model()._meta, connection.ops.quote_name
    fields = meta.concrete_fields
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in fields)} FROM {quote(meta.db_table)}"  # noqa: S608 - as above
        f" WHERE {quote(meta.pk.column)} = %s"
    )
    return sql, tuple(field.get_col(meta.db_table) for field in fields), tuple(field.attname for field in fields)


def _read_row(sql: str, params: list, columns: tuple) -> tuple | None:
    """One row of `sql`, each value converted as the ORM converts that column (dates on SQLite)."""
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else rows.convert_row(row, columns, connection)


def stock_get_user(backend) -> bool:
    """The backend reads the user as ModelBackend does: the default manager's row by primary key,
    refused when inactive (allauth's backend inherits it). Only then may a written-out read (or the
    session engine's joined one, accounts/sessions.py) stand in for `backend.get_user`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.db.models import Manager

    manager = get_user_model()._default_manager
    return (
        getattr(type(backend), "get_user", None) is ModelBackend.get_user
        and getattr(type(backend), "user_can_authenticate", None) is ModelBackend.user_can_authenticate
        and type(manager).get_queryset is Manager.get_queryset
    )


def _user_read(user_id):
    """ModelBackend.get_user(user_id) in one written-out query: the user, or None (none, or inactive)."""
    from django.contrib.auth import get_user_model

    sql, columns, attnames = _user_query()
    row = _read_row(sql, [user_id], columns)
    if row is None:
        return None
    user = get_user_model().from_db(connection.alias, attnames, row)
    return user if user.is_active else None


def _hash_matches(user, data: dict) -> bool:
    """The session was made with the account's current password (or a fallback secret's hash)."""
    from django.contrib.auth import HASH_SESSION_KEY
    from django.utils.crypto import constant_time_compare

    stored_hash = data.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash()]
    fallback = getattr(user, "get_session_auth_fallback_hash", None)
    if fallback is not None:
        hashes.extend(fallback())
    return any(constant_time_compare(stored_hash, h) for h in hashes)
