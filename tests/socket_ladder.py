"""The WebSocket ladder: every socket action, climbed by every persona, each with its expected answer.

The socket's twin of tests/ladder.py. A test module defines `SOCKET_LADDER = [SocketRung(...), ...]`
and parametrises a test with `socket_ladder_params(SOCKET_LADDER)` calling `climb_socket(...)`;
tests/test_socket_ladder_coverage.py fails when a frame type the socket handles has no rung, or a
rung skips one of REQUIRED_PERSONAS.

A rung is one client frame sent to one thread (a function of the world: a team-A topic, a thread
of team B, a thread id that does not exist ...). Each persona's expected answer is one of:

- `refused`: the socket is closed at once with 4001, sign in again (anonymous only, before any frame);
- `subscribed` (and may post: shown to the others as a writer) or `subscribed:read_only`;
- `ack`, `read`, `unsubscribed`: the frame's answer;
- `typing:seen`: the typing signal reached another subscriber (the typist gets no answer);
- `present` or `present:read_only`: a `presence` frame (the page is in view again) was answered
  with who is there, the persona among them (as a writer, or reading along);
- `error:<code>`: an error frame with that code; the socket stays open. `not_found` is checked to
  be exactly what a thread that does not exist answers.

Every climb also checks the state behind the answer: a refused post wrote nothing and took no
sequence number, an accepted one wrote exactly one message; a read marker moved only when read;
a subscription streams the next live event, a refused one nothing of the thread (no event, no
presence); typing reached another subscriber or nobody; after unsubscribe nothing streams.

Speed: the sockets live on one event loop for the whole ladder (`LadderLoop`), one per person,
reused from climb to climb (each climb leaves its socket unsubscribed), and the world is built
once. Nothing sleeps: awaited frames are awaited with a timeout, and "nothing arrived" is a round
trip: the hub hands an event or a typing signal to all of its sockets at once, so once a
bystander's socket got it, a barrier frame on the persona's socket shows whether it got it too.
"""

import asyncio
import concurrent.futures
import contextlib
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django_scopes import scopes_disabled

from tests.ladder import REQUIRED_PERSONAS
from tests.personas import World
from tests.realtime.helpers import Session
from wijkverband.realtime.codes import SIGNED_OUT

SUBSCRIBED = "subscribed"
SUBSCRIBED_READ_ONLY = "subscribed:read_only"
ACK = "ack"
READ = "read"
UNSUBSCRIBED = "unsubscribed"
TYPING_SEEN = "typing:seen"
PRESENT = "present"
PRESENT_READ_ONLY = "present:read_only"
REFUSED = "refused"
NOT_FOUND = "error:not_found"
FORBIDDEN = "error:forbidden"
INVALID = "error:invalid"

#: An id no thread has, used for round trips: `unsubscribe` answers it at once and touches nothing.
BARRIER_THREAD = 2**62
ORIGIN = b"http://localhost"
#: A socket may send FRAME_BURST (40) frames at once: a climb sends at most 7, so a socket is
#: replaced before it could be rate limited.
FRAMES_PER_SOCKET = 28


def socket_frame_types(handlers=None) -> set[str]:
    """The client -> server frame types the socket handles (or those of another handler table).

    The one place the ladder learns them: re-point it here when the handlers move.
    """
    if handlers is None:
        from wijkverband.realtime.consumers import HANDLERS as handlers
    return set(handlers)


@dataclass(frozen=True)
class SocketRung:
    frame: str  # the client frame type sent ("subscribe", "post", "read", "typing", "presence", "unsubscribe")
    thread: Callable[["SocketWorld"], int]  # the thread id it targets
    expect: dict[str, str]  # persona -> expected answer (see the module docstring)
    # Subscribe to the thread first (typing, presence and unsubscribe are about a subscription).
    subscribed_first: bool = False

    @property
    def name(self) -> str:
        return f"{'subscribe+' if self.subscribed_first else ''}{self.frame}-{self.thread.__name__}"


def socket_ladder_params(ladder: list[SocketRung]):
    return [pytest.param(rung, persona, id=f"{rung.name}-{persona}") for rung in ladder for persona in rung.expect]


# --- the meta-test's checks (tests/test_socket_ladder_coverage.py) ---------------------------------

ANSWERS = {
    REFUSED,
    SUBSCRIBED,
    SUBSCRIBED_READ_ONLY,
    ACK,
    READ,
    UNSUBSCRIBED,
    TYPING_SEEN,
    PRESENT,
    PRESENT_READ_ONLY,
} | {f"error:{code}" for code in ("forbidden", "not_found", "invalid", "too_large", "rate_limited")}


def socket_ladder_gaps(frame_types: Iterable[str], rungs: Iterable[SocketRung], required=REQUIRED_PERSONAS) -> list:
    """What the socket ladder misses: frame types without rungs, rungs skipping a key persona,
    rungs for frames the socket does not handle, answers the ladder does not know."""
    rungs, frame_types = list(rungs), set(frame_types)
    gaps = [f"frame type {t!r} has no rung" for t in sorted(frame_types - {rung.frame for rung in rungs})]
    gaps += [
        f"{rung.name} lacks personas {sorted(required - set(rung.expect))}"
        for rung in rungs
        if required - set(rung.expect)
    ]
    gaps += [
        f"{rung.name} sends {rung.frame!r}, which the socket does not handle"
        for rung in rungs
        if rung.frame not in frame_types
    ]
    gaps += [
        f"{rung.name}: {persona} expects {answer!r}, which is no answer the ladder knows"
        for rung in rungs
        for persona, answer in rung.expect.items()
        if answer not in ANSWERS or (persona == "anonymous") != (answer == REFUSED)
    ]
    return gaps


# --- one event loop for the whole ladder ----------------------------------------------------------


class LadderLoop:
    """An event loop in a thread of its own, kept for many tests, so that sockets stay open between them.

    It runs inside async_to_sync, as tests.realtime.loop.run does: the socket's database calls go
    to that one helper thread (thread-sensitive), and what services publish on commit reaches
    this loop's hub.
    """

    def __init__(self):
        # The ladder's own reads and writes: one thread that keeps its database connection.
        self._db = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="socket-ladder-db")
        self._ready = threading.Event()
        self._thread = threading.Thread(target=async_to_sync(self._main), name="socket-ladder-loop", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the socket ladder's event loop did not start")

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._jobs: asyncio.Queue = asyncio.Queue()
        self._ready.set()
        while (job := await self._jobs.get()) is not None:
            make, done = job
            # Created here, so the task runs in the context async_to_sync set up.
            task = asyncio.ensure_future(make())
            task.add_done_callback(lambda t, done=done: _settle(done, t))
        from wijkverband.realtime import fanout

        hub = fanout._hubs.get(self.loop)
        if hub is not None:
            await hub.stop()

    def run(self, make: Callable, timeout: float = 30.0):
        """Run make() (a coroutine function) on the loop; its result, or its exception raised here."""
        done: concurrent.futures.Future = concurrent.futures.Future()
        self.loop.call_soon_threadsafe(self._jobs.put_nowait, (make, done))
        return done.result(timeout)

    async def db(self, fn, *args):
        """fn(*args) in the ladder's database thread (what services publish on commit reaches this loop).

        Unscoped, like all test code: the ladder's own checks read any team's rows; the sockets
        under test enforce their scope themselves."""

        def unscoped():
            with scopes_disabled():
                return fn(*args)

        return await sync_to_async(unscoped, thread_sensitive=False, executor=self._db)()

    def close(self) -> None:
        from django.db import connections

        self._db.submit(connections.close_all).result(10)
        self._db.shutdown()
        self.loop.call_soon_threadsafe(self._jobs.put_nowait, None)
        self._thread.join(10)


def _settle(done: concurrent.futures.Future, task: asyncio.Task) -> None:
    if task.cancelled():
        done.cancel()
    elif task.exception() is not None:
        done.set_exception(task.exception())
    else:
        done.set_result(task.result())


class _Socket(Session):
    def __init__(self, communicator):
        super().__init__(communicator)
        self.sent = 0
        self.following: set[int] = set()  # watchers: the threads they follow

    async def send(self, frame) -> None:
        self.sent += 1
        await super().send(frame)


class Sockets:
    """The open sockets of the ladder, one per person, through the real ASGI stack
    (config.asgi: Origin check, session cookie)."""

    def __init__(self, cookies: dict[int, bytes]):
        self.cookies = cookies
        self.open: dict[int, _Socket] = {}

    async def of(self, user) -> _Socket:
        socket = self.open.get(user.pk)
        if socket is not None and socket.sent > FRAMES_PER_SOCKET:
            await self.discard(user)
            socket = None
        if socket is None:
            socket = self.open[user.pk] = await self.connect(self.cookies[user.pk])
        return socket

    async def connect(self, cookie: bytes | None) -> _Socket:
        from config.asgi import application

        headers = [(b"origin", ORIGIN)] + ([(b"cookie", cookie)] if cookie else [])
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        connected, code = await communicator.connect(timeout=3)
        socket = _Socket(communicator)
        socket.refused = None if connected else code
        return socket

    async def discard(self, user) -> None:
        socket = self.open.pop(user.pk, None)
        if socket is not None:
            await _close(socket)

    async def close_all(self) -> None:
        sockets, self.open = list(self.open.values()), {}
        for socket in sockets:
            await _close(socket)


async def _close(socket: Session) -> None:
    # A receive that timed out has ended the socket's application already (its future is cancelled).
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await socket.close()


@dataclass
class SocketWorld:
    """The personas' world (tests.personas) plus what the socket ladder climbs on."""

    world: World
    threads: dict[str, object]  # name -> Thread
    missing_thread_id: int
    bystanders: dict[int, object]  # team id -> a member of that team who is no persona of the ladder
    loop: LadderLoop
    sockets: Sockets
    layer: object  # the channel layer of the ladder's hub (new_channel_layer())

    def persona(self, name: str):
        return self.world.persona(name)


def new_channel_layer():
    """A channel layer of the ladder's own (none made by anything before it)."""
    channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)
    return get_channel_layer()


def signed_in_cookies(users: Iterable) -> dict[int, bytes]:
    """A signed-in session per person (as a browser keeps its cookie), as Cookie headers by user id."""
    from tests.realtime.helpers import signed_in_session

    return {user.pk: f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}".encode() for user in users}


# --- climbing ----------------------------------------------------------------------------------------


def climb_socket(rung: SocketRung, persona: str, sw: SocketWorld) -> None:
    # The layer of the ladder's hub, whatever a fixture did between tests (tests/realtime/conftest.py
    # gives each test a new one): what services publish must reach the hub the sockets hang on.
    channel_layers.backends[DEFAULT_CHANNEL_LAYER] = sw.layer
    climb = _Climb(sw, persona, rung)
    try:
        sw.loop.run(climb.anonymous if persona == "anonymous" else getattr(climb, rung.frame))
    except BaseException:
        # A climb that failed half-way may have left its sockets anywhere (a timed-out receive
        # even ends the socket): the next climb starts with new ones.
        sw.loop.run(sw.sockets.close_all)
        raise


def _outcome(frame: dict, ok: str) -> str:
    return f"error:{frame['code']}" if frame["type"] == "error" else ok


def _of_thread(frames: list[dict], thread_id: int, *types: str) -> list[dict]:
    return [f for f in frames if f["type"] in types and f.get("thread") == thread_id]


class _Climb:
    def __init__(self, sw: SocketWorld, persona: str, rung: SocketRung):
        from wijkverband.threads.models import Thread

        self.sw = sw
        self.persona = persona
        self.user = sw.persona(persona)
        self.rung = rung
        self.expected = rung.expect[persona]
        self.thread_id = rung.thread(sw)
        self.thread = Thread.objects.filter(pk=self.thread_id).first()
        self.bystander = sw.bystanders[self.thread.team_id] if self.thread is not None else None
        self.where = f"{persona} {rung.name} (thread {self.thread_id})"

    def check(self, outcome: str, answer) -> None:
        assert outcome == self.expected, f"{self.where}: expected {self.expected}, got {outcome}: {answer}"

    # --- sockets ---

    async def socket(self) -> _Socket:
        return await self.sw.sockets.of(self.user)

    async def watcher(self) -> _Socket | None:
        """The bystander (a member of the thread's team) following the thread, without presence."""
        if self.thread is None:
            return None
        watcher = await self.sw.sockets.of(self.bystander)
        if self.thread_id not in watcher.following:
            frame = {"type": "subscribe", "thread": self.thread_id, "after": None, "presence": False}
            await self.request(watcher, frame, "subscribed")
            watcher.following.add(self.thread_id)
        return watcher

    async def request(self, socket: _Socket, frame: dict, answer: str, ref=None) -> dict:
        """Send a frame; its answer (type `answer` for this thread or client id, or an error with this ref)."""
        ref = frame["thread"] if ref is None else ref
        await socket.send(frame)
        while True:
            got = await socket.recv()
            if got["type"] == answer and (got.get("thread") == frame["thread"] or got.get("client_id") == ref):
                return got
            if got["type"] == "error" and got.get("ref") == ref:
                return got
            assert got["type"] != "__closed__", f"{self.where}: the socket closed: {got}"

    async def subscribe_first(self, socket: _Socket, *, presence: bool = True) -> bool:
        """Subscribe first if the rung says so (from the head, as the thread page does); whether it was accepted."""
        if not self.rung.subscribed_first:
            return False
        head = await self.sw.loop.db(_head, self.thread_id)
        frame = {"type": "subscribe", "thread": self.thread_id, "after": head, "presence": presence}
        return (await self.request(socket, frame, "subscribed"))["type"] == "subscribed"

    async def leave(self, socket: _Socket) -> None:
        """Leave the socket as the climb found it: following nothing."""
        await self.request(socket, {"type": "unsubscribe", "thread": self.thread_id}, "unsubscribed")

    async def barrier(self, socket: _Socket) -> list[dict]:
        """Everything the socket was sent before a round trip made now."""
        await socket.send({"type": "unsubscribe", "thread": BARRIER_THREAD})
        frames = []
        while True:
            got = await socket.recv()
            if got["type"] == "unsubscribed" and got["thread"] == BARRIER_THREAD:
                return frames
            frames.append(got)

    async def bystander_posts(self) -> int:
        """A message by the thread's bystander (something new to stream or to read); its seq."""

        def write():
            from wijkverband.threads import services
            from wijkverband.threads.models import Thread

            thread = Thread.objects.get(pk=self.thread_id)
            result = services.message_post(
                actor=self.bystander, thread=thread, body=f"Van de buren ({self.where})", client_id=str(uuid.uuid4())
            )
            return result.ack["seq"]

        return await self.sw.loop.db(write)

    async def same_as_missing(self, socket: _Socket, frame: dict, answer: dict, ref_key: str = "thread") -> None:
        """A thread the persona may not see answers exactly like one that does not exist."""
        if self.thread is None or answer.get("code") != "not_found":
            return
        probe = {**frame, "thread": self.sw.missing_thread_id}
        ref = self.sw.missing_thread_id
        if ref_key == "client_id":
            probe["client_id"] = ref = str(uuid.uuid4())
        missing = await self.request(socket, probe, answer="error", ref=ref)

        def strip(f):
            return {k: v for k, v in f.items() if k != "ref"}

        assert strip(answer) == strip(missing), f"{self.where}: {answer} differs from a missing thread's {missing}"

    # --- the rungs ---

    async def anonymous(self) -> None:
        """No session: accepted and closed at once with 4001 ("sign in again"), before any frame."""
        socket = await self.sw.sockets.connect(None)
        if socket.refused is None:
            first = await socket.c.receive_output(3)
            socket.refused = first.get("code") if first["type"] == "websocket.close" else first
        if socket.refused != SIGNED_OUT:
            await _close(socket)
        self.check(
            REFUSED if socket.refused == SIGNED_OUT else f"not closed with 4001 ({socket.refused})", socket.refused
        )

    async def subscribe(self) -> None:
        watcher = await self.watcher()
        socket = await self.socket()
        frame = {"type": "subscribe", "thread": self.thread_id, "after": None}
        await socket.send(frame)
        # The replay of everything after `after`, then the answer and (presence) who is there.
        frames = [await socket.recv()]
        while not _of_thread(frames, self.thread_id, "subscribed") and frames[-1].get("ref") != self.thread_id:
            frames.append(await socket.recv())
        answer = frames[-1]
        frames += await self.barrier(socket)
        if answer["type"] == "subscribed":
            viewers = _of_thread(frames, self.thread_id, "presence")
            me = [u for f in viewers for u in f["users"] if u["id"] == self.user.pk]
            assert me, f"{self.where}: no presence frame naming the subscriber: {viewers}"
            self.check(SUBSCRIBED_READ_ONLY if me[0]["read_only"] else SUBSCRIBED, answer)
            head = await self.sw.loop.db(_head, self.thread_id)
            assert answer["seq"] == head, f"{self.where}: subscribed at {answer['seq']}, head is {head}"
            replayed = [f["seq"] for f in _of_thread(frames, self.thread_id, "event")]
            assert replayed == list(range(1, head + 1)), f"{self.where}: replayed {replayed} of {head}"
        else:
            self.check(_outcome(answer, SUBSCRIBED), answer)
            leaked = _of_thread(frames, self.thread_id, "event", "presence", "read_by", "typing")
            assert not leaked, f"{self.where}: a refused subscription sent {leaked}"
            await self.same_as_missing(socket, frame, answer)
        if watcher is not None:
            # The next live event streams to the persona only if the subscription was accepted.
            seq = await self.bystander_posts()
            await watcher.until("event", thread=self.thread_id, seq=seq)
            streamed = [f["seq"] for f in _of_thread(await self.barrier(socket), self.thread_id, "event")]
            assert streamed == ([seq] if answer["type"] == "subscribed" else []), f"{self.where}: got {streamed}"
        await self.leave(socket)

    async def post(self) -> None:
        before = await self.sw.loop.db(_thread_state, self.thread_id)
        socket = await self.socket()
        client_id = str(uuid.uuid4())
        frame = {"type": "post", "thread": self.thread_id, "client_id": client_id, "body": f"Ladder: {self.where}"}
        answer = await self.request(socket, frame, "ack", ref=client_id)
        self.check(_outcome(answer, ACK), answer)
        await self.same_as_missing(socket, frame, answer, ref_key="client_id")
        after = await self.sw.loop.db(_thread_state, self.thread_id)
        written = await self.sw.loop.db(_messages_with, client_id)
        if answer["type"] == "ack":
            # Exactly one message, with the next number of the thread's sequence and its event.
            assert written == [(answer["message"], self.user.pk, self.thread_id, answer["seq"])], written
            assert after == (before[0] + 1, before[1] + 1, before[2] + 1), f"{self.where}: {before} -> {after}"
            assert answer["seq"] == after[0], answer
        else:
            assert written == [], f"{self.where}: a refused post wrote {written}"
            assert after == before, f"{self.where}: a refused post changed the thread {before} -> {after}"

    async def read(self) -> None:
        head = await self.sw.loop.db(_head, self.thread_id)
        before = await self.sw.loop.db(_marker, self.user, self.thread_id)
        if self.thread is not None and (head == 0 or (before is not None and before >= head)):
            head = await self.bystander_posts()  # something new to read: a read marker only moves forward
        socket = await self.socket()
        frame = {"type": "read", "thread": self.thread_id, "seq": max(head, 1)}
        answer = await self.request(socket, frame, "read")
        self.check(_outcome(answer, READ), answer)
        await self.same_as_missing(socket, frame, answer)
        after = await self.sw.loop.db(_marker, self.user, self.thread_id)
        if answer["type"] == "read":
            assert answer["seq"] == head, answer
            assert after == head and (before is None or before < head), f"{self.where}: marker {before} -> {after}"
        else:
            assert after == before, f"{self.where}: a refused read moved the marker {before} -> {after}"

    async def typing(self) -> None:
        watcher = await self.watcher()
        socket = await self.socket()
        await self.subscribe_first(socket)
        frame = {"type": "typing", "thread": self.thread_id}
        await socket.send(frame)
        # Accepted typing has no answer: a round trip shows whether an error came back.
        frames = await self.barrier(socket)
        errors = [f for f in frames if f["type"] == "error" and f.get("ref") == self.thread_id]
        if errors:
            self.check(_outcome(errors[0], TYPING_SEEN), errors[0])
            await self.same_as_missing(socket, frame, errors[0])
            if watcher is not None:
                # Nobody saw it: the watcher's next live event comes with no typing of this person before it.
                seq = await self.bystander_posts()
                seen = []
                while (got := await watcher.recv())["type"] != "event" or got["seq"] != seq:
                    seen.append(got)
                leaked = [f for f in _of_thread(seen, self.thread_id, "typing") if f["user"]["id"] == self.user.pk]
                assert not leaked, f"{self.where}: refused typing reached {leaked}"
        else:
            assert watcher is not None, f"{self.where}: typing on a thread that does not exist was accepted"
            me = {"id": self.user.pk, "name": self.user.name}
            try:
                seen = await watcher.until("typing", thread=self.thread_id, user=me, timeout=2.0)
            except TimeoutError:
                seen = None
            self.check(TYPING_SEEN if seen else "typing:lost (no error, and nobody saw it)", frames)
            echoed = _of_thread(frames + await self.barrier(socket), self.thread_id, "typing")
            assert not echoed, f"{self.where}: the typist got its own typing back: {echoed}"
        await self.leave(socket)

    async def presence(self) -> None:
        socket = await self.socket()
        # Subscribed as a page in the background (not shown), then in view: shown, and told who is there.
        await self.subscribe_first(socket, presence=False)
        frame = {"type": "presence", "thread": self.thread_id, "presence": True}
        await socket.send(frame)
        frames = await self.barrier(socket)
        errors = [f for f in frames if f["type"] == "error" and f.get("ref") == self.thread_id]
        if errors:
            self.check(_outcome(errors[0], PRESENT), errors[0])
            await self.same_as_missing(socket, frame, errors[0])
            leaked = _of_thread(frames, self.thread_id, "presence")
            assert not leaked, f"{self.where}: a refused presence was told who is there: {leaked}"
        else:
            viewers = _of_thread(frames, self.thread_id, "presence")
            me = [u for f in viewers for u in f["users"] if u["id"] == self.user.pk]
            assert me, f"{self.where}: no presence frame naming the persona: {frames}"
            self.check(PRESENT_READ_ONLY if me[-1]["read_only"] else PRESENT, frames)
            # Away again: no answer, and no error.
            await socket.send({**frame, "presence": False})
            frames = await self.barrier(socket)
            assert not [f for f in frames if f["type"] == "error"], f"{self.where}: going away was refused: {frames}"
        await self.leave(socket)

    async def unsubscribe(self) -> None:
        watcher = await self.watcher()
        socket = await self.socket()
        subscribed = await self.subscribe_first(socket)
        answer = await self.request(socket, {"type": "unsubscribe", "thread": self.thread_id}, "unsubscribed")
        self.check(_outcome(answer, UNSUBSCRIBED), answer)
        if subscribed:
            # Nothing streams any more (a refused subscription streamed nothing to begin with: see subscribe).
            seq = await self.bystander_posts()
            await watcher.until("event", thread=self.thread_id, seq=seq)
            streamed = _of_thread(await self.barrier(socket), self.thread_id, "event", "typing")
            assert not streamed, f"{self.where}: still streaming after unsubscribe: {streamed}"


# --- the synchronous side ----------------------------------------------------------------------------


def _head(thread_id: int) -> int:
    from wijkverband.threads.models import Thread

    return Thread.objects.filter(pk=thread_id).values_list("seq", flat=True).first() or 0


def _thread_state(thread_id: int) -> tuple[int, int, int]:
    """(sequence head, messages, events) of a thread: all three move together, or none does."""
    from wijkverband.threads.models import Event, Message

    return (
        _head(thread_id),
        Message.objects.filter(thread_id=thread_id).count(),
        Event.objects.filter(thread_id=thread_id).count(),
    )


def _messages_with(client_id: str) -> list[tuple]:
    from wijkverband.threads.models import Message

    return list(Message.objects.filter(client_id=client_id).values_list("pk", "author_id", "thread_id", "seq"))


def _marker(user, thread_id: int) -> int | None:
    from wijkverband.threads.models import ReadMarker

    return ReadMarker.objects.filter(user=user, thread_id=thread_id).values_list("seq", flat=True).first()
