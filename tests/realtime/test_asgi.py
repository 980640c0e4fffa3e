"""The socket as the browser reaches it: config.asgi with the session cookie and the Origin check."""

import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from tests.realtime.loop import run
from tests.threads.helpers import topic

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(world, persona) -> bytes:
    client = Client()
    client.force_login(world.persona(persona))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def _connect(headers, path="/ws/"):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


def test_a_signed_in_browser_on_our_origin_connects_and_subscribes(world):
    thread = topic(world)
    cookie = _cookie(world, "maarten")

    async def scenario():
        communicator, connected, _code = await _connect([(b"origin", b"http://localhost"), (b"cookie", cookie)])
        assert connected
        await communicator.send_json_to({"type": "subscribe", "thread": thread.pk, "after": None})
        assert await communicator.receive_json_from() == {"type": "subscribed", "thread": thread.pk, "seq": 0}
        await communicator.disconnect()

    run(scenario)


@pytest.mark.parametrize("hint", ["background=1", "writing=1"])
def test_a_socket_with_a_hint_gets_the_same_rules(world, hint):
    """`/ws/?background=1` (reconnect.js, a page not in view) and `/ws/?writing=1` (a page with a
    post waiting) only order the server's work: the socket subscribes as any other, and another
    team's thread is still not found."""
    own = topic(world)
    other = topic(world, team=world.team_b, actor=world.bram, title="Zuid")
    cookie = _cookie(world, "maarten")

    async def scenario():
        communicator, connected, _code = await _connect(
            [(b"origin", b"http://localhost"), (b"cookie", cookie)], path=f"/ws/?{hint}"
        )
        assert connected
        await communicator.send_json_to({"type": "subscribe", "thread": own.pk, "after": None})
        assert await communicator.receive_json_from() == {"type": "subscribed", "thread": own.pk, "seq": 0}
        await communicator.send_json_to({"type": "subscribe", "thread": other.pk, "after": None})
        answer = await communicator.receive_json_from()
        while answer["type"] != "error":  # the own thread's presence line
            answer = await communicator.receive_json_from()
        assert (answer["code"], answer["ref"]) == ("not_found", other.pk)
        await communicator.disconnect()

    run(scenario)


def test_another_origin_is_refused(world):
    cookie = _cookie(world, "maarten")

    async def scenario():
        _c, connected, _code = await _connect([(b"origin", b"https://evil.example"), (b"cookie", cookie)])
        assert not connected

    run(scenario)


def test_without_a_session_the_socket_says_sign_in_again(world):
    """Accepted, then closed with 4001: a refused handshake (HTTP 403) would not tell the page why.
    A hint that the page is writing or in the background changes nothing about that."""

    async def scenario():
        for path in ("/ws/", "/ws/?writing=1", "/ws/?background=1"):
            for cookie in ([], [(b"cookie", f"{settings.SESSION_COOKIE_NAME}=made-up".encode())]):
                communicator, connected, _code = await _connect([(b"origin", b"http://localhost"), *cookie], path=path)
                assert connected
                assert await communicator.receive_output(3) == {"type": "websocket.close", "code": 4001}

    run(scenario)


REFUSALS = {
    # (a post the person may not make, client data, another team's thread), as the page shows them
    "nl": (
        "Je mag dit gesprek lezen, maar er geen berichten in plaatsen.",
        "elfproef voor een BSN",
        "Dit gesprek bestaat niet, of je hebt er geen toegang meer toe.",
    ),
    "en": (
        "You may read this thread but not post in it.",
        "BSN eleven-test",
        "This thread does not exist, or you no longer have access to it.",
    ),
}


@pytest.mark.parametrize(("language", "shown"), [(None, "nl"), ("en", "en"), ("nl", "nl"), ("de", "nl")])
def test_a_refused_post_says_why_in_the_language_the_persons_pages_have(world, language, shown):
    """The page puts a refused post's `detail` beside it (threads.js): in the language of the
    switch (its cookie), Dutch without one, as the pages. A thread of another team and one that
    does not exist are refused with the same words."""
    open_thread = topic(world, open_to_representatives=True)
    other = topic(world, team=world.team_b, actor=world.bram, title="Zuid")
    forbidden, client_data, not_found = REFUSALS[shown]

    chosen = f"; {settings.LANGUAGE_COOKIE_NAME}={language}".encode() if language else b""
    headers = {
        persona: [(b"origin", b"http://localhost"), (b"cookie", _cookie(world, persona) + chosen)]
        for persona in ("rosa", "maarten")
    }

    async def post(communicator, thread_id, body):
        client_id = str(uuid.uuid4())
        await communicator.send_json_to({"type": "post", "thread": thread_id, "client_id": client_id, "body": body})
        while (frame := await communicator.receive_json_from())["type"] != "error":
            pass
        assert frame["ref"] == client_id
        return frame

    async def scenario():
        rosa, connected, _code = await _connect(headers["rosa"])  # a client representative: reads only
        assert connected
        refused = await post(rosa, open_thread.pk, "Mag ik iets vragen?")
        assert (refused["code"], refused["detail"]) == ("forbidden", forbidden)
        await rosa.disconnect()

        maarten, connected, _code = await _connect(headers["maarten"])
        assert connected
        refused = await post(maarten, open_thread.pk, "Mevrouw met BSN 111222333 belt morgen.")
        assert refused["code"] == "invalid" and client_data in refused["detail"]
        hidden, missing = await post(maarten, other.pk, "Hallo"), await post(maarten, 999_999, "Hallo")
        assert (hidden["code"], hidden["detail"]) == (missing["code"], missing["detail"]) == ("not_found", not_found)
        await maarten.disconnect()

    run(scenario)
