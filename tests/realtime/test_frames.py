"""The fan-out frames an event once and writes those bytes to every socket: they must be exactly
what a WebSocket client parses (checked with the websockets library's own parser)."""

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from wijkverband.realtime.frames import ws_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70_000])
def test_ws_frame_is_a_valid_unmasked_text_frame(size):
    payload = ("é" * size).encode()[:size]
    reader = StreamReader()
    reader.feed_data(ws_frame(payload))
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    else:  # pragma: no cover - the parser needed more bytes than the frame has
        raise AssertionError("incomplete frame")
    assert frame.opcode == Opcode.TEXT and frame.fin and frame.data == payload
