"""Unsequenced thread signals a worker's hub coordinates: who views a thread now, and read-by.

Neither is on the post path, and neither costs a channel-layer message per member:

- Presence. The hub knows which of its sockets view a thread (subscribed with presence). When
  that changes, it writes its entry to the shared store (presence.thread_viewers_write) and rings
  the thread group once with `wv.presence`; every hub following the thread then reads the merged
  list once and forwards one `presence` frame to its viewers, only if the list changed. Reading
  after the ring (rather than sending the list with it) means the last ring always shows the
  latest state, whatever order the rings arrive in. A hub rings at most once per
  PRESENCE_INTERVAL_SECONDS per thread, so a flapping client cannot flood anyone; housekeeping
  rewrites the entries and re-reads the lists (crashed workers' viewers expire).
- Read-by. Read markers moved over the socket are gathered per thread and sent as one
  `read_by` frame per READ_BY_SECONDS through the thread group's `wv.ephemeral` message (the
  frame and people's names come from the stream hooks: wijkverband.realtime.hooks).

The store's reads and writes are gathered (`Gathered`): those asked for while one is on its way
go together in the next, one trip to a worker thread and one pipeline for every thread in it. When
thousands of sockets come back at once (a restart), each one's join asked for a read of its own
and each thread's ring for a write and a read on every worker: a trip to a thread each, 15 % of
the workers' CPU in a storm (docs/realtime.md, "Reconnect storm").
"""

import asyncio
import contextlib
import json
import logging

from asgiref.sync import sync_to_async

from wijkverband.realtime import presence
from wijkverband.realtime.hooks import stream_hooks
from wijkverband.realtime.publish import thread_group

logger = logging.getLogger(__name__)
dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

PRESENCE_INTERVAL_SECONDS = 1.0
#: Rings from several workers that arrive together are answered with one read.
PRESENCE_GATHER_SECONDS = 0.05
READ_BY_SECONDS = 1.0
NOBODY = {"users": [], "more": 0}


def presence_frame(thread_id: int, viewers: dict) -> str:
    return dumps({"type": "presence", "thread": thread_id, "users": viewers["users"], "more": viewers["more"]})


class Gathered:
    """`await gathered(ids)`: `run(ids)` for these ids (threads, people) and those of every caller
    that came while the previous run was on its way, together. Each caller gets the run's whole
    answer (its own ids among the others), or its exception. Runs go one at a time, so a caller's
    run starts after it asked: an answer is never older than the question. `later(ids)` queues the
    ids without waiting for the run (nor hearing of its failure).

    The runs are tasks started with `spawn`, cancelled with the hub; their callers' waits are then
    cancelled too.
    """

    def __init__(self, run, spawn):
        self._run = run
        self._spawn = spawn
        self._waiting: list[tuple[set, asyncio.Future | None]] = []
        self._busy = False

    async def __call__(self, ids):
        answer = asyncio.get_running_loop().create_future()
        self._queue(ids, answer)
        return await answer

    def later(self, ids) -> None:
        self._queue(ids, None)

    def _queue(self, ids, answer) -> None:
        self._waiting.append((set(ids), answer))
        if not self._busy:
            self._busy = True
            self._spawn(self._drain())

    async def _drain(self) -> None:
        batch: list = []
        try:
            await asyncio.sleep(0)  # the callers of this turn of the loop join the first run
            while self._waiting:
                batch, self._waiting = self._waiting, []
                ids = set().union(*(asked for asked, _answer in batch))
                try:
                    result = await self._run(ids)
                except Exception as error:  # noqa: BLE001 - each caller handles it as from its own run
                    for _asked, answer in batch:
                        if answer is not None and not answer.done():
                            answer.set_exception(error)
                else:
                    for _asked, answer in batch:
                        if answer is not None and not answer.done():
                            answer.set_result(result)
                batch = []
        finally:
            self._busy = False
            for _asked, answer in batch + self._waiting:  # cancelled (the hub stops): so are the waits
                if answer is not None:
                    answer.cancel()
            self._waiting = []


class ThreadSignals:
    def __init__(self, hub):
        self.hub = hub
        # thread -> {socket: [user_id, name, read_only]}: this worker's viewers.
        self.viewers: dict[int, dict] = {}
        self.dirty: set[int] = set()
        self.ringing: set[int] = set()
        self.last_ring: dict[int, float] = {}
        self.reading: set[int] = set()
        self.reread: set[int] = set()
        self.sent: dict[int, str] = {}
        self.reads: dict[int, dict[int, dict]] = {}
        self.tasks: set[asyncio.Task] = set()
        self._read = Gathered(self._read_store, self._spawn)
        self._write = Gathered(self._write_store, self._spawn)

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def take_tasks(self) -> list[asyncio.Task]:
        """For Hub.stop(): cancel these with the hub's own tasks."""
        tasks = list(self.tasks)
        self.tasks.clear()
        return tasks

    # --- presence ----------------------------------------------------------------------------------

    async def joined(self, thread_id: int, socket, *, read_only: bool) -> None:
        """A socket now views the thread: answer it with who is there (itself included), ring the others.

        The answer is what the store holds plus this person; this worker's entry is written by the
        ring (at most once a second), so a thousand joins cost a thousand small reads, not writes.
        """
        me = [socket.user_id, stream_hooks().user_name(socket.user), read_only]
        self.viewers.setdefault(thread_id, {})[socket] = me
        self.changed(thread_id)
        viewers = (await self._read([thread_id])).get(thread_id, NOBODY)
        users = viewers["users"]
        more = viewers["more"]
        # This person, and this worker's other viewers while the store names everyone (more == 0):
        # its entry is written by the ring, so someone who joined here a moment before was missing
        # from the answer until the ring's list came (a second later, on a busy worker).
        named = {u["id"] for u in users}
        local = self._local([thread_id])[thread_id] if more == 0 else [me]
        missing = [{"id": i, "name": n, "read_only": bool(r)} for i, n, r in local if i not in named]
        if missing:
            users = sorted([*users, *missing], key=lambda u: (u["name"].casefold(), u["id"]))
            if len(users) > presence.VIEWERS_NAMED:
                users, more = users[: presence.VIEWERS_NAMED], more + len(users) - presence.VIEWERS_NAMED
        local = self.viewers.get(thread_id, {})
        if socket.follows(thread_id) and socket in local:
            frame = presence_frame(thread_id, {"users": users, "more": more})
            socket.enqueue(frame)
            if len(local) == 1:
                self.sent[thread_id] = frame  # what every viewer here has: the ring's reread sends no copy

    def left(self, thread_id: int, socket) -> None:
        sockets = self.viewers.get(thread_id)
        if sockets and sockets.pop(socket, None) is not None:
            if not sockets:
                self.viewers.pop(thread_id, None)
            self.changed(thread_id)

    def changed(self, thread_id: int) -> None:
        self.dirty.add(thread_id)
        if thread_id in self.ringing:
            return
        self.ringing.add(thread_id)
        loop = asyncio.get_running_loop()
        last = self.last_ring.get(thread_id)
        wait = 0.0 if last is None else max(0.0, last + PRESENCE_INTERVAL_SECONDS - loop.time())
        self._spawn(self._ring(thread_id, wait))

    async def _ring(self, thread_id: int, wait: float) -> None:
        try:
            await asyncio.sleep(wait)
            self.dirty.discard(thread_id)
            self.last_ring[thread_id] = asyncio.get_running_loop().time()
            await self._write([thread_id])
            await self.hub.layer.group_send(thread_group(thread_id), {"type": "wv.presence", "thread": thread_id})
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - presence is a hint; housekeeping puts it right
            logger.info("realtime: presence ring for thread %s failed", thread_id, exc_info=True)
        finally:
            self.ringing.discard(thread_id)
        if thread_id in self.dirty:
            self.changed(thread_id)

    def rung(self, thread_id: int) -> None:
        """Another worker (or this one) changed the thread's viewers: read the list once, forward it."""
        if not self.viewers.get(thread_id):
            return
        if thread_id in self.reading:
            self.reread.add(thread_id)
            return
        self.reading.add(thread_id)
        self._spawn(self._reread(thread_id))

    async def _reread(self, thread_id: int) -> None:
        try:
            await asyncio.sleep(PRESENCE_GATHER_SECONDS)
            self.reread.discard(thread_id)
            viewers = await self._read([thread_id])
            if thread_id in viewers:
                self._forward(thread_id, viewers[thread_id])
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001
            logger.info("realtime: presence read for thread %s failed", thread_id, exc_info=True)
        finally:
            self.reading.discard(thread_id)
        if thread_id in self.reread:
            self.rung(thread_id)

    def _forward(self, thread_id: int, viewers: dict) -> bool:
        """Send the list to this worker's viewers of the thread if it changed; True if sent."""
        frame = presence_frame(thread_id, viewers)
        if self.sent.get(thread_id) == frame:
            return False
        self.sent[thread_id] = frame
        for socket in tuple(self.viewers.get(thread_id, ())):
            if socket.follows(thread_id):
                socket.enqueue(frame)
        return True

    def _local(self, thread_ids) -> dict[int, list]:
        entries = {}
        for thread_id in thread_ids:
            users: dict[int, list] = {}
            for user_id, name, read_only in self.viewers.get(thread_id, {}).values():
                seen = users.get(user_id)
                users[user_id] = [user_id, name, read_only and (seen is None or seen[2])]
            entries[thread_id] = list(users.values())
        return entries

    async def _write_store(self, thread_ids) -> None:
        entries = self._local(thread_ids)  # as they are now, when the write goes
        await sync_to_async(presence.thread_viewers_write, thread_sensitive=False)(entries, worker=self.hub.channel)

    async def _read_store(self, thread_ids) -> dict[int, dict]:
        return await sync_to_async(presence.thread_viewers, thread_sensitive=False)(thread_ids)

    async def refresh(self) -> None:
        """Housekeeping: renew this worker's entries, forward lists that changed (expired workers)."""
        watched = list(self.viewers)
        for thread_id in [t for t in self.sent if t not in self.viewers]:
            self.sent.pop(thread_id, None)
            self.last_ring.pop(thread_id, None)
        if not watched:
            return
        await self._write(watched)
        lists = await self._read(watched)
        for thread_id in watched:
            if thread_id in lists:
                self._forward(thread_id, lists[thread_id])

    # --- read-by -----------------------------------------------------------------------------------

    def read(self, thread_id: int, user, seq: int) -> None:
        """Someone's read marker moved (over the socket): tell the thread's viewers, gathered."""
        pending = self.reads.setdefault(thread_id, {})
        seen = pending.get(user.pk)
        if seen is None or seq > seen["seq"]:
            pending[user.pk] = {"id": user.pk, "name": stream_hooks().user_name(user), "seq": seq}
        if seen is None and len(pending) == 1:
            self._spawn(self._send_reads(thread_id))

    async def _send_reads(self, thread_id: int) -> None:
        await asyncio.sleep(READ_BY_SECONDS)
        readers = list(self.reads.pop(thread_id, {}).values())
        if not readers:
            return
        frame = stream_hooks().read_by_frame(thread_id, readers)
        with contextlib.suppress(Exception):  # ephemeral: a lost one only delays a "read by" line
            await self.hub.layer.group_send(
                thread_group(thread_id), {"type": "wv.ephemeral", "thread": thread_id, "frame": frame}
            )
