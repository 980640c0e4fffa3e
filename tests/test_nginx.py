"""deploy/nginx.conf run by Debian's nginx in front of a stand-in worker that records what reaches it.

What production's load balancer must do, checked on the real nginx rather than on the file's text:
pages reuse the connections to a worker (a new connection per page waited, after a restart, in the
worker's accept queue behind every socket reconnecting); WebSockets are upgraded and tunnelled to
the socket workers and pages go to the page workers, never the other way (in a reconnect storm the
pages do not wait behind the handshakes); /metrics is never passed on; the client's own
X-Forwarded-For is replaced and every request carries a request id.
"""

import base64
import hashlib
import re
import socket
import socketserver
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.realtime import nginx

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Worker(socketserver.ThreadingTCPServer):
    """Answers every request 200 on a kept-alive connection, and a WebSocket upgrade with 101 and a
    line of text; records (connection number, request line, headers) of each request."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[int, str, dict[str, str]]] = []
        self.connections = 0
        self.lock = threading.Lock()


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        with self.server.lock:
            self.server.connections += 1
            number = self.server.connections
        while True:
            line = self.rfile.readline()
            if not line:
                return
            headers = {}
            for header in iter(self.rfile.readline, b"\r\n"):
                if not header:
                    return
                name, _, value = header.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.rfile.read(int(headers.get("content-length", 0)))  # a form's body
            with self.server.lock:
                self.server.requests.append((number, line.decode("latin-1").strip(), headers))
            if headers.get("upgrade", "").lower() == "websocket":
                accept = base64.b64encode(
                    hashlib.sha1((headers["sec-websocket-key"] + WEBSOCKET_GUID).encode()).digest()  # noqa: S324 - the protocol's
                ).decode()
                self.wfile.write(
                    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
                    + b"tunnel open\n"
                )
                return
            body = b"ok"
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n" + body)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    binary = nginx.binary()
    if binary is None:
        pytest.fail("nginx is missing: `make test` installs Debian's nginx-light (or apt-get install nginx-light)")
    return binary


@dataclass
class Balancer:
    port: int
    pages: Worker  # stands in for the "app" service
    sockets: Worker  # stands in for the "sockets" service
    directory: Path  # where nginx writes its files (its access log among them)


@pytest.fixture(scope="module")
def balancer(tmp_path_factory, nginx_binary):
    pages, sockets = Worker(), Worker()
    for worker in (pages, sockets):
        threading.Thread(target=worker.serve_forever, daemon=True).start()
    port = _free_port()
    directory = tmp_path_factory.mktemp("nginx")
    process = nginx.start(
        nginx_binary,
        directory,
        port,
        [pages.server_address[1]],
        [sockets.server_address[1]],
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start (exit {process.poll()})")
            time.sleep(0.05)
    yield Balancer(port, pages, sockets, directory)
    process.kill()
    process.wait(10)
    for worker in (pages, sockets):
        worker.shutdown()
        worker.server_close()


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_pages_reuse_the_connection_to_the_page_worker(balancer):
    before = (balancer.pages.connections, len(balancer.pages.requests), len(balancer.sockets.requests))
    for _ in range(20):  # each from a new client connection, as twenty browsers
        assert _get(balancer.port, "/t/oost/threads/") == (200, b"ok")
    seen = balancer.pages.requests[before[1] :]
    assert len(seen) == 20
    assert all("connection" not in headers for _n, _line, headers in seen), "nginx asked the worker to close"
    assert balancer.pages.connections - before[0] <= 1  # one kept-alive connection carried them all
    assert len(balancer.sockets.requests) == before[2]  # none went to the socket workers


def test_forms_and_the_http_post_fallback_go_to_the_page_workers(balancer):
    before = len(balancer.sockets.requests)
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"http://127.0.0.1:{balancer.port}/t/oost/threads/5/post/", data=b"body=hallo", method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
        assert answer.status == 200
    _n, line, headers = balancer.pages.requests[-1]
    assert line.startswith("POST /t/oost/threads/5/post/")
    assert "connection" not in headers and "upgrade" not in headers
    assert len(balancer.sockets.requests) == before


def test_the_sociale_kaart_import_also_keeps_the_connection(balancer):
    before = len(balancer.pages.requests)
    assert _get(balancer.port, "/t/oost/sociale-kaart/import/") == (200, b"ok")
    (_n, line, headers) = balancer.pages.requests[before]
    assert line.startswith("GET /t/oost/sociale-kaart/import/")
    assert "connection" not in headers


def _open_websocket(port: int, path: str) -> bytes:
    key = base64.b64encode(b"sixteen byte key").decode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        received = b""
        while b"tunnel open\n" not in received:
            chunk = client.recv(4096)
            assert chunk, f"closed before the tunnel opened: {received!r}"
            received += chunk
    return received


def test_a_websocket_is_upgraded_and_tunnelled_to_the_socket_workers(balancer):
    pages_before = len(balancer.pages.requests)
    for path in ("/ws/", "/ws/?background=1"):
        assert _open_websocket(balancer.port, path).startswith(b"HTTP/1.1 101")
        _n, line, headers = balancer.sockets.requests[-1]
        assert line.startswith(f"GET {path} ")
        assert headers["upgrade"] == "websocket"
        assert headers["connection"].lower() == "upgrade"
        assert headers["x-forwarded-for"] == "127.0.0.1" and len(headers["x-request-id"]) == 32
    assert len(balancer.pages.requests) == pages_before  # the page workers never see a handshake


def test_a_websocket_elsewhere_is_not_upgraded(balancer):
    """Only /ws/ is a socket: an upgrade asked of a page reaches the page worker as a plain request."""
    before = len(balancer.sockets.requests)
    key = base64.b64encode(b"sixteen byte key").decode()
    with socket.create_connection(("127.0.0.1", balancer.port), timeout=5) as client:
        client.sendall(
            (
                f"GET /t/oost/threads/ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        assert client.recv(4096).startswith(b"HTTP/1.1 200")
    _n, line, headers = balancer.pages.requests[-1]
    assert line.startswith("GET /t/oost/threads/ ")
    assert "upgrade" not in headers and "connection" not in headers
    assert len(balancer.sockets.requests) == before


def test_metrics_are_not_passed_on_and_the_client_address_is_nginx_s_own(balancer):
    assert _get(balancer.port, "/metrics")[0] == 404
    for worker in (balancer.pages, balancer.sockets):
        assert not any(line.startswith("GET /metrics") for _n, line, _h in worker.requests)
    _get(balancer.port, "/healthz", {"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "mine"})
    _n, _line, headers = next(r for r in reversed(balancer.pages.requests) if r[1].startswith("GET /healthz"))
    assert headers["x-forwarded-for"] == "127.0.0.1"  # a client cannot choose the address the rate limits count
    assert len(headers["x-request-id"]) == 32 and headers["x-request-id"] != "mine"


def test_nginx_closes_an_idle_connection_before_the_worker_would():
    """A request sent on a connection the worker is closing fails, and nginx does not try a POST
    again elsewhere: nginx must give up an idle connection first."""
    root = Path(__file__).resolve().parent.parent
    site = (root / "deploy" / "nginx.conf").read_text()
    upstream = site.split("upstream wijkverband {", 1)[1].split("}", 1)[0]
    nginx_idle = int(re.search(r"keepalive_timeout (\d+)s;", upstream).group(1))
    command = (root / "Dockerfile").read_text().split("CMD [", 1)[1]
    worker_idle = int(re.search(r'"--timeout-keep-alive", "(\d+)"', command).group(1))
    assert nginx_idle < worker_idle


@pytest.mark.parametrize("split", [True, False], ids=["pages and sockets apart", "one service for both"])
def test_the_config_is_what_nginx_accepts(tmp_path, nginx_binary, split):
    config = nginx.write_config(tmp_path, _free_port(), [_free_port()], [_free_port()] if split else None)
    command = [nginx_binary, "-t", "-p", str(tmp_path), "-c", str(config)]
    checked = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - our own command
    assert checked.returncode == 0, checked.stderr


def test_the_access_log_keeps_no_query_string_nor_referer(balancer):
    """A search holds what a person typed (/search/?q=111222333 looking for a client by BSN), and
    a Referer can carry such an address: nginx's access log kept both in its default format.
    It logs the path, the status and the request id."""
    _get(balancer.port, "/search/?q=111222333", {"Referer": "https://example.nl/search/?q=222333444"})
    log = balancer.directory / "access.log"
    deadline = time.monotonic() + 5
    while "/search/" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_text()
    line = next(line for line in text.splitlines() if "/search/" in line)
    assert '"GET /search/ HTTP/1.1"' in line
    assert "111222333" not in text and "222333444" not in text and "q=" not in text
    assert re.search(r" [0-9a-f]{32}$", line)  # the request id, as the app's log lines carry it
