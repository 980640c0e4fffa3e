"""Frames written straight to uvicorn's transport (consumers.LiveSocket.enqueue): only when nothing
is queued or being sent and the transport takes data, so the order of a socket's frames never
changes, and as frames a browser reads (RFC 6455: unmasked text, the length in the header)."""

import asyncio
import json

import pytest

from wijkverband.realtime import consumers
from wijkverband.realtime.frames import ws_frame


class FakeTransport:
    def __init__(self):
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


class FakeUvicornProtocol:
    """What consumers._server_protocol looks for on uvicorn's protocol behind the ASGI send."""

    def __init__(self):
        self.transport = FakeTransport()
        self.writable = asyncio.Event()
        self.writable.set()
        self.conn = object()
        self.close_sent = False
        self.handshake_complete = True

    async def send(self, message):  # the ASGI send (the writer task's path)
        raise AssertionError("not used here")


def text_of(frame: bytes) -> str:
    """The text of one unmasked server text frame."""
    assert frame[0] == 0x81, "a final text frame"
    length, start = frame[1], 2
    assert length & 0x80 == 0, "a server's frames are not masked"
    if length == 126:
        length, start = int.from_bytes(frame[2:4], "big"), 4
    elif length == 127:
        length, start = int.from_bytes(frame[2:10], "big"), 10
    payload = frame[start:]
    assert len(payload) == length
    return payload.decode("utf-8")


@pytest.fixture
def socket():
    protocol = FakeUvicornProtocol()
    live = consumers.LiveSocket({"type": "websocket", "user": None}, None, protocol.send)
    assert live.direct is protocol
    return live


@pytest.mark.parametrize("text", ['{"type":"ack","seq":4}', json.dumps({"detail": "één " * 40}), "x" * 70_000])
def test_with_nothing_queued_a_frame_is_written_at_once_as_a_browser_reads_it(socket, text):
    socket.enqueue(text)
    assert [text_of(frame) for frame in socket.direct.transport.written] == [text]
    assert not socket.queue and not socket.wakeup.is_set()


def test_the_ack_of_a_post_goes_straight_to_the_transport(socket):
    socket.send_json({"type": "ack", "client_id": "c1", "seq": 7})
    assert [json.loads(text_of(f)) for f in socket.direct.transport.written] == [
        {"type": "ack", "client_id": "c1", "seq": 7}
    ]


def test_behind_a_queued_frame_a_frame_waits_its_turn(socket):
    socket.direct.writable.clear()  # the client reads slowly: flow control holds the transport
    socket.enqueue("first")
    socket.direct.writable.set()
    socket.enqueue("second")
    assert list(socket.queue) == ["first", "second"]
    assert socket.direct.transport.written == []


@pytest.mark.parametrize(
    "state",
    ["sending", "paused", "closing transport", "close sent", "handshake not complete"],
)
def test_a_frame_is_queued_whenever_the_transport_may_not_take_it_now(socket, state):
    direct = socket.direct
    if state == "sending":
        socket.sending = True  # the writer task is in the middle of an ASGI send
    elif state == "paused":
        direct.writable.clear()
    elif state == "closing transport":
        direct.transport.closing = True
    elif state == "close sent":
        direct.close_sent = True
    else:
        direct.handshake_complete = False
    socket.enqueue("later")
    assert list(socket.queue) == ["later"] and socket.wakeup.is_set()
    assert direct.transport.written == []


def test_nothing_is_written_once_the_socket_is_closing(socket):
    socket.closing = 4008
    socket.enqueue("too late")
    assert not socket.queue and socket.direct.transport.written == []


def test_an_event_goes_out_as_the_frame_the_hub_made_once_for_all_sockets(socket):
    sub = consumers._Subscription(can_post=True)
    sub.buffer = None  # live
    socket.subs[12] = sub
    shared = ws_frame(b'{"type":"event","seq":1}')
    socket.deliver(12, 1, '{"type":"event","seq":1}', shared)
    assert socket.direct.transport.written == [shared]
    assert socket.direct.transport.written[0] is shared  # not framed again per socket


def test_without_uvicorn_frames_go_through_the_asgi_send():
    async def send(message):
        raise AssertionError("not awaited here")

    live = consumers.LiveSocket({"type": "websocket", "user": None}, None, send)
    assert live.direct is None
    live.enqueue("via the writer")
    assert list(live.queue) == ["via the writer"] and live.wakeup.is_set()
