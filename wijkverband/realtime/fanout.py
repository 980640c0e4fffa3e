"""The per-worker fan-out: each worker joins a thread's channel-layer group once, however many of
its sockets follow that thread, and writes every event (serialised once, by the publisher) to
those sockets' own bounded queues.

So a post costs one channel-layer message per worker, not one per socket (what a stock Channels
consumer does), and a slow socket only ever fills its own queue.

The hub also keeps each thread's stream in order and without gaps: the channel layer may drop a
message or deliver two out of order (they are published from different transactions), so events
ahead of the next expected number wait briefly, and missing ones are read from the database.
"""

import asyncio
import contextvars
import logging
import weakref

from channels.layers import get_channel_layer

from wijkverband.core import metrics
from wijkverband.core.logging import REQUEST_ID
from wijkverband.realtime import codes, lifecycle, presence
from wijkverband.realtime.ephemeral import Gathered, ThreadSignals
from wijkverband.realtime.frames import ws_frame
from wijkverband.realtime.hooks import stream_hooks
from wijkverband.realtime.pools import on_hub_pool, on_subscribe_pool
from wijkverband.realtime.publish import team_group, thread_group, user_group

logger = logging.getLogger(__name__)

#: How long an event that arrived ahead of a missing one waits before the hub reads the gap from the database.
REORDER_WAIT_SECONDS = 0.05
#: Every so often the hub compares the database's sequence numbers with what it forwarded (dropped doorbells).
HEADS_CHECK_SECONDS = 5.0
SWEEP_SECONDS = 60.0


class Hub:
    def __init__(self):
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.threads: dict[int, set] = {}
        self.users: dict[int, set] = {}
        self.teams: dict[int, set] = {}  # sockets watching a team's list of threads (watch_team)
        # Next sequence number expected per thread, and events that came early.
        self.expected: dict[int, int] = {}
        self.early: dict[int, dict[int, str]] = {}
        # Per thread, the highest seq a socket of this worker posted (forwarded before the layer's copy).
        self.local: dict[int, int] = {}
        self.filling: set[int] = set()
        self._groups: set[str] = set()
        # Held by the housekeeping that leaves or rejoins groups; joins run concurrently beside each
        # other (after a restart a worker joins a group per thread, each a Redis round trip: one at
        # a time, a thousand threads' subscribes waited for each other) but never beside it.
        self._group_lock = asyncio.Lock()
        self._joining: dict[str, asyncio.Future] = {}
        self._start_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self.degraded = False
        # Presence and read-by (wijkverband.realtime.ephemeral): off the event path.
        self.signals = ThreadSignals(self)
        # Who has a socket open here (presence.online_mark_due): written off the handshake, the
        # people who connect while one write is on its way together in the next.
        self._spawned: set[asyncio.Task] = set()
        self._online = Gathered(self._mark_online, self._spawn)

    # --- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        if self.channel is not None:
            return
        async with self._start_lock:
            if self.channel is not None:
                return
            self.channel = await self.layer.new_channel(prefix="wv-hub.")
            loop = asyncio.get_running_loop()
            # Started by some socket, but working for all: its log lines say "hub", not that
            # socket's request id.
            context = contextvars.copy_context()
            context.run(REQUEST_ID.set, "hub")
            self._tasks = [
                loop.create_task(self._read(), context=context),
                loop.create_task(self._housekeeping(), context=context),
            ]

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._spawned.add(task)
        task.add_done_callback(self._spawned.discard)

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks + self.signals.take_tasks() + list(self._spawned), []
        self._spawned.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            # Let the cancellations finish while the loop still runs: a task left to the loop's
            # shutdown can wait forever on a channel-layer receive.
            await asyncio.wait(tasks, timeout=2)
        self.channel = None

    # --- membership --------------------------------------------------------------------------------

    async def _group_add(self, group: str) -> None:
        if group in self._groups:
            return
        if group not in self._joining and self._group_lock.locked():
            async with self._group_lock:  # a sweep or a recovery first
                pass
            if group in self._groups:
                return
        joining = self._joining.get(group)
        if joining is None:
            # Registered before any await: a sweep that starts now waits for it (_joins_settled).
            joining = self._joining[group] = asyncio.ensure_future(self._join(group))
        await asyncio.shield(joining)

    async def _join(self, group: str) -> None:
        try:
            try:
                await self.layer.group_add(group, self.channel)
            except Exception:  # noqa: BLE001 - Redis down: the socket still works (database catch-up)
                logger.warning("realtime: could not join %s; joining again when Redis is back", group)
                self.degraded = True
            self._groups.add(group)  # _recover joins every known group again
        finally:
            self._joining.pop(group, None)

    async def _joins_settled(self) -> None:
        """Wait for the joins in flight (under _group_lock: no new one starts meanwhile)."""
        if self._joining:
            await asyncio.gather(*list(self._joining.values()), return_exceptions=True)

    async def join_thread(self, thread_id: int, socket) -> None:
        """Join the thread's group (once per worker) before the socket's replay starts."""
        await self.start()
        sockets = self.threads.setdefault(thread_id, set())
        if socket not in sockets:
            sockets.add(socket)
            metrics.SUBSCRIPTIONS.inc()
        await self._group_add(thread_group(thread_id))
        if thread_id not in self.expected:
            heads = await on_subscribe_pool(_thread_heads, page=socket.page)([thread_id])
            # Joined first, then read the head: every later event reaches this worker.
            self.expected.setdefault(thread_id, heads.get(thread_id, 0) + 1)

    def known_head(self, thread_id: int) -> int | None:
        """The last seq this worker forwarded of a thread it follows, or None when it cannot vouch for it.

        A socket that joined the thread here (join_thread) receives every event after it from this
        hub, live or filled in from the database (a dropped doorbell, within HEADS_CHECK_SECONDS),
        exactly like the worker's other sockets of that thread; so a subscribe whose client has
        this seq already needs no replay and no database read. None while the channel layer is
        down or a gap is being filled: then the subscribe reads the database as before.
        """
        expected = self.expected.get(thread_id)
        if expected is None or self.degraded or thread_id in self.filling or self.early.get(thread_id):
            return None
        return expected - 1

    def leave_thread(self, thread_id: int, socket) -> None:
        sockets = self.threads.get(thread_id)
        if sockets is not None and socket in sockets:
            sockets.discard(socket)
            metrics.SUBSCRIPTIONS.dec()
        self.signals.left(thread_id, socket)

    async def join_user(self, user_id: int, socket) -> None:
        await self.start()
        sockets = self.users.setdefault(user_id, set())
        if socket not in sockets:
            sockets.add(socket)
            metrics.SOCKETS_OPEN.inc()
        if presence.online_mark_due(user_id):
            self._online.later([user_id])
        await self._group_add(user_group(user_id))

    async def join_team(self, team_id: int, socket) -> None:
        """Join the team's group (once per worker): its `wv.team` messages reach the socket."""
        await self.start()
        self.teams.setdefault(team_id, set()).add(socket)
        await self._group_add(team_group(team_id))

    def leave_team(self, team_id: int, socket) -> None:
        sockets = self.teams.get(team_id)
        if sockets is not None:
            sockets.discard(socket)

    async def _mark_online(self, user_ids) -> None:
        # The handshake wrote this in the connect pool, a Redis round trip per person while the next
        # socket waited for the thread: 3 % of the workers' CPU in a storm, one write per person.
        await on_hub_pool(presence.users_mark_online)(sorted(user_ids))

    def leave_user(self, user_id: int, socket) -> None:
        sockets = self.users.get(user_id)
        if sockets is not None and socket in sockets:
            sockets.discard(socket)
            metrics.SOCKETS_OPEN.dec()

    # --- receiving from the channel layer --------------------------------------------------------

    async def _read(self) -> None:
        backoff = 0.2
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - Redis down: keep trying, catch up from the database after
                if not self.degraded:
                    logger.warning(
                        "realtime: channel layer unavailable; sockets catch up when it returns", exc_info=True
                    )
                self.degraded = True
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            backoff = 0.2
            try:
                self.dispatch(message)
            except Exception:  # noqa: BLE001 - one bad message must not stop the worker's fan-out
                logger.exception("realtime: could not dispatch %r", message.get("type"))

    def dispatch(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "wv.event":
            self._event(message["thread"], message["seq"], message["frame"])
        elif kind == "wv.ephemeral":
            exclude = message.get("exclude_user")
            for socket in tuple(self.threads.get(message["thread"], ())):
                if socket.user_id != exclude and socket.follows(message["thread"]):
                    socket.enqueue(message["frame"])
        elif kind == "wv.presence":
            self.signals.rung(message["thread"])
        elif kind == "wv.team":
            # Activity in a thread of the team: to the sockets watching it that may read that thread
            # (a representative's only when it is opened to them). One frame, made by the publisher.
            team_id, opened = message["team"], message.get("opened", False)
            for socket in tuple(self.teams.get(team_id, ())):
                if opened or socket.teams.get(team_id):
                    socket.enqueue(message["frame"])
        elif kind == "wv.push":
            for socket in tuple(self.users.get(message["user"], ()) if "user" in message else ()):
                socket.enqueue(message["frame"])
        elif kind == "wv.close":
            user_id = message.get("user")
            for socket in tuple(self.users.get(user_id, ())):
                if not message.get("session_key") or message["session_key"] == socket.session_key:
                    socket.close_soon(message.get("code", codes.RECONNECT), message.get("reason", ""))
        elif kind in lifecycle.MESSAGE_TYPES:
            lifecycle.dispatch(self, message)

    def dispatch_local(self, message: dict) -> None:
        """An event a socket of this worker just committed: to this worker's sockets now.

        The layer's copy of it comes back later and finds it forwarded; the order and gap rules
        are those of every event (an early one waits for the missing one).
        """
        thread_id, seq = message["thread"], message["seq"]
        if thread_id in self.expected:
            self.local[thread_id] = max(seq, self.local.get(thread_id, 0))
        self._event(thread_id, seq, message["frame"])

    def _event(self, thread_id: int, seq: int, frame: str) -> None:
        expected = self.expected.get(thread_id)
        if expected is None:
            return  # nobody here follows this thread (any more)
        if seq < expected:
            if seq <= self.local.get(thread_id, 0):
                return  # the layer's copy of an event forwarded when it was posted here
            # Already forwarded, or older than this worker's join: sockets drop what they have.
            self._forward(thread_id, seq, frame)
            return
        if seq > expected:
            self.early.setdefault(thread_id, {})[seq] = frame
            if thread_id not in self.filling:
                self.filling.add(thread_id)
                asyncio.get_running_loop().create_task(self._fill_later(thread_id))
            return
        self._forward(thread_id, seq, frame)
        self.expected[thread_id] = seq + 1
        self._flush_early(thread_id)

    def _flush_early(self, thread_id: int) -> None:
        early = self.early.get(thread_id)
        while early:
            nxt = self.expected[thread_id]
            frame = early.pop(nxt, None)
            if frame is None:
                for seq in [s for s in early if s < nxt]:
                    early.pop(seq)
                break
            self._forward(thread_id, nxt, frame)
            self.expected[thread_id] = nxt + 1

    def _forward(self, thread_id: int, seq: int, frame: str) -> None:
        sockets = self.threads.get(thread_id)
        if not sockets:
            return
        framed = ws_frame(frame.encode())  # framed once for every socket of this worker
        metrics.DELIVERIES.inc(len(sockets))
        for socket in tuple(sockets):
            socket.deliver(thread_id, seq, frame, framed)

    async def _fill_later(self, thread_id: int) -> None:
        try:
            await asyncio.sleep(REORDER_WAIT_SECONDS)
            if self.early.get(thread_id):
                await self.fill(thread_id)
        finally:
            self.filling.discard(thread_id)

    async def fill(self, thread_id: int, upto: int | None = None) -> None:
        """Read what this worker missed of a thread from the database and forward it in order."""
        expected = self.expected.get(thread_id)
        if expected is None:
            return
        frames = await on_hub_pool(_event_frames)(thread_id, expected - 1, upto)
        if frames:
            metrics.GAP_FILLS.inc()
            metrics.GAP_FILLED_EVENTS.inc(len(frames))
        for seq, frame in frames:
            if seq == self.expected.get(thread_id):
                self._forward(thread_id, seq, frame)
                self.expected[thread_id] = seq + 1
        self._flush_early(thread_id)

    # --- housekeeping ------------------------------------------------------------------------------

    async def _housekeeping(self) -> None:
        ticks = 0
        presence_every = max(1, int(presence.REFRESH_SECONDS // HEADS_CHECK_SECONDS))
        sweep_every = max(1, int(SWEEP_SECONDS // HEADS_CHECK_SECONDS))
        while True:
            await asyncio.sleep(HEADS_CHECK_SECONDS)
            ticks += 1
            # Each step on its own: with Redis down, the database check must still deliver.
            await self._step(self._check_heads)
            if self.degraded:
                await self._step(self._recover)
            if ticks % presence_every == 0:
                online = [uid for uid, sockets in self.users.items() if sockets]
                await self._step(on_hub_pool(presence.users_mark_online), online)
                await self._step(self.signals.refresh)
            if ticks % sweep_every == 0:
                await self._step(self._sweep)

    async def _step(self, step, *args) -> None:
        try:
            await step(*args)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - try again next round
            logger.warning("realtime: housekeeping step %s failed", getattr(step, "__name__", step), exc_info=True)

    async def _recover(self) -> None:
        """The channel layer is back (maybe empty after a restart): join every group again."""
        async with self._group_lock:
            await self._joins_settled()
            for group in list(self._groups):
                await self.layer.group_add(group, self.channel)
        self.degraded = False
        logger.info("realtime: channel layer is back; catching up from the database")

    async def _check_heads(self) -> None:
        followed = [tid for tid, sockets in self.threads.items() if sockets]
        if not followed:
            return
        heads = await on_hub_pool(_thread_heads)(followed)
        for thread_id, head in heads.items():
            if head >= self.expected.get(thread_id, head + 1) and thread_id not in self.filling:
                await self.fill(thread_id, upto=head)

    async def _sweep(self) -> None:
        """Leave the groups of threads, users and teams nobody on this worker follows any more."""
        idle = [tid for tid, sockets in self.threads.items() if not sockets]
        idle_users = [uid for uid, sockets in self.users.items() if not sockets]
        idle_teams = [tid for tid, sockets in self.teams.items() if not sockets]
        async with self._group_lock:
            await self._joins_settled()
            for thread_id in idle:
                if not self.threads.get(thread_id):
                    self.threads.pop(thread_id, None)
                    self.expected.pop(thread_id, None)
                    self.early.pop(thread_id, None)
                    self.local.pop(thread_id, None)
                    self._groups.discard(thread_group(thread_id))
                    await self.layer.group_discard(thread_group(thread_id), self.channel)
            for user_id in idle_users:
                if not self.users.get(user_id):
                    self.users.pop(user_id, None)
                    self._groups.discard(user_group(user_id))
                    await self.layer.group_discard(user_group(user_id), self.channel)
            for team_id in idle_teams:
                if not self.teams.get(team_id):
                    self.teams.pop(team_id, None)
                    self._groups.discard(team_group(team_id))
                    await self.layer.group_discard(team_group(team_id), self.channel)


def _thread_heads(thread_ids):
    return stream_hooks().heads(list(thread_ids))


def _event_frames(thread_id, after, upto):
    return stream_hooks().frames_after(thread_id, after, upto)


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """The hub of this worker (one per event loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub()
    return hub
