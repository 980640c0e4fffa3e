"""Property: whatever happens (posts, edits, deletes, acknowledgements, dropped sockets, reconnects),
a client following the protocol ends with exactly the database's view of the thread."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.realtime.helpers import connect, sync
from tests.realtime.loop import run
from tests.threads.helpers import post, topic
from wijkverband.threads import services
from wijkverband.threads.models import Acknowledgement, Message, Thread

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = ["carla", "maarten", "pieter"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.sampled_from(WRITERS), st.text(min_size=1, max_size=30), st.booleans()),
        st.tuples(st.just("socket_post"), st.text(min_size=1, max_size=30)),
        st.tuples(st.just("edit"), st.integers(0, 20), st.text(min_size=1, max_size=30)),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("ack"), st.integers(0, 20), st.sampled_from(WRITERS)),
        st.tuples(st.just("drop")),
        st.tuples(st.just("reconnect")),
    ),
    min_size=1,
    max_size=14,
)


class ClientView:
    """What the browser client keeps: messages by id, acknowledgements, the last seq it has."""

    def __init__(self):
        self.seq = 0
        self.messages: dict[int, dict] = {}
        self.acks: set[tuple[int, int]] = set()
        self.gap = False

    def apply(self, frame: dict) -> None:
        if frame["type"] == "reset":
            raise AssertionError("unexpected reset: the replay bound is far away")
        if frame["type"] != "event":
            return
        if frame["seq"] <= self.seq:
            return  # already have it
        if frame["seq"] > self.seq + 1:
            self.gap = True  # the client re-subscribes with after=self.seq
            return
        self.seq = frame["seq"]
        if frame["kind"].startswith("message."):
            self.messages[frame["data"]["id"]] = frame["data"]
        elif frame["kind"] == "ack.added":
            self.acks.add((frame["data"]["message"], frame["data"]["user"]["id"]))


def _has_text(text: str) -> bool:
    # NUL characters are refused (tests/threads/test_services.py), so the model skips them too.
    return bool(text.strip()) and "\x00" not in text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_the_client_view_equals_the_database(world, ops, monkeypatch):
    monkeypatch.setattr(services, "POSTS_PER_MINUTE", 10_000)  # many examples share one minute
    thread = topic(world, title="Eigenschap")
    view = ClientView()

    async def scenario():
        socket = await connect(world.maarten)
        carla = await connect(world.carla)
        for frame in await socket.subscribe(thread.pk, after=None):
            view.apply(frame)

        async def drain():
            """Read until the client has every event the database has (the awaited frames, not a
            quiet spell: a frame that never comes fails the example at recv's timeout)."""
            nonlocal socket
            if socket is None:
                return
            last = await sync(lambda: Thread.objects.values_list("seq", flat=True).get(pk=thread.pk))
            while view.seq < last:
                view.apply(await socket.recv())
                if view.gap:
                    view.gap = False
                    for frame in await socket.subscribe(thread.pk, after=view.seq):
                        view.apply(frame)

        for op in ops:
            kind = op[0]
            messages = await sync(
                lambda: list(Message.objects.filter(thread=thread).select_related("author").order_by("seq"))
            )
            if kind == "post" and _has_text(op[2]):
                await sync(post, thread, world.persona(op[1]), op[2], asks_ack=op[3])
            elif kind == "socket_post" and _has_text(op[1]):
                assert (await carla.post(thread.pk, op[1]))["type"] == "ack"
            elif kind == "edit" and messages and _has_text(op[2]):
                message = messages[op[1] % len(messages)]
                if not message.is_deleted:
                    await sync(services.message_edit, actor=message.author, message=message, body=op[2])
            elif kind == "delete" and messages:
                message = messages[op[1] % len(messages)]
                if not message.is_deleted:
                    await sync(services.message_delete, actor=message.author, message=message)
            elif kind == "ack" and messages:
                message = messages[op[1] % len(messages)]
                user = world.persona(op[2])
                if message.asks_ack and not message.is_deleted and message.author_id != user.pk:
                    await sync(services.message_acknowledge, actor=user, message=message)
            elif kind == "drop" and socket is not None:
                await socket.close()
                socket = None
            elif kind == "reconnect":
                if socket is not None:
                    await socket.close()
                socket = await connect(world.maarten)
                for frame in await socket.subscribe(thread.pk, after=view.seq):
                    view.apply(frame)
            await drain()

        if socket is None:
            socket = await connect(world.maarten)
            for frame in await socket.subscribe(thread.pk, after=view.seq):
                view.apply(frame)
        await drain()
        await socket.close()
        await carla.close()

    run(scenario)

    rows = list(Message.objects.filter(thread=thread).select_related("author"))
    assert set(view.messages) == {m.pk for m in rows}
    for message in rows:
        seen = view.messages[message.pk]
        assert seen["deleted"] == message.is_deleted
        assert seen["html"] == ("" if message.is_deleted else message.body_html)
        assert bool(seen["edited_at"]) == (message.edited_at is not None)
    assert view.acks == set(Acknowledgement.objects.filter(message__thread=thread).values_list("message_id", "user_id"))
    thread.refresh_from_db()
    assert view.seq == thread.seq
