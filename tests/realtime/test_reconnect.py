"""What a reconnect costs (handshake + subscribe with the last seq) and what it still refuses.

Through config.asgi with the session cookie, as a browser reconnects after a restart: the session
and user are read once in the socket's connect trip (wijkverband/realtime/auth.py), the rights in
one query (tenancy.policy.team_rights_fresh), and a client that has everything the worker's hub
forwarded needs no replay read (docs/realtime.md, "Reconnect storm").
"""

import threading
from datetime import timedelta

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db.backends import utils
from django.test import Client
from django.utils import timezone

from config.asgi import application
from tests.realtime.helpers import sync, wait_until
from tests.realtime.loop import run
from tests.threads.helpers import post, topic
from wijkverband.accounts.models import Session
from wijkverband.accounts.second_factor import has_second_factor
from wijkverband.realtime import codes
from wijkverband.tenancy import services as tenancy_services
from wijkverband.tenancy.models import Membership
from wijkverband.tenancy.second_factor import second_factor_required, socket_refusal

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = ["carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines"]


def _signed_in(user) -> tuple[bytes, str]:
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={key}".encode(), key


class Browser:
    def __init__(self, cookie: bytes):
        self.c = WebsocketCommunicator(
            application, "/ws/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
        )

    async def open(self) -> "Browser":
        connected, _code = await self.c.connect(timeout=3)
        assert connected
        return self

    async def subscribe(self, thread_id: int, after=None) -> list[dict]:
        await self.c.send_json_to({"type": "subscribe", "thread": thread_id, "after": after})
        frames = []
        while True:
            frames.append(await self.c.receive_json_from(3))
            if frames[-1]["type"] in {"subscribed", "reset", "error"}:
                return frames

    async def events(self) -> list[dict]:
        """The sequenced events that arrive until the socket is quiet (presence frames left out)."""
        frames = []
        while not await self.c.receive_nothing(0.3):
            frame = await self.c.receive_json_from(3)
            if frame["type"] == "event":
                frames.append(frame)
        return frames

    async def closed_with(self) -> int:
        while True:
            message = await self.c.receive_output(3)
            if message["type"] == "websocket.close":
                return message["code"]


@pytest.fixture
def statements(monkeypatch):
    """Every SQL statement run in any thread (the socket's work runs in pool threads)."""
    seen: list[str] = []
    lock = threading.Lock()
    original = utils.CursorWrapper._execute

    def counted(self, sql, params, *rest):
        with lock:
            seen.append(sql)
        return original(self, sql, params, *rest)

    monkeypatch.setattr(utils.CursorWrapper, "_execute", counted)
    return seen


def test_a_reconnect_costs_two_queries_and_a_short_replay_one_more(world, statements):
    thread = topic(world)
    for body in ["een", "twee", "drie"]:
        post(thread, world.carla, body)
    cookie, _key = _signed_in(world.maarten)

    async def scenario():
        first = await Browser(cookie).open()  # the page that stays: the worker's hub follows the thread
        assert (await first.subscribe(thread.pk, after=3))[-1] == {"type": "subscribed", "thread": thread.pk, "seq": 3}

        statements.clear()
        again = await Browser(cookie).open()
        frames = await again.subscribe(thread.pk, after=3)
        assert frames == [{"type": "subscribed", "thread": thread.pk, "seq": 3}]
        # The session with its person and the second-factor rule, the thread with the rights: no replay read.
        assert len(statements) == 2, statements
        assert "accounts_user" in statements[0]  # (read with the session: accounts/sessions.py)
        assert "mfa_authenticator" in statements[0]  # (and the rule: tenancy/second_factor.py)
        assert "threads_thread" in statements[1] and "objectpermission" in statements[1]  # (threads/access.py)
        await again.c.disconnect()

        statements.clear()
        behind = await Browser(cookie).open()
        frames = await behind.subscribe(thread.pk, after=1)
        assert [(f["type"], f.get("seq")) for f in frames] == [("event", 2), ("event", 3), ("subscribed", 3)]
        assert len(statements) == 3, statements  # ... and the two events
        await behind.c.disconnect()
        await first.c.disconnect()

    run(scenario)


def test_after_a_replay_skipped_on_the_hubs_head_the_next_post_arrives_once(world):
    thread = topic(world)
    post(thread, world.carla, "een")
    cookie, _key = _signed_in(world.maarten)
    carla_cookie, _ = _signed_in(world.carla)

    async def scenario():
        first = await Browser(cookie).open()
        await first.subscribe(thread.pk, after=1)
        again = await Browser(cookie).open()
        assert (await again.subscribe(thread.pk, after=1))[-1]["seq"] == 1
        await sync(post, thread, world.carla, "twee")
        for page in (first, again):
            assert [event["seq"] for event in await page.events()] == [2]
        for page in (first, again):
            await page.c.disconnect()

    run(scenario)


def test_a_thread_of_another_team_is_refused_exactly_like_a_missing_one(world):
    other = topic(world, team=world.team_b, actor=world.bram, title="Zuid")
    cookie, _key = _signed_in(world.carla)

    async def scenario():
        page = await Browser(cookie).open()
        hidden = await page.subscribe(other.pk, after=0)
        missing = await page.subscribe(999_999, after=0)
        assert hidden == [{"type": "error", "code": "not_found", "detail": "No such thread.", "ref": other.pk}]
        assert missing == [{"type": "error", "code": "not_found", "detail": "No such thread.", "ref": 999_999}]
        await page.c.disconnect()

    run(scenario)


def test_a_removed_member_reconnects_to_a_thread_that_is_gone(world):
    thread = topic(world)
    cookie, _key = _signed_in(world.maarten)

    async def scenario():
        page = await Browser(cookie).open()
        assert (await page.subscribe(thread.pk))[-1]["type"] == "subscribed"
        membership = await sync(lambda: Membership.objects.for_team(world.team_a).get(user=world.maarten))
        await sync(tenancy_services.membership_remove, actor=world.carla, membership=membership)
        assert await page.closed_with() == codes.RIGHTS_CHANGED
        again = await Browser(cookie).open()
        assert (await again.subscribe(thread.pk, after=0)) == [
            {"type": "error", "code": "not_found", "detail": "No such thread.", "ref": thread.pk}
        ]
        await again.c.disconnect()

    run(scenario)


@pytest.mark.parametrize("ending", ["signed_out", "expired", "deactivated", "new_password", "made_up"])
def test_a_session_that_ended_is_refused_on_connect(world, ending):
    user = world.maarten
    cookie, key = _signed_in(user)
    if ending == "signed_out":
        Session.objects.filter(session_key=key).delete()
    elif ending == "expired":
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    elif ending == "deactivated":
        user.is_active = False
        user.save()
    elif ending == "new_password":
        user.set_password("another-correct-horse-battery")
        user.save()
    else:
        cookie = f"{settings.SESSION_COOKIE_NAME}={'x' * 32}".encode()

    async def scenario():
        page = await Browser(cookie).open()
        assert await page.closed_with() == codes.SIGNED_OUT

    run(scenario)


def test_the_second_factor_rule_in_one_query_answers_as_the_pages_do(world):
    people = [world.persona(name) for name in PEOPLE]
    staff = world.bram
    staff.is_staff = True
    for user in [*people, staff]:
        expected = codes.SIGN_IN_INCOMPLETE if second_factor_required(user) and not has_second_factor(user) else None
        assert socket_refusal(user) == expected, user
    # Without a second factor: professionals and overseers are sent to set one up, representatives are not.
    from allauth.mfa.models import Authenticator

    Authenticator.objects.all().delete()
    for user in [*people, staff]:
        expected = codes.SIGN_IN_INCOMPLETE if second_factor_required(user) else None
        assert socket_refusal(user) == expected, user
    assert socket_refusal(world.olga) == codes.SIGN_IN_INCOMPLETE
    assert socket_refusal(world.rosa) is None


def test_a_persons_tabs_reconnecting_together_mark_them_online_once(world, monkeypatch):
    from wijkverband.realtime import presence

    marked = []
    monkeypatch.setattr(presence, "users_mark_online", lambda ids: marked.append(list(ids)))
    cookie, _key = _signed_in(world.maarten)

    async def scenario():
        tabs = [await Browser(cookie).open() for _ in range(3)]
        # The mark is written off the handshake, on the hub's pool: on a busy machine it came after
        # the tabs had closed and the test's loop had ended (CI saw none). Wait for it, then more.
        await wait_until(lambda: len(marked) >= runs, what="the person marked online")
        for tab in tabs:
            await tab.c.disconnect()

    runs = 1
    run(scenario)
    assert marked == [[world.maarten.pk]]
    presence._marked_at[world.maarten.pk] -= presence.REFRESH_SECONDS  # later: marked again
    runs = 2
    run(scenario)
    assert marked == [[world.maarten.pk]] * 2


def test_the_written_out_session_and_user_reads_answer_as_the_orm(world):
    """The handshake reads the session row and the user with queries written out once per process
    (realtime/lifecycle.py); what they give must be exactly what the ORM gives, dates included."""
    from django.contrib.auth import get_user_model, load_backend

    from wijkverband.realtime import lifecycle

    user = world.maarten
    user.last_login = timezone.now() - timedelta(days=3)
    user.save()
    _cookie, key = _signed_in(user)
    session = Session.objects.get(session_key=key)

    data, expiry = lifecycle._session_read(key)
    assert data == session.get_decoded()
    assert expiry == session.expire_date and timezone.is_aware(expiry)

    for path in settings.AUTHENTICATION_BACKENDS:
        backend = load_backend(path)
        if path.startswith("guardian."):
            continue  # guards object permissions; no session is signed in through it
        assert lifecycle.stock_get_user(backend), path  # so the written-out read is the one that runs

    read = lifecycle._user_read(user.pk)
    fresh = get_user_model().objects.get(pk=user.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(fresh, field.attname), field.name
    assert read._state.adding is False and read._state.db == "default"

    assert lifecycle._user_read(10**9) is None
    user.is_active = False
    user.save()
    assert lifecycle._user_read(user.pk) is None
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert lifecycle._session_read(key) == (None, None)


class OwnUserBackend:
    """A backend with a get_user of its own (say, one that reads users from a directory)."""

    asked: list = []

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        OwnUserBackend.asked.append(user_id)
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk=user_id).first()


def test_a_backend_with_a_get_user_of_its_own_is_asked_as_django_would(world, settings):
    from django.contrib.auth import BACKEND_SESSION_KEY

    from wijkverband.realtime import lifecycle

    path = f"{__name__}.OwnUserBackend"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, path]
    _cookie, key = _signed_in(world.maarten)
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data[BACKEND_SESSION_KEY] = path
    session.session_data = Session.objects.encode(data)
    session.save()
    OwnUserBackend.asked.clear()

    user, expiry = lifecycle.session_user(key)
    assert user == world.maarten and expiry == session.expire_date
    assert OwnUserBackend.asked == [world.maarten.pk]  # its own get_user, not the written-out read
