"""Driving the live socket in tests: WebsocketCommunicator on our ASGI app, from sync tests."""

import json
import uuid

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from wijkverband.realtime.consumers import live_socket


class Session:
    def __init__(self, communicator):
        self.c = communicator
        self.seen: list[dict] = []

    async def send(self, frame) -> None:
        await self.c.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 2.0) -> dict:
        message = await self.c.receive_output(timeout)
        if message["type"] == "websocket.close":
            frame = {"type": "__closed__", "code": message.get("code"), "reason": message.get("reason", "")}
        else:
            frame = json.loads(message["text"])
        self.seen.append(frame)
        return frame

    async def until(self, kind: str, timeout: float = 2.0, **match) -> dict:
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def collect(self, kind: str | None = None, timeout: float = 0.3) -> list[dict]:
        """Everything that arrives until the socket is quiet for `timeout` seconds."""
        frames = []
        # Not receive_output(timeout): on a timeout that cancels the application.
        while not await self.c.receive_nothing(timeout):
            frames.append(await self.recv())
        return [f for f in frames if kind is None or f["type"] == kind]

    async def quiet(self, timeout: float = 0.2) -> bool:
        return await self.c.receive_nothing(timeout)

    async def subscribe(self, thread, after=None) -> list[dict]:
        await self.send({"type": "subscribe", "thread": thread, "after": after})
        frames = []
        while True:
            frame = await self.recv()
            frames.append(frame)
            if frame["type"] in {"subscribed", "reset", "error"}:
                return frames

    async def post(self, thread, body="Hallo", client_id=None, **extra) -> dict:
        client_id = client_id or str(uuid.uuid4())
        await self.send({"type": "post", "thread": thread, "client_id": client_id, "body": body, **extra})
        while True:
            frame = await self.recv()
            if frame["type"] in {"ack", "error"} and (frame.get("client_id") or frame.get("ref")) == client_id:
                return frame

    async def close(self) -> None:
        await self.c.disconnect()


async def connect(
    user, *, session_key: str | None = None, app=live_socket, path: str = "/ws/", timeout: float = 3
) -> Session:
    """A signed-in socket; `path` "/ws/?background=1" for a tab in the background (reconnect.js)."""
    communicator = WebsocketCommunicator(app, path, headers=[(b"origin", b"http://testserver")])
    communicator.scope["user"] = user
    communicator.scope["session"] = type("S", (), {"session_key": session_key})()
    connected, _code = await communicator.connect(timeout=timeout)
    assert connected
    return Session(communicator)


def signed_in_session(user) -> str:
    """A real session in the store that signs `user` in, as a browser gets it; returns its key.

    Sockets watch their session (wijkverband/realtime/lifecycle.py): a made-up key is closed as
    signed out at once.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


async def wait_until(condition, timeout: float = 3.0, what: str = "the condition") -> None:
    """Wait until condition() (a plain or an async callable) is true, instead of sleeping a fixed
    time for it; fail with `what` after `timeout` seconds."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        await asyncio.sleep(0.01)


def sync(fn, *args, **kwargs):
    return database_sync_to_async(fn)(*args, **kwargs)
