"""Ringing the doorbell: services call these after commit to tell the ASGI workers what changed.

The channel layer may drop messages (and Redis may be down): that is fine, the database is the
record and clients catch up by sequence number. So a failure here is logged, never raised into
the service that already committed.
"""

import asyncio
import collections
import contextlib
import json
import logging
import threading
import weakref

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

_held = threading.local()


@contextlib.contextmanager
def held(into: list):
    """Collect this thread's publishes in `into` instead of sending them (the socket's post path).

    A service called from a socket frame runs in a worker thread; sending from there means a hop
    back to the event loop (async_to_sync) while the thread waits. The socket sends what was
    collected itself once the call returns (`send_held`), and hands the events to its own worker's
    hub at once. Nothing is lost if the call raises: whatever committed was collected and is sent.
    """
    previous = getattr(_held, "into", None)
    _held.into = into
    try:
        yield into
    finally:
        _held.into = previous


async def send_held(messages: list, hub=None) -> None:
    """Send what `held` collected, in order; thread events reach `hub`'s own sockets at once.

    The layer's sends go first: the other workers fan out to their sockets while this one forwards
    to its own, instead of after it. A post in a thread with hundreds of readers on this worker
    took milliseconds to forward, and its PUBLISH left only then; the other worker's readers got it
    8 ms after this worker's (bench/realtime/README.md, the pinned layout's median per worker).
    The local forwarding waits for the sends at most PUBLISH_FIRST_SECONDS, so it still happens at
    once with Redis slow or down; the sends finish even if the socket that posted goes away
    meanwhile."""
    layer = get_channel_layer()
    sending = None
    if layer is not None:
        # A team's ring is gathered on this loop (_ring_team), not sent with the post's own messages.
        sent = []
        for group, message in messages:
            if message["type"] == TEAM_RING:
                _ring_team(layer, group, message)
            else:
                sent.append((group, message))
        messages = sent
    if layer is not None and messages:
        sending = asyncio.ensure_future(_send_in_order(layer, messages))
        _sending.add(sending)
        sending.add_done_callback(_sending.discard)
        if hub is not None:
            await asyncio.wait({sending}, timeout=PUBLISH_FIRST_SECONDS)
    if hub is not None:
        for _group, message in messages:
            if message.get("type") == "wv.event":
                hub.dispatch_local(message)
    if sending is not None:
        await asyncio.shield(sending)


#: How long a post's local forwarding waits for its PUBLISH (a round trip to Redis: well under a
#: millisecond; a stalled Redis must not hold up this worker's own sockets).
PUBLISH_FIRST_SECONDS = 0.005

#: Sends under way (the event loop keeps only weak references to tasks).
_sending: set = set()


async def _send_in_order(layer, messages: list) -> None:
    for group, message in messages:
        try:
            await layer.group_send(group, message)
        except Exception:  # noqa: BLE001 - as _send: a committed write is never undone by the doorbell
            logger.warning("realtime: could not publish to %s", group, exc_info=True)


def thread_group(thread_id: int) -> str:
    return f"wv.thread.{thread_id}"


def user_group(user_id: int) -> str:
    return f"wv.user.{user_id}"


def team_group(team_id: int) -> str:
    """The sockets watching a team's list of threads (a thread list page), one member per worker."""
    return f"wv.team.{team_id}"


def _send(group: str, message: dict) -> None:
    into = getattr(_held, "into", None)
    if into is not None:
        into.append((group, message))
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    queue = _ring_team if message["type"] == TEAM_RING else _schedule
    if loop is not None:
        # Called in the event loop's own thread (sync code run inside async code): this thread
        # cannot wait for the send (async_to_sync refuses), so the send is queued on the loop, in
        # call order, and still never raises into the caller.
        queue(layer, group, message)
        return
    main_loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if main_loop is not None and main_loop.is_running():
        # A request's thread under ASGI (a post over HTTP): the server's loop sends it; the request
        # does not wait for that loop, which may be busy with thousands of reconnecting sockets.
        # Sends from one thread are queued in call order.
        main_loop.call_soon_threadsafe(queue, layer, group, message)
        return
    if message["type"] == TEAM_RING:
        message = _team_framed(message)  # no loop to gather rings on (a command, a test): each goes
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # noqa: BLE001 - the doorbell failing must not undo or fail a committed write
        logger.warning("realtime: could not publish to %s", group, exc_info=True)


#: Sends queued on each running loop by `_send`, and the one task that sends them (None when idle).
_outboxes: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Outbox]" = weakref.WeakKeyDictionary()


class _Outbox:
    """One loop's queued sends, sent one after the other by a single task, in the order queued.

    A task per send let two sends race: the second could reach Redis first (a thread's seq 2 before
    seq 1, seen in CI), and every worker's hub then held it until seq 1 came. Sending one at a time
    costs nothing that matters: a request publishes a few events, each one round trip."""

    __slots__ = ("queue", "rings", "task")

    def __init__(self):
        self.queue = collections.deque()
        self.task = None
        # Teams rung in the last TEAM_RING_SECONDS: the ring gathered since (None: nothing yet).
        self.rings: dict[int, dict | None] = {}

    def put(self, layer, group: str, message: dict) -> None:
        self.queue.append((layer, group, message))
        if self.task is None:
            # Kept here until done (the loop keeps only weak references to tasks).
            self.task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self.queue:
                layer, group, message = self.queue.popleft()
                try:
                    await layer.group_send(group, message)
                except Exception:  # noqa: BLE001 - as in _send
                    logger.warning("realtime: could not publish to %s", group, exc_info=True)
        finally:
            self.task = None


def _outbox() -> _Outbox:
    loop = asyncio.get_running_loop()
    outbox = _outboxes.get(loop)
    if outbox is None:
        outbox = _outboxes[loop] = _Outbox()
    return outbox


def _schedule(layer, group: str, message: dict) -> None:
    """In the loop's own thread: queue the send on this loop's outbox."""
    _outbox().put(layer, group, message)


#: The message type of a team's ring (team_activity), and how often one process rings a team.
TEAM_RING = "wv.team"
TEAM_RING_SECONDS = 2.0


def _ring_team(layer, group: str, message: dict) -> None:
    """In the loop's own thread: ring the team's group now, unless this process rang it less than
    TEAM_RING_SECONDS ago; then once at the end of that time, for everything meanwhile.

    A ring for every post was a second PUBLISH on the event loop per post, 0.3 ms of the sender's
    worker CPU (bench/realtime/README.md, the 38th machine). The lists it serves fetch their table
    seconds later anyway (thread_list.js, TEAM_WAIT_MS), once for all activity meanwhile; a team
    chatting all day now costs each process one PUBLISH per team every two seconds."""
    outbox = _outbox()
    team_id = message["team"]
    if team_id in outbox.rings:
        gathered = outbox.rings[team_id]
        outbox.rings[team_id] = message if gathered is None else _team_merged(gathered, message)
        return
    outbox.rings[team_id] = None
    outbox.put(layer, group, _team_framed(message))
    asyncio.get_running_loop().call_later(TEAM_RING_SECONDS, _team_ring_due, outbox, layer, group, team_id)


def _team_ring_due(outbox: _Outbox, layer, group: str, team_id: int) -> None:
    gathered = outbox.rings.pop(team_id, None)
    if gathered is not None:
        _ring_team(layer, group, gathered)


def _team_merged(first: dict, then: dict) -> dict:
    """One ring for two: representatives hear it if either thread is opened to them; it names a
    thread only if both were the same one (a list refetches when it does not follow that thread)."""
    return {
        **then,
        "thread": then["thread"] if then["thread"] == first["thread"] else None,
        "opened": first["opened"] or then["opened"],
    }


def _team_framed(message: dict) -> dict:
    frame = {"type": "team_activity", "team": message["team"], "thread": message["thread"]}
    return {**message, "frame": json.dumps(frame, separators=(",", ":"))}


def thread_event(*, thread_id: int, seq: int, frame: str) -> None:
    """One sequenced event, serialised once; every worker forwards the same text to its sockets."""
    _send(thread_group(thread_id), {"type": "wv.event", "thread": thread_id, "seq": seq, "frame": frame})


def thread_ephemeral(*, thread_id: int, frame: str, exclude_user: int | None = None) -> None:
    """Typing and other unsequenced signals: lost ones are simply lost."""
    _send(
        thread_group(thread_id),
        {"type": "wv.ephemeral", "thread": thread_id, "frame": frame, "exclude_user": exclude_user},
    )


def team_activity(*, team_id: int, thread_id: int, opened: bool) -> None:
    """Something happened in one of the team's threads (a post, an edit, a new thread): the lists
    watching the team fetch their table again (thread_list.js, debounced). Whoever watches, at most
    one ring per team per process every TEAM_RING_SECONDS (`_ring_team`); `opened`: the thread is
    read by client representatives, who are told of nothing else (docs/realtime.md, "Fan-out
    design"). The frame is made when the ring goes, not here in the post's thread."""
    _send(team_group(team_id), {"type": TEAM_RING, "team": team_id, "thread": thread_id, "opened": opened})


def user_push(*, user_id: int, frame: str) -> None:
    _send(user_group(user_id), {"type": "wv.push", "user": user_id, "frame": frame})


def user_sockets_close(*, user_id: int, code: int, session_key: str | None = None, reason: str = "") -> None:
    """Close the user's sockets on every worker (all of them, or those of one session); `reason`, the
    close's reason (codes.SIGNED_OUT_*), says why to the page."""
    message = {"type": "wv.close", "user": user_id, "code": code, "session_key": session_key}
    if reason:
        message["reason"] = reason
    _send(user_group(user_id), message)
