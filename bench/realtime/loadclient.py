"""A lean WebSocket load client on asyncio protocols: many sockets in one process, each frame
looked at only as far as needed (the message number), so the client is not the bottleneck."""

import asyncio
import base64
import os
import socket
import struct
import time

MARK = b"@@"


def mask_frame(data, opcode: int = 0x1) -> bytes:
    payload = data.encode() if isinstance(data, str) else data
    key = os.urandom(4)
    length = len(payload)
    first = 0x80 | opcode
    if length < 126:
        header = struct.pack("!BB", first, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", first, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", first, 0x80 | 127, length)
    masked = (
        (int.from_bytes(payload, "big") ^ int.from_bytes((key * (length // 4 + 1))[:length], "big")).to_bytes(
            length, "big"
        )
        if length
        else b""
    )
    return header + key + masked


class Stats:
    def __init__(self, total_messages: int):
        self.total = total_messages
        self.sent_at: list[float] = [0.0] * (total_messages + 1)
        self.latencies: list[float] = []
        # The slowest delivery of each message: shows whether a high p99 is spread or one stall.
        self.worst: list[float] = [0.0] * (total_messages + 1)
        self.duplicates = 0
        self.out_of_order = 0
        self.delivered = 0


class Client(asyncio.Protocol):
    def __init__(self, stats: Stats | None, on_text=None):
        self.stats = stats
        self.on_text = on_text
        self.buffer = bytearray()
        self.handshaken = asyncio.get_running_loop().create_future()
        self.upgraded = False
        self.closed = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self.seen = bytearray(stats.total + 1) if stats else None
        self.answer_close = True
        self.last = 0
        # The pinned layout keeps each reader's latencies too, to tell the two workers apart.
        self.latencies: list[float] | None = None
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end])
            del buffer[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                if not self.handshaken.done():
                    self.handshaken.set_exception(ConnectionError(head.split(b"\r\n", 1)[0].decode()))
                self.transport.close()
                return
            if self.handshaken.done():  # the client gave up waiting (connect's timeout)
                self.transport.close()
                return
            self.upgraded = True
            self.handshaken.set_result(True)
        now = time.perf_counter()
        pos = 0
        n = len(buffer)
        while n - pos >= 2:
            b0, b1 = buffer[pos], buffer[pos + 1]
            length = b1 & 0x7F
            head = 2
            if length == 126:
                if n - pos < 4:
                    break
                length = (buffer[pos + 2] << 8) | buffer[pos + 3]
                head = 4
            elif length == 127:
                if n - pos < 10:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 10], "big")
                head = 10
            if n - pos < head + length:
                break
            start, end = pos + head, pos + head + length
            opcode = b0 & 0x0F
            if opcode == 0x1:
                self.text(buffer, start, end, now)
            elif opcode == 0x9:
                # Answer pings, or the server's keepalive closes the socket (uvicorn: 1011).
                self.transport.write(mask_frame(bytes(buffer[start:end]), opcode=0xA))
            elif opcode == 0x8:
                self.close_code = int.from_bytes(buffer[start : start + 2], "big") if length >= 2 else 1005
                if not self.closed.done():
                    self.closed.set_result(self.close_code)
                if self.answer_close:
                    # As a browser does: answer the close and hang up, so the server is not left
                    # waiting for the closing handshake (a worker's graceful shutdown waits for it).
                    self.transport.write(mask_frame(bytes(buffer[start : start + min(length, 2)]), opcode=0x8))
                    self.transport.close()
                    return
            pos = end
        if pos:
            del buffer[:pos]

    def text(self, buffer, start, end, now):
        if self.on_text is not None:
            self.on_text(bytes(buffer[start:end]))
        if self.stats is None:
            return
        at = buffer.find(MARK, start, end)
        if at < 0:
            return
        number = int(buffer[at + 2 : at + 10])
        stats = self.stats
        if self.seen[number]:
            stats.duplicates += 1
            return
        self.seen[number] = 1
        if number < self.last:
            stats.out_of_order += 1
        self.last = number
        stats.delivered += 1
        latency = now - stats.sent_at[number]
        stats.latencies.append(latency)
        if self.latencies is not None:
            self.latencies.append(latency)
        if latency > stats.worst[number]:
            stats.worst[number] = latency

    def connection_lost(self, exc):
        if not self.closed.done():
            self.closed.set_result(self.close_code or 1006)
        if not self.handshaken.done():
            self.handshaken.set_exception(ConnectionError("closed during handshake"))

    def send_text(self, text: str) -> None:
        self.transport.write(mask_frame(text))


async def connect(
    port: int,
    *,
    cookie: str = "",
    stats: Stats | None = None,
    on_text=None,
    rcvbuf: int = 0,
    timeout: float = 30,
    path: str = "/ws/",
):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    _transport, client = await loop.create_connection(lambda: Client(stats, on_text), sock=sock)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "\r\n"
    )
    client.transport.write(request.encode())
    try:
        await asyncio.wait_for(client.handshaken, timeout)
    except BaseException:
        client.transport.close()
        raise
    return client
