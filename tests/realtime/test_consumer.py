"""The WebSocket protocol (DESIGN.md section 5) against the real consumer, services and database."""

import asyncio
import json
import uuid

import pytest
from channels.layers import get_channel_layer

from tests.realtime.helpers import connect, signed_in_session, sync
from tests.realtime.loop import run
from tests.threads.helpers import post, topic
from wijkverband.realtime import codes, consumers
from wijkverband.tenancy import services as tenancy_services
from wijkverband.tenancy.models import Membership
from wijkverband.threads import services
from wijkverband.threads.models import Event, Message, ReadMarker

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_sockets_are_refused(world):
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser

    async def scenario():
        communicator = WebsocketCommunicator(consumers.live_socket, "/ws/")
        communicator.scope["user"] = AnonymousUser()
        connected, _subprotocol = await communicator.connect()
        assert connected
        assert await communicator.receive_output(3) == {"type": "websocket.close", "code": 4001}

    run(scenario)


def test_subscribe_replays_what_was_missed_then_goes_live(world):
    thread = topic(world)
    for body in ["een", "twee", "drie"]:
        post(thread, world.carla, body)

    async def scenario():
        maarten = await connect(world.maarten)
        frames = await maarten.subscribe(thread.pk, after=1)
        assert [(f["type"], f.get("seq")) for f in frames] == [("event", 2), ("event", 3), ("subscribed", 3)]
        assert frames[0]["kind"] == "message.created" and "twee" in frames[0]["data"]["html"]
        carla = await connect(world.carla)
        ack = await carla.post(thread.pk, "vier")
        assert ack["type"] == "ack" and ack["seq"] == 4
        live = await maarten.until("event")
        assert live["seq"] == 4 and live["data"]["id"] == ack["message"]
        assert await maarten.quiet()
        await maarten.close()
        await carla.close()

    run(scenario)


def test_a_thread_of_another_team_answers_exactly_like_one_that_does_not_exist(world):
    other = topic(world, team=world.team_b, actor=world.bram, title="Zuid")

    async def scenario():
        carla = await connect(world.carla)
        hidden = await carla.subscribe(other.pk)
        missing = await carla.subscribe(999_999)
        assert hidden[-1] == {**missing[-1], "ref": other.pk}
        assert hidden[-1]["code"] == "not_found"
        for frame in (
            {"type": "post", "thread": other.pk, "client_id": str(uuid.uuid4()), "body": "x"},
            {"type": "read", "thread": other.pk, "seq": 1},
            {"type": "typing", "thread": other.pk},
        ):
            await carla.send(frame)
            answer = await carla.until("error")
            assert answer["code"] == "not_found", frame
        # The socket stays open.
        own = topic_for_carla = await sync(topic, world)
        frames = await carla.subscribe(topic_for_carla.pk)
        assert frames[-1]["type"] == "subscribed" and own.pk == frames[-1]["thread"]
        await carla.close()

    run(scenario)
    assert not Message.objects.filter(thread=other).exists()
    assert not ReadMarker.objects.filter(thread=other).exists()


@pytest.mark.parametrize(
    ("persona", "closed", "opened", "can_post"),
    [
        ("maarten", "subscribed", "subscribed", True),
        ("carla", "subscribed", "subscribed", True),
        ("olga", "subscribed", "subscribed", False),  # overseer: reads; posts only when escalated
        ("rosa", "not_found", "subscribed", False),  # representative: opened threads only, never posts
        ("rik", "not_found", "subscribed", False),
        ("bram", "not_found", "not_found", False),
        ("otto", "not_found", "not_found", False),
    ],
)
def test_rights_per_role_over_the_socket(world, persona, closed, opened, can_post):
    closed_thread = topic(world, title="Team")
    opened_thread = topic(world, title="Open", open_to_representatives=True)
    user = world.persona(persona)

    async def scenario():
        socket = await connect(user)
        assert (await socket.subscribe(closed_thread.pk))[-1].get("code", "subscribed") == closed
        assert (await socket.subscribe(opened_thread.pk))[-1].get("code", "subscribed") == opened
        answer = await socket.post(opened_thread.pk, "Mag ik?")
        if can_post:
            assert answer["type"] == "ack"
        else:
            assert answer["code"] == ("forbidden" if opened == "subscribed" else "not_found")
        await socket.close()

    run(scenario)
    assert Message.objects.filter(thread=opened_thread).exists() == can_post


def test_overseers_post_in_escalated_threads(world):
    thread = topic(world, title="Knelpunt")
    services.thread_set_escalated(actor=world.carla, thread=thread, escalated=True)

    async def scenario():
        olga = await connect(world.olga)
        assert (await olga.post(thread.pk, "Vanuit de regio"))["type"] == "ack"
        await olga.close()

    run(scenario)


def test_a_repeated_post_returns_the_same_ack_and_creates_nothing(world):
    thread = topic(world)
    client_id = str(uuid.uuid4())

    async def scenario():
        watcher = await connect(world.maarten)
        await watcher.subscribe(thread.pk)
        carla = await connect(world.carla)
        first = await carla.post(thread.pk, "Hallo", client_id=client_id)
        # After a timeout or a reconnect the client sends it again, on a new socket.
        await carla.close()
        carla = await connect(world.carla)
        again = await carla.post(thread.pk, "Hallo", client_id=client_id)
        assert first == again
        events = await watcher.collect("event")
        assert [e["seq"] for e in events] == [1]
        await carla.close()
        await watcher.close()

    run(scenario)
    assert Message.objects.filter(thread=thread).count() == 1


BAD_FRAMES = [
    ("not json", "invalid"),
    ("[1, 2]", "invalid"),
    ('{"thread": 1}', "invalid"),
    ('{"type": "launch", "thread": 1}', "invalid"),
    ('{"type": "subscribe", "thread": "1"}', "invalid"),
    ('{"type": "subscribe", "thread": true}', "invalid"),
    ('{"type": "subscribe", "thread": -3}', "invalid"),
    ('{"type": "subscribe", "thread": THREAD, "after": "x"}', "invalid"),
    ('{"type": "post", "thread": THREAD, "client_id": 5, "body": "x"}', "invalid"),
    ('{"type": "post", "thread": THREAD, "client_id": "not-a-uuid", "body": "x"}', "invalid"),
    ('{"type": "post", "thread": THREAD, "client_id": "CID", "body": ["x"]}', "invalid"),
    ('{"type": "post", "thread": THREAD, "client_id": "CID", "body": "   "}', "invalid"),
    ('{"type": "post", "thread": THREAD, "client_id": "CID", "body": "BIG"}', "too_large"),
    ('{"type": "post", "thread": THREAD, "client_id": "CID", "body": "x", "pad": "HUGE"}', "too_large"),
    ('{"type": "read", "thread": THREAD, "seq": -1}', "invalid"),
    ('{"type": "read", "thread": THREAD, "seq": "3"}', "invalid"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_FRAMES, ids=[f"{i}-{c}" for i, (_r, c) in enumerate(BAD_FRAMES)])
def test_malformed_frames_get_their_error_change_nothing_and_keep_the_socket_open(world, raw, code):
    thread = topic(world)
    raw = (
        raw.replace("THREAD", str(thread.pk))
        .replace("CID", str(uuid.uuid4()))
        .replace("BIG", "x" * 10_001)
        .replace("HUGE", "y" * 70_000)
    )

    async def scenario():
        socket = await connect(world.carla)
        await socket.send(raw)
        answer = await socket.until("error")
        assert answer["code"] == code
        assert (await socket.subscribe(thread.pk))[-1]["type"] == "subscribed"
        await socket.close()

    run(scenario)
    assert not Message.objects.exists() and not Event.objects.exists() and not ReadMarker.objects.exists()


def test_binary_frames_are_invalid(world):
    async def scenario():
        socket = await connect(world.carla)
        await socket.c.send_to(bytes_data=b"\x00\x01")
        assert (await socket.until("error"))["code"] == "invalid"
        await socket.close()

    run(scenario)


def test_too_many_frames_per_second_are_answered_with_rate_limited(world, monkeypatch):
    monkeypatch.setattr(consumers, "FRAME_BURST", 5)
    monkeypatch.setattr(consumers, "FRAMES_PER_SECOND", 1)
    thread = topic(world)

    async def scenario():
        socket = await connect(world.carla)
        for _ in range(8):
            await socket.send({"type": "read", "thread": thread.pk, "seq": 0})
        frames = await socket.collect()
        assert [f["type"] for f in frames].count("read") == 5
        assert [f.get("code") for f in frames if f["type"] == "error"] == ["rate_limited"] * 3
        await socket.close()

    run(scenario)


def test_a_post_over_the_frame_rate_is_refused_with_its_client_id_and_saves_nothing(world, monkeypatch):
    """Refused without its client id, the page kept the post as "Wordt verstuurd…" until the
    socket reconnected; with it, the page sends it again after a while (threads.js, `refused`)."""
    from wijkverband.threads.models import Message

    monkeypatch.setattr(consumers, "FRAME_BURST", 2)
    monkeypatch.setattr(consumers, "FRAMES_PER_SECOND", 0.01)
    thread = topic(world)
    client_id = str(uuid.uuid4())

    async def scenario():
        socket = await connect(world.carla)
        for _ in range(2):
            await socket.send({"type": "read", "thread": thread.pk, "seq": 0})
        await socket.send({"type": "post", "thread": thread.pk, "client_id": client_id, "body": "te snel"})
        await socket.send({"type": "read", "thread": thread.pk, "seq": 0})
        frames = await socket.collect()
        errors = [(f["code"], f["ref"]) for f in frames if f["type"] == "error"]
        assert errors == [("rate_limited", client_id), ("rate_limited", None)]
        await socket.close()

    run(scenario)
    assert not Message.objects.filter(client_id=client_id).exists()


def test_too_many_posts_per_minute_are_rate_limited(world, monkeypatch):
    from wijkverband.threads import services as thread_services

    monkeypatch.setattr(thread_services, "POSTS_PER_MINUTE", 3)
    thread = topic(world)

    async def scenario():
        socket = await connect(world.carla)
        answers = [await socket.post(thread.pk, f"bericht {i}") for i in range(4)]
        assert [a["type"] for a in answers] == ["ack", "ack", "ack", "error"]
        assert answers[-1]["code"] == "rate_limited"
        await socket.close()

    run(scenario)
    assert Message.objects.filter(thread=thread).count() == 3


def test_read_markers_over_the_socket(world):
    thread = topic(world)
    post(thread, world.carla, "een")
    post(thread, world.carla, "twee")

    async def scenario():
        socket = await connect(world.maarten)
        await socket.send({"type": "read", "thread": thread.pk, "seq": 2})
        assert (await socket.until("read")) == {"type": "read", "thread": thread.pk, "seq": 2}
        await socket.close()

    run(scenario)
    assert ReadMarker.objects.get(thread=thread, user=world.maarten).seq == 2


def test_typing_reaches_the_others_briefly_and_is_rate_limited(world):
    thread = topic(world)

    async def scenario():
        maarten = await connect(world.maarten)
        carla = await connect(world.carla)
        await maarten.subscribe(thread.pk)
        await carla.subscribe(thread.pk)
        await carla.send({"type": "typing", "thread": thread.pk})
        await carla.send({"type": "typing", "thread": thread.pk})
        typing = await maarten.collect("typing")
        assert [t["user"]["id"] for t in typing] == [world.carla.pk]
        assert await carla.collect("typing") == []  # not echoed to the typist
        await maarten.close()
        await carla.close()

    run(scenario)


def test_a_representative_may_not_signal_typing(world):
    thread = topic(world, open_to_representatives=True)

    async def scenario():
        rosa = await connect(world.rosa)
        await rosa.subscribe(thread.pk)
        await rosa.send({"type": "typing", "thread": thread.pk})
        assert (await rosa.until("error"))["code"] == "forbidden"
        await rosa.close()

    run(scenario)


def test_one_group_membership_per_worker_however_many_sockets(world):
    thread = topic(world)

    layer = get_channel_layer()
    joins = []
    real_group_add = layer.group_add

    async def group_add(group, channel):
        joins.append(group)
        await real_group_add(group, channel)

    layer.group_add = group_add

    async def scenario():
        sockets = [await connect(world.maarten) for _ in range(5)] + [await connect(world.carla)]
        for socket in sockets:
            await socket.subscribe(thread.pk)
        assert joins.count(f"wv.thread.{thread.pk}") == 1
        await sockets[-1].post(thread.pk, "voor iedereen")
        for socket in sockets[:-1]:
            assert [e["seq"] for e in await socket.collect("event", timeout=0.2)] == [1]
        for socket in sockets:
            await socket.close()

    run(scenario)


def test_removing_a_membership_closes_that_persons_sockets_at_once(world):
    thread = topic(world)

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        membership = await sync(lambda: Membership.objects.get(team=world.team_a, user=world.maarten))
        await sync(tenancy_services.membership_remove, actor=world.carla, membership=membership)
        closed = await maarten.until("__closed__")
        assert closed["code"] == codes.RIGHTS_CHANGED
        # Reconnecting, the thread is gone for him.
        maarten = await connect(world.maarten)
        assert (await maarten.subscribe(thread.pk))[-1]["code"] == "not_found"
        await maarten.close()

    run(scenario)


def test_signing_out_closes_the_sockets_of_that_session(world):
    from django.contrib.auth.signals import user_logged_out

    async def scenario():
        abc, xyz = await sync(signed_in_session, world.carla), await sync(signed_in_session, world.carla)
        this_tab = await connect(world.carla, session_key=abc)
        other_device = await connect(world.carla, session_key=xyz)
        request = type("R", (), {"session": type("S", (), {"session_key": abc})()})()
        await sync(user_logged_out.send, sender=type(world.carla), request=request, user=world.carla)
        assert (await this_tab.until("__closed__"))["code"] == codes.SIGNED_OUT
        assert await other_device.quiet()
        await other_device.close()

    run(scenario)


def test_a_slow_socket_is_closed_with_reconnect_code_and_delays_nobody(world, monkeypatch):
    monkeypatch.setattr(consumers, "QUEUE_LIMIT", 5)
    monkeypatch.setattr(consumers, "CLOSE_GRACE_SECONDS", 0.2)
    thread = topic(world)

    async def stalled(scope, receive, send):
        async def slow_send(message):
            if message["type"] == "websocket.send" and '"kind"' in message.get("text", ""):
                await asyncio.sleep(30)  # a client that stopped reading
            await send(message)

        await consumers.live_socket(scope, receive, slow_send)

    async def scenario():
        slow = await connect(world.pieter, app=stalled)
        fast = await connect(world.maarten)
        await slow.subscribe(thread.pk)
        await fast.subscribe(thread.pk)
        carla = await connect(world.carla)
        await asyncio.sleep(0.2)  # the worker's channel-layer reader runs (as in any worker after its first socket)
        for i in range(12):
            await carla.post(thread.pk, f"m{i}")
        events = await fast.collect("event", timeout=0.5)
        assert [e["seq"] for e in events] == list(range(1, 13))
        closed = await slow.until("__closed__", timeout=3)
        assert closed["code"] == codes.TOO_SLOW
        await fast.close()
        await carla.close()

    run(scenario)


def test_the_hub_puts_events_back_in_order_and_reads_lost_ones_from_the_database(world, monkeypatch):
    from wijkverband.realtime import publish

    thread = topic(world)

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        held = []
        monkeypatch.setattr(publish, "_send", lambda group, message: held.append(message))
        for body in ["een", "twee", "drie"]:
            await sync(post, thread, world.carla, body)
        monkeypatch.undo()
        # Only the doorbell of seq 3 arrives; 1 and 2 were lost by the channel layer.
        await get_channel_layer().group_send(f"wv.thread.{thread.pk}", held[2])
        events = await maarten.collect("event", timeout=0.5)
        assert [e["seq"] for e in events] == [1, 2, 3]
        # A late duplicate changes nothing.
        await get_channel_layer().group_send(f"wv.thread.{thread.pk}", held[0])
        assert await maarten.quiet()
        await maarten.close()

    run(scenario)


def test_subscribing_past_the_replay_bound_answers_reset(world, monkeypatch):
    from wijkverband.threads import selectors

    monkeypatch.setattr(selectors, "REPLAY_LIMIT", 2)
    thread = topic(world)
    for body in ["een", "twee", "drie"]:
        post(thread, world.carla, body)

    async def scenario():
        socket = await connect(world.maarten)
        assert (await socket.subscribe(thread.pk, after=0))[-1] == {"type": "reset", "thread": thread.pk}
        assert (await socket.subscribe(thread.pk, after=1))[-1]["type"] == "subscribed"
        await socket.close()

    run(scenario)


def test_subscribing_after_more_than_the_thread_holds_answers_reset(world):
    """Found by an exploratory security test: "after": 1000000 was echoed back as the thread's seq,
    so a client (or one whose database was restored from a backup) skipped every message up to
    there without a word. It starts again instead; its own last seq is still fine."""
    thread = topic(world)
    for body in ["een", "twee", "drie"]:
        post(thread, world.carla, body)

    async def scenario():
        socket = await connect(world.maarten)
        for after in (4, 1_000_000, 10**30):
            assert (await socket.subscribe(thread.pk, after=after))[-1] == {"type": "reset", "thread": thread.pk}
        assert (await socket.subscribe(thread.pk, after=3))[-1] == {"type": "subscribed", "thread": thread.pk, "seq": 3}
        # Subscribed from its own seq, it gets the next message.
        carla = await connect(world.carla)
        assert (await carla.post(thread.pk, "vier"))["type"] == "ack"
        assert (await socket.until("event"))["seq"] == 4
        await carla.close()
        await socket.close()

    run(scenario)


def test_notifications_are_pushed_live_to_the_mentioned_person(world):
    thread = topic(world)

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        carla = await connect(world.carla)
        await carla.post(thread.pk, "Kun jij dit oppakken @maarten?")
        note = await maarten.until("notification")
        assert note["kind"] == "mention" and note["thread"] == thread.pk
        assert "oppakken" not in json.dumps(note)
        await maarten.close()
        await carla.close()

    run(scenario)


def test_reading_a_mention_over_the_socket_updates_the_header_count_on_every_open_page(world):
    thread = topic(world)
    post(thread, world.carla, "Kun jij dit oppakken @maarten?")
    other = services.thread_create(actor=world.carla, team=world.team_a, title="Ander gesprek")
    post(other, world.carla, "En dit, @maarten?")

    async def scenario():
        reading = await connect(world.maarten)
        elsewhere = await connect(world.maarten)  # another tab: the team home, say
        someone_else = await connect(world.carla)
        await reading.send({"type": "read", "thread": thread.pk, "seq": 1})
        assert (await elsewhere.until("notifications")) == {"type": "notifications", "unread": 1}
        assert (await reading.until("notifications"))["unread"] == 1
        assert await someone_else.quiet()
        # Reading again changes nothing, so nobody is told anything.
        await reading.send({"type": "read", "thread": thread.pk, "seq": 1})
        await reading.until("read")
        assert await elsewhere.quiet()
        for socket in (reading, elsewhere, someone_else):
            await socket.close()

    run(scenario)


def test_open_sockets_share_the_workers_redis_connections(world):
    """Each socket used to keep a Redis connection of its own (Django's cache per context)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the embedded cache has no connections (CI runs this on Redis)")
    thread = topic(world)
    client = caches["default"]._cache.get_client(write=True)

    def connected() -> int:
        return len(client.client_list())

    counts = {}

    async def scenario():
        counts["before"] = await sync(connected)
        sockets = [await connect(user) for user in (world.maarten, world.carla, world.sofie) for _ in range(8)]
        for socket in sockets:
            await socket.subscribe(thread.pk)
        await sockets[1].post(thread.pk, "voor iedereen")
        counts["during"] = await sync(connected)
        for socket in sockets:
            await socket.close()

    run(scenario)
    opened = counts["during"] - counts["before"]
    assert opened < 6, f"24 sockets opened {opened} Redis connections"


def test_the_cache_pool_is_one_per_process_and_address():
    from wijkverband.core.redis import SharedConnectionPool

    first = SharedConnectionPool.from_url("redis://127.0.0.1:6379/5", parser_class=None)
    assert SharedConnectionPool.from_url("redis://127.0.0.1:6379/5", parser_class=None) is first
    assert SharedConnectionPool.from_url("redis://127.0.0.1:6379/6", parser_class=None) is not first


def test_a_post_reaches_the_sockets_of_its_own_worker_at_once_even_when_the_channel_layer_fails(world, monkeypatch):
    """The socket's post hands its event to its own worker's hub before the channel layer
    (docs/realtime.md, "Cost of a post"): with the layer failing, the readers on that worker get it
    at once, and once; the layer's copy, when it works, is not sent twice (the test above)."""
    thread = topic(world)
    layer = get_channel_layer()
    real_group_send = layer.group_send
    refused = []

    async def group_send(group, message):
        if message.get("type") == "wv.event":
            refused.append(message["seq"])
            raise ConnectionError("Redis is down")
        await real_group_send(group, message)

    monkeypatch.setattr(layer, "group_send", group_send)

    async def scenario():
        watcher = await connect(world.maarten)
        await watcher.subscribe(thread.pk)
        carla = await connect(world.carla)
        await carla.subscribe(thread.pk)
        ack = await carla.post(thread.pk, "Zonder Redis")
        assert ack["type"] == "ack" and ack["seq"] == 1
        assert [e["seq"] for e in await watcher.collect("event", timeout=0.3)] == [1]
        await carla.collect(timeout=0.1)
        assert [f["seq"] for f in carla.seen if f["type"] == "event"] == [1]  # her own, before its ack
        await carla.close()
        await watcher.close()

    run(scenario)
    assert refused == [1]  # the doorbell was tried (the other workers catch up from the database)


def test_a_client_gone_mid_send_ends_its_socket_quietly(world, caplog):
    """uvicorn raises ClientDisconnected (an OSError) from a send to a client that went away. The
    socket ends as on a disconnect; nothing reaches the worker's log as an unretrieved error."""
    import gc

    from uvicorn.protocols.utils import ClientDisconnected

    thread = topic(world)

    async def gone(scope, receive, send):
        async def failing_send(message):
            if message["type"] == "websocket.send":
                raise ClientDisconnected()
            await send(message)

        await consumers.live_socket(scope, receive, failing_send)

    async def scenario():
        session = await connect(world.pieter, app=gone)
        await session.send({"type": "subscribe", "thread": thread.pk, "after": None})
        await asyncio.wait_for(session.c.future, 3)  # the socket's application ended
        assert session.c.future.exception() is None
        gc.collect()  # an unretrieved task exception is reported when the task is collected
        await asyncio.sleep(0)

    with caplog.at_level("ERROR", logger="asyncio"):
        run(scenario)
        gc.collect()
    assert not [r for r in caplog.records if r.name == "asyncio"], caplog.text


def test_a_thread_list_watching_its_team_hears_of_activity_in_threads_it_does_not_follow(world, monkeypatch):
    """The thread list follows only its page's threads; activity elsewhere in the team (a thread
    of page 2 moving up, a new thread) changed the total and the order without a word. A socket
    watching the team hears of it: one small frame, never the text, and only of threads the person
    reads (a representative hears only of threads opened to them); another team is not_found.

    A process rings a team at most once per TEAM_RING_SECONDS: the activity meanwhile goes in one
    ring at the end of it (a ring per post cost the sender's worker 0.3 ms of CPU a post)."""
    from wijkverband.realtime import publish

    monkeypatch.setattr(publish, "TEAM_RING_SECONDS", 0.5)
    closed = topic(world, title="Intern")
    opened = topic(world, title="Open", open_to_representatives=True)

    async def scenario():
        maarten = await connect(world.maarten)
        rosa = await connect(world.rosa)  # a client representative of the team
        for socket in (maarten, rosa):
            await socket.send({"type": "watch_team", "team": world.team_a.pk})
            assert (await socket.until("watching_team")) == {"type": "watching_team", "team": world.team_a.pk}
        await sync(post, closed, world.carla, "Alleen voor het team")
        frame = await maarten.until("team_activity", timeout=0.3)  # the first ring goes at once
        assert frame == {"type": "team_activity", "team": world.team_a.pk, "thread": closed.pk}
        assert await rosa.quiet()
        # Within the half second: gathered, and rung once at its end.
        await sync(post, opened, world.carla, "Voor iedereen")
        assert await maarten.quiet(0.1)
        assert (await maarten.until("team_activity"))["thread"] == opened.pk
        assert (await rosa.until("team_activity"))["thread"] == opened.pk
        assert await maarten.quiet(0.7)
        # Quiet since: a new thread rings at once again; a representative does not hear of it.
        await asyncio.sleep(0.5)
        new = await sync(topic, world, title="Nieuw onderwerp")
        assert (await maarten.until("team_activity", timeout=0.3))["thread"] == new.pk
        # Two threads gathered in one ring name none; it reaches a representative if one of them
        # was opened to her.
        await sync(post, closed, world.carla, "Nog een intern")
        await sync(post, opened, world.carla, "Nog een open")
        gathered = await maarten.until("team_activity")
        assert gathered == {"type": "team_activity", "team": world.team_a.pk, "thread": None}
        assert (await rosa.until("team_activity"))["thread"] is None
        assert await maarten.quiet(0.7)
        # Another team's, one that does not exist, and nonsense.
        bram = await connect(world.bram)
        await bram.send({"type": "watch_team", "team": world.team_a.pk})
        hidden = await bram.until("error")
        await bram.send({"type": "watch_team", "team": 999_999})
        missing = await bram.until("error")
        assert (hidden["code"], missing["code"]) == ("not_found", "not_found")
        assert hidden["detail"] == missing["detail"]
        await bram.send({"type": "watch_team", "team": "1"})
        assert (await bram.until("error"))["code"] == "invalid"
        await sync(post, closed, world.carla, "Nog een")
        assert await bram.quiet(0.7)
        for socket in (maarten, rosa, bram):
            await socket.close()

    run(scenario)
