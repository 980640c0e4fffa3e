"""Who has a live socket open, and who views which thread, shared by every worker through the
cache (Redis in production).

Each worker refreshes a short-lived key per connected user; a crashed worker's keys expire by
themselves. Used to decide whether a mention also needs an e-mail. Thread viewers: see below.
"""

import json
import logging
import time

from django.core.cache import cache

from wijkverband.core.redis import cache_client

logger = logging.getLogger(__name__)

ONLINE_TTL_SECONDS = 60
REFRESH_SECONDS = 20


def _key(user_id: int) -> str:
    return f"wv:online:{user_id}"


def users_mark_online(user_ids) -> None:
    if not user_ids:
        return
    try:
        cache.set_many({_key(uid): 1 for uid in user_ids}, timeout=ONLINE_TTL_SECONDS)
    except Exception:  # noqa: BLE001 - presence is a hint, not a record
        logger.warning("realtime: could not record presence", exc_info=True)


#: user id -> when (time.monotonic) this process last marked them online on a socket's connect.
_marked_at: dict[int, float] = {}


def online_mark_due(user_id: int) -> bool:
    """A socket of this person opened: True if this process should mark them online, False if it
    did so less than REFRESH_SECONDS ago (their key then lives for at least ONLINE_TTL_SECONDS -
    REFRESH_SECONDS more, and the hub refreshes it every REFRESH_SECONDS while they have a socket
    here). A person's tabs reconnecting together after a restart are marked once, not once per
    tab. The hub writes the marks due, gathered (fanout.Hub.join_user)."""
    now = time.monotonic()
    if now - _marked_at.get(user_id, -REFRESH_SECONDS) < REFRESH_SECONDS:
        return False
    if len(_marked_at) > 100_000:
        _marked_at.clear()  # bounded: at worst some people are marked again
    _marked_at[user_id] = now
    return True


def user_online(user_id: int) -> bool:
    try:
        return bool(cache.get(_key(user_id)))
    except Exception:  # noqa: BLE001 - unknown counts as offline: better an e-mail too many
        return False


# --- who is viewing a thread now (the thread page's presence line) ---------------------------------
#
# One entry per (thread, worker): the worker's hub writes the people whose sockets on that worker
# view the thread, with an expiry time; readers merge the entries of every worker and skip expired
# ones, so a crashed worker's viewers disappear by themselves. With Redis each entry is one field
# of a hash (HSET is atomic: workers never overwrite each other); with another cache (the embedded
# default, a table in the database: one web process, the only one that writes them) the entries live
# in one value.

VIEWERS_TTL_SECONDS = 60
#: At most this many people are named (per worker entry, and in a frame); the rest are counted.
#: Keeps every write, read and frame small when thousands of sockets view one thread.
VIEWERS_NAMED = 50


def _viewers_key(thread_id: int) -> str:
    return f"wv:viewers:{thread_id}"


def _sort_key(user) -> tuple:
    return (user[1].casefold(), user[0])


def thread_viewers_write(entries: dict[int, list], *, worker: str) -> None:
    """Record this worker's viewers per thread: {thread: [[user_id, name, read_only], ...]} (empty: none).

    Each entry keeps the first VIEWERS_NAMED people by name and the number of people.
    """
    if not entries:
        return
    now = time.time()
    slots = {}
    for thread_id, users in entries.items():
        named = sorted(users, key=_sort_key)[:VIEWERS_NAMED]
        slots[thread_id] = {"exp": now + VIEWERS_TTL_SECONDS, "users": named, "n": len(users)} if users else None
    try:
        client = cache_client()
        if client is not None:
            keys = {tid: cache.make_key(_viewers_key(tid)) for tid in entries}
            pipe = client.pipeline(transaction=False)
            for thread_id, slot in slots.items():
                if slot:
                    pipe.hset(keys[thread_id], worker, json.dumps(slot))
                    pipe.expire(keys[thread_id], VIEWERS_TTL_SECONDS)
                else:
                    pipe.hdel(keys[thread_id], worker)
            pipe.execute()
            return
        for thread_id, slot in slots.items():
            key = _viewers_key(thread_id)
            stored = {w: s for w, s in (cache.get(key) or {}).items() if s["exp"] > now and w != worker}
            if slot:
                stored[worker] = slot
            cache.set(key, stored, timeout=VIEWERS_TTL_SECONDS)
    except Exception:  # noqa: BLE001 - presence is a hint, not a record
        logger.warning("realtime: could not record thread viewers", exc_info=True)


def thread_viewers(thread_ids) -> dict[int, dict]:
    """Who views each thread on any worker: {thread: {"users": [{"id", "name", "read_only"}, ...], "more": n}}.

    Users sorted by name, at most VIEWERS_NAMED; `more` counts the others (someone unnamed on two
    workers counts twice: it is "about"). Someone with several tabs is named once; read_only only
    if none of their sockets may post.
    """
    thread_ids = list(thread_ids)
    if not thread_ids:
        return {}
    now = time.time()
    slots_per_thread: dict[int, list] = {}
    try:
        client = cache_client()
        if client is not None:
            keys = [cache.make_key(_viewers_key(tid)) for tid in thread_ids]
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.hgetall(key)
            for thread_id, raw in zip(thread_ids, pipe.execute(), strict=True):
                slots_per_thread[thread_id] = [json.loads(value) for value in raw.values()]
        else:
            stored = cache.get_many([_viewers_key(tid) for tid in thread_ids])
            for thread_id in thread_ids:
                slots_per_thread[thread_id] = list((stored.get(_viewers_key(thread_id)) or {}).values())
    except Exception:  # noqa: BLE001 - unknown: show nobody rather than fail the socket
        logger.warning("realtime: could not read thread viewers", exc_info=True)
        return {}
    result = {}
    for thread_id, slots in slots_per_thread.items():
        merged: dict[int, dict] = {}
        unnamed = 0
        for slot in slots:
            if slot["exp"] <= now:
                continue  # a worker that stopped refreshing (crashed): its viewers are gone
            unnamed += slot.get("n", len(slot["users"])) - len(slot["users"])
            for user_id, name, read_only in slot["users"]:
                seen = merged.get(user_id)
                if seen is None:
                    merged[user_id] = {"id": user_id, "name": name, "read_only": bool(read_only)}
                else:
                    seen["read_only"] = seen["read_only"] and bool(read_only)
        users = sorted(merged.values(), key=lambda u: (u["name"].casefold(), u["id"]))
        result[thread_id] = {"users": users[:VIEWERS_NAMED], "more": unnamed + max(0, len(users) - VIEWERS_NAMED)}
    return result
