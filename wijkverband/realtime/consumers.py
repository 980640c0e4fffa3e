"""The live socket at /ws/ (protocol: docs/realtime.md, DESIGN.md section 5).

A plain ASGI application rather than a Channels consumer class: it needs no channel of its own
(the worker's hub receives for every socket), and it owns a bounded outgoing queue written by
one writer task, so a slow client never holds up the fan-out or anyone else.
"""

import asyncio
import collections
import contextlib
import contextvars
import json
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_scopes import scope as data_scope

from wijkverband.core import metrics
from wijkverband.core.errors import ActionRefused
from wijkverband.core.logging import REQUEST_ID, request_id_from
from wijkverband.realtime import codes, lifecycle, publish
from wijkverband.realtime.auth import LANGUAGE, SESSION_COOKIE
from wijkverband.realtime.fanout import get_hub
from wijkverband.realtime.frames import ws_frame
from wijkverband.realtime.hooks import connect_refusal, session_ended_why, stream_hooks
from wijkverband.realtime.pools import (
    ClientGone,
    on_connect_pool,
    on_post_pool,
    on_socket_pool,
    on_subscribe_pool,
    page_rank,
)

logger = logging.getLogger(__name__)

# Read once at import; tests change the module attributes.
MAX_FRAME_BYTES = settings.REALTIME_MAX_FRAME_BYTES
FRAMES_PER_SECOND = settings.REALTIME_FRAMES_PER_SECOND
FRAME_BURST = settings.REALTIME_FRAME_BURST
QUEUE_LIMIT = settings.REALTIME_QUEUE_LIMIT
MAX_SUBSCRIPTIONS = settings.REALTIME_MAX_SUBSCRIPTIONS
#: Teams one socket may watch (watch_team): a thread list page watches its own.
MAX_TEAMS = 5
TYPING_INTERVAL_SECONDS = 3.0
CLOSE_GRACE_SECONDS = 1.0
# Rights used for posts are re-read from the database at least this often (and on every subscribe).
RIGHTS_TTL_SECONDS = 5.0

dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _server_protocol(send):
    """uvicorn's WebSocket protocol behind `send` (through Channels' session wrapper), or None.

    With it, an event frame that was framed once by the hub can be written straight to this
    socket's transport when nothing is queued for it: no writer-task wake-up and no per-socket
    framing. Anything else (daphne, the test communicator) uses the ASGI send path only.
    """
    for _ in range(4):
        owner = getattr(send, "__self__", None)
        if owner is None:
            return None
        if all(hasattr(owner, name) for name in ("transport", "writable", "conn", "close_sent", "handshake_complete")):
            return owner
        send = getattr(owner, "real_send", None)
    return None


def _in_background(scope) -> bool:
    """The client's hint that its page is not in view: `background=1` in the query string. Anything
    else (no hint, another value) is a page in view, as every page was before the hint."""
    return b"background=1" in scope.get("query_string", b"").split(b"&")


def _writing(scope) -> bool:
    """The client's hint that a post waits in its page's outbox: `writing=1` (reconnect.js)."""
    return b"writing=1" in scope.get("query_string", b"").split(b"&")


class _Subscription:
    __slots__ = ("seq", "buffer", "can_post", "last_typing", "read_seq")

    def __init__(self, can_post: bool):
        self.seq = 0
        # While replaying, live events wait here; None once the subscription is live.
        self.buffer: list | None = []
        self.can_post = can_post
        self.last_typing = 0.0
        self.read_seq = -1  # the read marker last announced from this socket


def _in_language(text, language: str) -> str:
    """`text` (a lazy translation) in `language`. Run in a context of its own (refuse_post): set in
    the socket's task, the language would be copied to and from each of its trips to a pool."""
    with translation.override(language):
        return str(text)


#: What a refused post says (LiveSocket.refuse_post). A thread that is hidden from the person and
#: one that does not exist are refused alike.
POST_NOT_FOUND = gettext_lazy("This thread does not exist, or you no longer have access to it.")
POST_FORBIDDEN = gettext_lazy("You may read this thread but not post in it.")
POST_INVALID = gettext_lazy("A post needs a client id (a UUID) and a text.")


class LiveSocket:
    def __init__(self, scope, receive, send):
        self.scope = scope
        self.receive = receive
        self.send = send
        user = scope.get("user")
        self.user = user
        self.user_id = getattr(user, "pk", None)
        session = scope.get("session")
        self.session_key = getattr(session, "session_key", None) if session is not None else None
        # A refused post says why in the person's language, as their pages do (the language cookie).
        self.language = scope.get(LANGUAGE) or settings.LANGUAGE_CODE
        # The page is in the background (`/ws/?background=1`, reconnect.js): its handshake and
        # subscribes wait while pages in view wait for the same pool (realtime/pools.py). A page
        # with a post waiting (`/ws/?writing=1`) goes before them: its person is writing. Hints
        # only: they order the pools' work, nothing else.
        self.page = page_rank(background=_in_background(scope), writing=_writing(scope))
        self.subs: dict[int, _Subscription] = {}
        # Teams whose lists of threads this socket watches (watch_team): team id -> whether the person
        # reads every thread of it (else only those opened to representatives).
        self.teams: dict[int, bool] = {}
        self.queue: collections.deque = collections.deque()
        self.wakeup = asyncio.Event()
        self.closing: int | None = None
        self.closing_reason = ""  # the close's reason with it (codes.SIGNED_OUT_*), or none
        self.tokens = float(FRAME_BURST)
        self.refilled = time.monotonic()
        self.hub = None
        self.writer: asyncio.Task | None = None
        self.sending = False
        self.direct = _server_protocol(send)
        self.receiving: asyncio.Future | None = None  # the next message, read ahead (run, gone)
        self.rights_read_at = 0.0
        # Threads this socket posted to, as read with the rights of rights_read_at (same lifetime).
        self.post_threads: dict = {}

    # --- outgoing ----------------------------------------------------------------------------------

    def follows(self, thread_id: int) -> bool:
        sub = self.subs.get(thread_id)
        return sub is not None and sub.buffer is None

    def enqueue(self, text: str) -> None:
        """`text` to the client after what is queued before it. With nothing queued and the
        transport taking data, it is framed and written at once: no writer-task wake-up, no ASGI
        send (an ack of a post took both)."""
        if self.closing is not None:
            return
        if self._writable_now():
            self.direct.transport.write(ws_frame(text.encode()))
            return
        if len(self.queue) >= QUEUE_LIMIT:
            # Too far behind: close with a code that makes the client reconnect and catch up.
            self.close_soon(codes.TOO_SLOW)
            return
        self.queue.append(text)
        self.wakeup.set()

    def deliver(self, thread_id: int, seq: int, frame: str, framed: bytes | None = None) -> None:
        sub = self.subs.get(thread_id)
        if sub is None:
            return
        if sub.buffer is not None:
            sub.buffer.append((seq, frame))
        elif seq == sub.seq + 1:
            sub.seq = seq
            # The hub's frame, made once for all its sockets, when nothing is queued before it (as
            # enqueue does, without its detour: this runs for every socket of every event).
            if framed is not None and self.closing is None and self._writable_now():
                self.direct.transport.write(framed)
                return
            self.enqueue(frame)
        elif seq > sub.seq + 1:
            # Should not happen (the hub keeps each stream whole); if it does, catch up from the database.
            asyncio.get_running_loop().create_task(self._catch_up(thread_id, sub))
        # seq <= sub.seq: already sent

    def _writable_now(self) -> bool:
        """Nothing queued or being sent, and uvicorn's transport takes data now (not closing, not
        held back by flow control): a frame may be written straight to it."""
        direct = self.direct
        return (
            direct is not None
            and not self.queue
            and not self.sending
            and direct.writable.is_set()
            and direct.handshake_complete
            and not direct.close_sent
            and not direct.transport.is_closing()
        )

    def send_json(self, value: dict) -> None:
        self.enqueue(dumps(value))

    def error(self, code: str, detail: str, ref=None) -> None:
        self.send_json({"type": "error", "code": code, "detail": detail, "ref": ref})

    def refuse_post(self, code: str, detail, client_id) -> None:
        """A post refused: `detail` (a lazy translation) in the person's language, for the page
        shows it beside the post (threads.js, `refused`). Other errors' details are protocol text
        for developers, in English (docs/realtime.md)."""
        self.error(code, contextvars.copy_context().run(_in_language, detail, self.language), ref=client_id)

    def close_soon(self, code: int, reason: str = "") -> None:
        if self.closing is None:
            self.closing = code
            self.closing_reason = reason
            metrics.CLOSES.labels(code=str(code)).inc()
            logger.info("realtime: closing the socket of user %s with code %s", self.user_id, code)
            self.queue.clear()
            self.wakeup.set()
            # A writer stuck on a client that does not read would never send the close: give up on it.
            asyncio.get_running_loop().call_later(CLOSE_GRACE_SECONDS, self._abort_if_stuck)

    def _close_behind_buffer(self) -> bool:
        """Queue the close frame on uvicorn's transport behind what is buffered, without waiting.

        The ASGI send waits until the client reads (flow control), which a stalled client never
        does: the close code would be lost and the client would see an abnormal 1006. Written
        this way, the client gets its 4008 ("reconnect and catch up") when it reads again.
        """
        direct = self.direct
        if direct is None or direct.close_sent or not direct.handshake_complete or direct.transport.is_closing():
            return False
        try:
            direct.conn.send_close(self.closing, self.closing_reason)
            direct.transport.write(b"".join(direct.conn.data_to_send()))
        except Exception:  # noqa: BLE001 - fall back to the ASGI close
            return False
        direct.close_sent = True
        direct.close_timer = asyncio.get_running_loop().call_later(direct.close_timeout, direct.transport.close)
        return True

    def _abort_if_stuck(self) -> None:
        if self.writer is not None and not self.writer.done():
            self.writer.cancel()

    async def _writer(self) -> None:
        queue, send, wakeup = self.queue, self.send, self.wakeup
        while True:
            if not queue:
                if self.closing is not None:
                    break
                wakeup.clear()
                await wakeup.wait()
                continue
            self.sending = True
            try:
                await send({"type": "websocket.send", "text": queue.popleft()})
            except OSError:
                # The client went away mid-send (uvicorn's ClientDisconnected): the socket ends
                # here, as on a disconnect. Raised, it was "Task exception was never retrieved", an
                # ERROR in the worker's log for every page closed while a frame was on its way.
                return
            finally:
                self.sending = False
        await send({"type": "websocket.close", "code": self.closing, "reason": self.closing_reason})

    # --- the connection --------------------------------------------------------------------------

    def gone(self) -> bool:
        """The client has closed the socket: the read ahead (`receiving`) got its disconnect, or
        uvicorn saw the connection go. Asked by the pools when a handshake's or a subscribe's turn
        comes, so that work for a client that left is not done (realtime/pools.py)."""
        receiving = self.receiving
        if receiving is not None and receiving.done() and not receiving.cancelled():
            if receiving.exception() is not None or receiving.result()["type"] == "websocket.disconnect":
                return True
        return self.direct is not None and self.direct.disconnected

    async def run(self) -> None:
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        # Read ahead, from here to the end: a client that leaves while its handshake or subscribe
        # waits for its turn is seen (`gone`), and its work is skipped. Frames are still handled
        # one after another, in the order they came.
        self.receiving = asyncio.ensure_future(self.receive())
        writer = None
        try:
            cookie = self.scope.get(SESSION_COOKIE)
            if self.user is None and cookie:
                # Through config.asgi: the session and user are read here (wijkverband/realtime/auth.py),
                # with the checks below, in one trip to the connect pool (wijkverband/realtime/pools.py):
                # a thousand sockets reconnecting after a restart do not read one at a time, nor hold
                # up anyone's posts.
                user, refusal, expiry = await on_connect_pool(_connect_from_cookie, page=self.page, gone=self.gone)(
                    cookie
                )
                if user is not None:
                    self.user, self.user_id, self.session_key = user, user.pk, cookie
            elif self.user is None or not self.user.is_authenticated or not self.user.is_active:
                refusal = codes.SIGNED_OUT
            else:
                refusal, expiry = await on_connect_pool(_connect_checks, page=self.page, gone=self.gone)(
                    self.user, self.session_key
                )
            reason = ""
            if refusal == codes.SIGNED_OUT and (cookie or self.session_key):
                # Why, when someone ended the session (everywhere, a reset): a page whose socket was
                # away then (a phone asleep, a lost network) said only "Je bent afgemeld." on its
                # way back, while a socket open at the time is told why in its close.
                reason = await on_connect_pool(session_ended_why, page=self.page, gone=self.gone)(
                    cookie or self.session_key
                )
        except ClientGone:
            self.receiving.cancel()
            return
        except BaseException:
            self.receiving.cancel()  # the store failed, or the server is stopping: nothing reads ahead
            raise
        if refusal is not None:
            self.receiving.cancel()
            # Accepted, then closed: a close before the accept reaches the browser as a failed
            # handshake (HTTP 403), and the page could not tell "sign in again" from "refused".
            await self._refuse(refusal, reason)  # say, a professional who has not set up a second factor
            return
        self.hub = get_hub()
        try:
            # Join the user's group before accepting: once the client sees the socket open, a
            # sign-out or a lost membership anywhere reaches this socket.
            await self.hub.join_user(self.user_id, self)
            await self.send({"type": "websocket.accept"})
            writer = self.writer = asyncio.get_running_loop().create_task(self._writer())
            lifecycle.session_watch(self, expiry)
            while True:
                receiving = self.receiving
                done, _pending = await asyncio.wait({receiving, writer}, return_when=asyncio.FIRST_COMPLETED)
                if writer in done:
                    break
                message = receiving.result()
                if message["type"] == "websocket.disconnect":
                    break
                self.receiving = asyncio.ensure_future(self.receive())
                if message["type"] == "websocket.receive":
                    try:
                        await self.handle(message.get("text"), message.get("bytes"))
                    except ClientGone:
                        break  # a subscribe skipped: the client has left
        finally:
            self.receiving.cancel()
            lifecycle.session_unwatch(self)
            if writer is not None and not writer.done():
                writer.cancel()
            elif (
                writer is not None
                and writer.cancelled()
                and self.closing is not None
                and not self._close_behind_buffer()
            ):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(
                        self.send({"type": "websocket.close", "code": self.closing, "reason": self.closing_reason}), 1.0
                    )
            for thread_id in list(self.subs):
                self.hub.leave_thread(thread_id, self)
            for team_id in list(self.teams):
                self.hub.leave_team(team_id, self)
            self.hub.leave_user(self.user_id, self)

    async def _refuse(self, code: int, reason: str = "") -> None:
        metrics.CLOSES.labels(code=str(code)).inc()
        await self.send({"type": "websocket.accept"})
        await self.send({"type": "websocket.close", "code": code, **({"reason": reason} if reason else {})})

    # --- incoming --------------------------------------------------------------------------------

    def _allow_frame(self) -> bool:
        now = time.monotonic()
        self.tokens = min(float(FRAME_BURST), self.tokens + (now - self.refilled) * FRAMES_PER_SECOND)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def handle(self, text, data) -> None:
        if not self._allow_frame():
            # A post says which, so its page sends it again after a while (threads.js, `refused`):
            # without its client id the page showed it as being sent until the socket reconnected.
            self.error("rate_limited", "Too many frames: slow down.", ref=_post_ref(text))
            return
        if text is None:
            self.error("invalid", "Frames are JSON text.")
            return
        if len(text) > MAX_FRAME_BYTES or len(text.encode("utf-8")) > MAX_FRAME_BYTES:
            self.error("too_large", f"A frame has at most {MAX_FRAME_BYTES} bytes.")
            return
        try:
            frame = json.loads(text)
        except ValueError:
            self.error("invalid", "Not JSON.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            self.error("invalid", "A frame is an object with a type.")
            return
        if frame["type"] == "watch_team":
            await self.on_watch_team(frame)
            return
        handler = HANDLERS.get(frame["type"])
        if handler is None:
            self.error("invalid", f"Unknown type {frame['type'][:40]!r}.", ref=frame.get("ref"))
            return
        thread_id = frame.get("thread")
        if isinstance(thread_id, bool) or not isinstance(thread_id, int) or thread_id <= 0:
            self.error("invalid", "thread must be a thread id (a positive whole number).", ref=_ref(frame))
            return
        await handler(self, frame, thread_id)

    async def on_subscribe(self, frame, thread_id) -> None:
        after = frame.get("after")
        if after is not None and (isinstance(after, bool) or not isinstance(after, int) or after < 0):
            self.error("invalid", "after must be a sequence number or null.", ref=thread_id)
            return
        present = frame.get("presence", True)
        if not isinstance(present, bool):
            self.error("invalid", "presence must be true or false.", ref=thread_id)
            return
        if thread_id not in self.subs and len(self.subs) >= MAX_SUBSCRIPTIONS:
            self.error("rate_limited", f"At most {MAX_SUBSCRIPTIONS} threads per socket.", ref=thread_id)
            return
        try:
            rights = await on_subscribe_pool(_thread_rights, page=self.page, gone=self.gone)(self.user, thread_id)
        except Http404:
            self.error("not_found", "No such thread.", ref=thread_id)
            return
        self.rights_read_at = time.monotonic()
        old = self.subs.pop(thread_id, None)
        if old is not None:
            self.hub.leave_thread(thread_id, self)
        sub = _Subscription(can_post=rights.can_post)
        sub.seq = after or 0
        self.subs[thread_id] = sub
        # Join first, then replay: nothing committed in between can slip through.
        await self.hub.join_thread(thread_id, self)
        await self._replay(thread_id, sub, announce=True)
        if present and self.subs.get(thread_id) is sub:
            # A viewer of the thread page (a thread list watching for unread counts is not).
            await self.hub.signals.joined(thread_id, self, read_only=not rights.can_post)

    async def _replay(self, thread_id: int, sub: _Subscription, *, announce: bool) -> None:
        # On a subscribe the socket has just joined the hub's stream: what the hub forwarded so far is
        # the head (read after the join, like the replay's own read), and everything after it reaches
        # this socket through the hub. A client that has it already (a reconnect with nothing missed)
        # costs no database read at all; one a few events behind, only the events.
        head = self.hub.known_head(thread_id) if announce else None
        if head is not None and head <= sub.seq:
            replay = ([], head)
        else:
            replay = await on_subscribe_pool(_replay, page=self.page, gone=self.gone)(thread_id, sub.seq, head)
        if self.subs.get(thread_id) is not sub:
            return  # unsubscribed meanwhile
        if replay is not None and replay[1] < sub.seq:
            # The client says it has more than the thread holds: a made-up number, or a database
            # restored from a backup. Echoing its number back would have it skip every message up
            # to there without a word; it starts again instead.
            replay = None
        if replay is None:
            metrics.REPLAY_RESETS.inc()
            self.send_json({"type": "reset", "thread": thread_id})
            self.subs.pop(thread_id, None)
            self.hub.leave_thread(thread_id, self)
            return
        events, head = replay
        metrics.REPLAY_EVENTS.observe(len(events))
        for seq, text in events:
            if seq > sub.seq:
                self.enqueue(text)
                sub.seq = seq
        buffered, sub.buffer = sub.buffer or [], None
        if announce:
            self.send_json({"type": "subscribed", "thread": thread_id, "seq": max(head, sub.seq)})
        for seq, text in sorted(buffered):
            self.deliver(thread_id, seq, text)

    async def _catch_up(self, thread_id: int, sub: _Subscription) -> None:
        if sub.buffer is not None:
            return
        sub.buffer = []
        with contextlib.suppress(ClientGone):  # the client has left: nothing to catch up for
            await self._replay(thread_id, sub, announce=False)

    async def on_watch_team(self, frame) -> None:
        """A thread list: told of activity in any thread of the team it may read
        (`team_activity`), not only in the threads it follows; it fetches its table again."""
        team_id = frame.get("team")
        if isinstance(team_id, bool) or not isinstance(team_id, int) or team_id <= 0:
            self.error("invalid", "team must be a team id (a positive whole number).", ref=team_id)
            return
        if team_id not in self.teams and len(self.teams) >= MAX_TEAMS:
            self.error("rate_limited", f"At most {MAX_TEAMS} teams per socket.", ref=team_id)
            return
        try:
            reads_all = await on_subscribe_pool(_team_access, page=self.page, gone=self.gone)(self.user, team_id)
        except Http404:
            self.error("not_found", "No such team.", ref=team_id)
            return
        self.teams[team_id] = reads_all
        await self.hub.join_team(team_id, self)
        self.send_json({"type": "watching_team", "team": team_id})

    async def on_unsubscribe(self, frame, thread_id) -> None:
        if self.subs.pop(thread_id, None) is not None:
            self.hub.leave_thread(thread_id, self)
        self.send_json({"type": "unsubscribed", "thread": thread_id})

    async def on_post(self, frame, thread_id) -> None:
        started = time.perf_counter()
        client_id = frame.get("client_id")
        body = frame.get("body")
        asks_ack = frame.get("asks_ack", False)
        if not isinstance(client_id, str) or not isinstance(body, str) or not isinstance(asks_ack, bool):
            self.refuse_post("invalid", POST_INVALID, client_id)
            return
        now = time.monotonic()
        fresh = now - self.rights_read_at > RIGHTS_TTL_SECONDS
        if fresh:
            self.rights_read_at = now
            self.post_threads.clear()
        held: list = []
        try:
            try:
                result, thread = await _post_in_thread(
                    self.user,
                    thread_id,
                    self.post_threads.get(thread_id),
                    body,
                    client_id,
                    asks_ack,
                    fresh,
                    held,
                    self.language,
                )
            except Http404:
                self.refuse_post("not_found", POST_NOT_FOUND, client_id)
            except PermissionDenied:
                self.refuse_post("forbidden", POST_FORBIDDEN, client_id)
            except ActionRefused as refused:
                # Worded by the service in the person's language (_post runs it in that language).
                self.error(refused.code, str(refused.message), ref=client_id)
            else:
                metrics.POST_SECONDS.observe(time.perf_counter() - started)
                if len(self.post_threads) >= MAX_SUBSCRIPTIONS:
                    self.post_threads.clear()
                self.post_threads[thread_id] = thread
                # The event first (to this worker's sockets at once, the sender's own included), then the ack.
                sending, held = held, []
                await publish.send_held(sending, self.hub)
                self.send_json(result)
                lifecycle.session_touch(self)
        finally:
            if held:
                # Whatever committed before a refusal or an error still rings the doorbell.
                await publish.send_held(held, self.hub)

    async def on_read(self, frame, thread_id) -> None:
        seq = frame.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            self.error("invalid", "seq must be a sequence number.", ref=thread_id)
            return
        try:
            marker = await on_socket_pool(_read)(self.user, thread_id, seq)
        except Http404:
            self.error("not_found", "No such thread.", ref=thread_id)
            return
        self.send_json({"type": "read", "thread": thread_id, "seq": marker})
        sub = self.subs.get(thread_id)
        if marker > 0 and (sub is None or marker > sub.read_seq):
            if sub is not None:
                sub.read_seq = marker
            self.hub.signals.read(thread_id, self.user, marker)  # gathered: one frame a second per thread

    async def on_presence(self, frame, thread_id) -> None:
        """A thread page went away (in the background for a while) or is in view again: the socket stops
        or starts counting as viewing the thread, as a subscribe with that `presence` would, without
        the subscribe's rights read and replay. Answered, when present, with who is there."""
        present = frame.get("presence")
        if not isinstance(present, bool):
            self.error("invalid", "presence must be true or false.", ref=thread_id)
            return
        sub = self.subs.get(thread_id)
        if sub is None:
            # Presence is only for threads this socket follows; say why without revealing anything.
            try:
                await on_socket_pool(_thread_rights)(self.user, thread_id)
            except Http404:
                self.error("not_found", "No such thread.", ref=thread_id)
                return
            self.error("invalid", "Subscribe to the thread first.", ref=thread_id)
            return
        if present:
            await self.hub.signals.joined(thread_id, self, read_only=not sub.can_post)
        else:
            self.hub.signals.left(thread_id, self)

    async def on_typing(self, frame, thread_id) -> None:
        sub = self.subs.get(thread_id)
        if sub is None:
            # Typing is only for threads this socket follows; say why without revealing anything.
            try:
                rights = await on_socket_pool(_thread_rights)(self.user, thread_id)
            except Http404:
                self.error("not_found", "No such thread.", ref=thread_id)
                return
            if not rights.can_post:
                self.error("forbidden", "You may read this thread but not post in it.", ref=thread_id)
                return
            self.error("invalid", "Subscribe to the thread first.", ref=thread_id)
            return
        if not sub.can_post:
            self.error("forbidden", "You may read this thread but not post in it.", ref=thread_id)
            return
        now = time.monotonic()
        if now - sub.last_typing < TYPING_INTERVAL_SECONDS:
            return  # typing is shown for a few seconds anyway: extra signals are dropped quietly
        sub.last_typing = now
        lifecycle.session_touch(self)
        user = {"id": self.user_id, "name": stream_hooks().user_name(self.user)}
        frame = dumps({"type": "typing", "thread": thread_id, "user": user})
        try:
            await self.hub.layer.group_send(
                publish.thread_group(thread_id),
                {"type": "wv.ephemeral", "thread": thread_id, "frame": frame, "exclude_user": self.user_id},
            )
        except Exception:  # noqa: BLE001 - typing is ephemeral; Redis being down only loses this
            logger.info("realtime: typing not sent", exc_info=True)


HANDLERS = {
    "subscribe": LiveSocket.on_subscribe,
    "unsubscribe": LiveSocket.on_unsubscribe,
    "post": LiveSocket.on_post,
    "read": LiveSocket.on_read,
    "typing": LiveSocket.on_typing,
    "presence": LiveSocket.on_presence,
}


def _post_ref(text) -> str | None:
    """The client id of a post frame refused before it was read (over the frame rate), or None."""
    if not isinstance(text, str) or len(text) > MAX_FRAME_BYTES or '"post"' not in text:
        return None
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    if not isinstance(frame, dict) or frame.get("type") != "post" or not isinstance(frame.get("client_id"), str):
        return None
    return frame["client_id"]


def _ref(frame: dict):
    return frame.get("client_id") if isinstance(frame.get("client_id"), str) else frame.get("thread")


# --- the synchronous side: what the app owning the streams answers (wijkverband.realtime.hooks) -----


def _connect_from_cookie(session_key):
    """(user or None, refusal close code or None, the session's expiry) for a socket with this
    session cookie: the session and the user read once (lifecycle.session_user), then the checks."""
    user, expiry = lifecycle.session_user(session_key)
    if user is None:
        return None, codes.SIGNED_OUT, None  # no such session, ended, made up, or an inactive account
    refusal, expiry = _connect_checks(user, session_key, expiry)
    return user, refusal, expiry


_UNREAD = object()


def _connect_checks(user, session_key, expiry=_UNREAD):
    """(refusal close code or None, the session's expiry) for a new socket, in one database trip.

    The expiry is lifecycle.UNKNOWN when the store could not be read (the session watch tries
    again later); a session that has already ended is refused with SIGNED_OUT. `expiry`: what the
    handshake read with the session (lifecycle.session_user), so it is not read again.
    """
    refusal = connect_refusal(user)
    if refusal is not None:
        return refusal, None
    if expiry is _UNREAD:
        expiry = _session_expiry(user, session_key)
        if expiry is None and session_key:
            return codes.SIGNED_OUT, None
    return None, expiry


def _session_expiry(user, session_key):
    """The session's expiry (None: it ended; lifecycle.UNKNOWN: the store did not answer), or None without one."""
    expiry = None
    if session_key:
        try:
            expiry = lifecycle.session_expiry(session_key, user.pk)
        except Exception:  # noqa: BLE001 - the store is unreachable: do not sign anyone out for that
            logger.warning("realtime: could not read a session; trying again later", exc_info=True)
            expiry = lifecycle.UNKNOWN
    return expiry


def _thread_rights(user, thread_id):
    return stream_hooks().access(user, thread_id)


def _team_access(user, team_id):
    return stream_hooks().team_access(user, team_id)


def _replay(thread_id: int, after: int, head: int | None = None):
    return stream_hooks().replay(thread_id, after, head)


def _post(user, thread_id, thread, body, client_id, asks_ack, fresh, held: list, language: str):
    """Post; `thread` is the token this socket got for its last post (within the rights' lifetime), or None.

    What the post publishes after its commit is collected in `held` and sent by the socket from the
    event loop (publish.held): no hop back to the loop while this thread waits. In the person's
    `language`: a refusal (too long, client data) says why as their pages would. Not for Dutch, the
    default: the language set here is copied back to the socket's task, and every variable set
    there is copied to and from each of its trips to a pool (config/asgi.py, `_warm_up`)."""
    # Dutch is what a thread without a language of its own says.
    in_language = contextlib.nullcontext() if language == settings.LANGUAGE_CODE else translation.override(language)
    with publish.held(held), in_language:
        return stream_hooks().post(user, thread_id, thread, body, client_id, asks_ack, fresh)


# In the posts' pool: posts do not queue behind other sockets' database work. Made once: asgiref
# builds a wrapper with its signature checks on every call otherwise.
_post_in_thread = on_post_pool(_post)


def _read(user, thread_id, seq):
    return stream_hooks().read(user, thread_id, seq)


async def live_socket(scope, receive, send):
    """The ASGI application for /ws/."""
    # The socket's log lines carry one request id (nginx's X-Request-ID of the upgrade, or new).
    headers = dict(scope.get("headers") or ())
    REQUEST_ID.set(request_id_from(headers.get(b"x-request-id", b"").decode("latin-1")))
    # No ambient team scope: every read of team data on a socket names its team (django-scopes;
    # wijkverband/tenancy/scoping.py), as on a page outside a team.
    with data_scope():
        await LiveSocket(scope, receive, send).run()
