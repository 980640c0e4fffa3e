"""The socket demands what the pages demand: a professional who has not set up a second factor is
sent to set one up by every page, and closed with 4002 ("finish signing in") by the socket."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from tests.personas import PASSWORD, TOTP_SECRET, make_user
from tests.realtime.loop import run
from tests.threads.helpers import topic
from wijkverband.realtime.codes import RIGHTS_CHANGED, SIGN_IN_INCOMPLETE
from wijkverband.tenancy import services
from wijkverband.tenancy.models import RegionRole

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(email) -> tuple[Client, bytes]:
    """A real sign-in through allauth's form (password only: no second factor to give)."""
    client = Client()
    assert client.post("/accounts/login/", {"login": email, "password": PASSWORD}).status_code == 302
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def _closed_with(socket) -> int:
    """The close code, past any frames still on their way (presence, say)."""
    while (message := await socket.receive_output(3))["type"] != "websocket.close":
        pass
    return message["code"]


async def _open(cookie: bytes):
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    connected, _subprotocol = await communicator.connect(timeout=3)
    assert connected
    return communicator


def test_a_professional_without_a_second_factor_is_told_to_finish_signing_in(world):
    newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
    services.membership_create(actor=None, team=world.team_a, user=newcomer, role="member", organisation=world.gp_a)
    thread = topic(world)
    client, cookie = _signed_in(newcomer.email)
    assert client.get("/t/oost/")["Location"] == "/accounts/2fa/totp/activate/"  # the pages

    async def refused():
        socket = await _open(cookie)  # the socket
        assert await socket.receive_output(3) == {"type": "websocket.close", "code": SIGN_IN_INCOMPLETE}

    run(refused)

    TOTP.activate(newcomer, TOTP_SECRET)  # set up: both let them in

    async def admitted():
        socket = await _open(cookie)
        await socket.send_json_to({"type": "subscribe", "thread": thread.pk, "after": None})
        assert (await socket.receive_json_from(3))["type"] == "subscribed"
        await socket.disconnect()

    run(admitted)
    assert client.get("/t/oost/").status_code == 200


def test_a_representative_made_a_professional_is_closed_and_told_to_finish_signing_in(world):
    assert not Authenticator.objects.filter(user=world.rik).exists()
    thread = topic(world, open_to_representatives=True)
    _client, cookie = _signed_in(world.rik.email)

    async def scenario():
        socket = await _open(cookie)
        await socket.send_json_to({"type": "subscribe", "thread": thread.pk, "after": None})
        assert (await socket.receive_json_from(3))["type"] == "subscribed"
        # The region makes him an overseer: a role that needs a second factor he has not set up.
        await database_sync_to_async(services.region_role_assign)(
            actor=None, region=world.region, user=world.rik, role=RegionRole.Role.OVERSEER
        )
        assert await _closed_with(socket) == RIGHTS_CHANGED
        again = await _open(cookie)  # the page reconnects, as it does after a change of rights
        assert await again.receive_output(3) == {"type": "websocket.close", "code": SIGN_IN_INCOMPLETE}

    run(scenario)


def test_a_new_professional_membership_closes_the_sockets_of_someone_without_a_second_factor(world):
    """A representative (second factor optional) who becomes a member in another team."""
    _client, cookie = _signed_in(world.rosa.email)

    async def scenario():
        socket = await _open(cookie)
        await database_sync_to_async(services.membership_create)(
            actor=None, team=world.team_b, user=world.rosa, role="member", organisation=world.nursing_b
        )
        assert await socket.receive_output(3) == {"type": "websocket.close", "code": RIGHTS_CHANGED, "reason": ""}
        again = await _open(cookie)
        assert await again.receive_output(3) == {"type": "websocket.close", "code": SIGN_IN_INCOMPLETE}

    run(scenario)


def test_a_new_role_closes_nothing_for_someone_who_has_a_second_factor(world):
    client = Client()
    client.force_login(world.maarten)  # signed in with both factors
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    async def scenario():
        socket = await _open(cookie)
        await database_sync_to_async(services.region_role_assign)(
            actor=None, region=world.region, user=world.maarten, role=RegionRole.Role.CLIENT_REPRESENTATIVE
        )
        assert await socket.receive_nothing(0.3)  # still open: a new role only adds rights
        await socket.disconnect()

    run(scenario)
