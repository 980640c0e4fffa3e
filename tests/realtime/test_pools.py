"""The socket's thread pools (wijkverband/realtime/pools.py): they survive a fork (a live server
forked from a process that used them), and a socket's database work and the hub's never wait for
the process's one thread-sensitive thread. Under ASGI that thread serves every socket call left on
it, one at a time: after a restart, thousands of read markers would queue there, and a gap fill
behind them."""

import asyncio
import multiprocessing
import threading

import pytest
from asgiref.sync import sync_to_async

from tests.realtime.helpers import connect, wait_until
from tests.realtime.loop import run
from tests.threads.helpers import post, topic
from wijkverband.realtime import pools
from wijkverband.realtime.fanout import get_hub
from wijkverband.threads.models import ReadMarker


def _use_the_pool_in_the_child(answers):
    try:
        answers.put(pools._pool("connect").submit(lambda: 42).result(timeout=5))
    except Exception as error:  # noqa: BLE001 - reported to the parent
        answers.put(repr(error))


def test_a_forked_process_gets_pools_of_its_own_and_their_work_runs():
    assert pools._pool("connect").submit(lambda: 1).result(timeout=5) == 1  # the parent's threads exist
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_use_the_pool_in_the_child, args=(answers,))
    child.start()
    try:
        assert answers.get(timeout=20) == 42
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


async def _hold_the_sensitive_thread(release: threading.Event) -> asyncio.Future:
    """Keep the thread-sensitive thread busy (a long page, a storm's queue) until `release`."""
    started = threading.Event()

    def busy():
        started.set()
        release.wait(10)

    holding = asyncio.ensure_future(sync_to_async(busy, thread_sensitive=True)())
    while not started.is_set():
        await asyncio.sleep(0.01)
    return holding


@pytest.mark.django_db(transaction=True)
def test_a_read_marker_is_answered_while_the_thread_sensitive_thread_is_busy(world):
    thread = topic(world)
    message = post(thread, world.carla, "Hallo").message

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        release = threading.Event()
        holding = await _hold_the_sensitive_thread(release)
        try:
            await maarten.send({"type": "read", "thread": thread.pk, "seq": message.seq})
            answer = await maarten.until("read", timeout=3)
            assert answer["seq"] == message.seq
        finally:
            release.set()
            await holding
        await maarten.close()

    run(scenario)
    assert ReadMarker.objects.get(thread=thread, user=world.maarten).seq == message.seq


@pytest.mark.django_db(transaction=True)
def test_the_hub_fills_a_gap_while_the_thread_sensitive_thread_is_busy(world):
    thread = topic(world)

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        hub = get_hub()
        release = threading.Event()
        holding = await _hold_the_sensitive_thread(release)
        try:
            # An event the doorbell never rang for (Redis dropped it): the heads check finds it.
            missed = await sync_to_async(post, thread_sensitive=False)(thread, world.carla, "Gemist")
            hub.expected[thread.pk] = missed.message.seq
            await asyncio.wait_for(hub.fill(thread.pk, upto=missed.message.seq), 3)
            frame = await maarten.until("event", timeout=3)
            assert frame["seq"] == missed.message.seq
        finally:
            release.set()
            await holding
        await maarten.close()

    run(scenario)


# --- pages in view first (the handshake and subscribe pools' turns) ------------------------------


def _waiting(pool: str, page: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("wijkverband_socket_work_waiting", {"pool": pool, "page": page}) or 0.0


def test_the_people_writing_then_pages_in_view_then_pages_in_the_background():
    """With the pool's threads busy, waiting work of pages with a post waiting (`/ws/?writing=1`,
    in view or not) runs first, then in view, then in the background, each in order of arrival; a
    job whose task is cancelled while it waits never runs, and the places it would have taken pass
    on."""
    turns = pools._Turns("connect")
    turns.limit = 1
    ran = []

    async def scenario():
        release = asyncio.Event()

        async def job(name):
            ran.append(name)
            if name == "first":
                await release.wait()
            return name

        first = asyncio.ensure_future(turns.run(lambda: job("first"), page=pools.IN_VIEW))
        await asyncio.sleep(0)
        waiting = {
            name: asyncio.ensure_future(
                turns.run(lambda name=name: job(name), page=pools.page_rank(background=background, writing=writing))
            )
            for name, background, writing in [
                ("tab A", True, False), ("page B", False, False), ("tab gone", True, False), ("writer E", False, True),
                ("tab C", True, False), ("page D", False, False), ("writer F in the background", True, True),
            ]
        }  # fmt: skip
        await asyncio.sleep(0)
        assert _waiting("connect", "background") == 3 and _waiting("connect", "in_view") == 2
        assert _waiting("connect", "writing") == 2
        waiting["tab gone"].cancel()  # its task cancelled while it waited (the server stopping)
        await asyncio.sleep(0)
        assert _waiting("connect", "background") == 2
        release.set()
        assert await first == "first"
        await asyncio.gather(*(task for name, task in waiting.items() if name != "tab gone"))
        assert turns.running == 0 and not turns.waiting
        assert [_waiting("connect", page) for page in ("writing", "in_view", "background")] == [0, 0, 0]

    asyncio.run(scenario())
    assert ran == ["first", "writer E", "writer F in the background", "page B", "page D", "tab A", "tab C"]


def test_a_job_given_its_turn_and_cancelled_before_it_ran_passes_the_turn_on():
    turns = pools._Turns("subscribe")
    turns.limit = 1
    ran = []

    async def job(name):
        ran.append(name)

    async def scenario():
        turns.running = 1  # a job holds the one place
        given = asyncio.ensure_future(turns.run(lambda: job("given"), page=pools.IN_VIEW))
        after = asyncio.ensure_future(turns.run(lambda: job("after"), page=pools.BACKGROUND))
        await asyncio.sleep(0)
        turns._end(False)  # that job ends: its place goes to `given`...
        given.cancel()  # ...whose task is cancelled before it ran
        await asyncio.wait_for(after, 2)
        with pytest.raises(asyncio.CancelledError):
            await given
        assert turns.running == 0 and not turns.waiting

    asyncio.run(scenario())
    assert ran == ["after"]


def test_background_work_keeps_to_its_share_of_the_threads_and_pages_in_view_get_the_rest():
    """REALTIME_BACKGROUND_THREADS: the pool's other threads stay free for pages in view, which
    start at once; a second background job waits for the first even with a thread free."""
    turns = pools._Turns("connect")
    turns.limit, turns.background_limit = 3, 1
    started = []

    async def scenario():
        release = {name: asyncio.Event() for name in ("tab A", "tab B", "page C", "page D")}

        async def job(name):
            started.append(name)
            await release[name].wait()

        def start(name, background):
            return asyncio.ensure_future(
                turns.run(lambda: job(name), page=pools.BACKGROUND if background else pools.IN_VIEW)
            )

        tasks = [start("tab A", True), start("tab B", True)]
        await asyncio.sleep(0)
        assert started == ["tab A"] and turns.running == 1  # two threads free, tab B waits
        tasks += [start("page C", False), start("page D", False)]
        await asyncio.sleep(0)
        assert started == ["tab A", "page C", "page D"]
        release["page C"].set()
        await asyncio.sleep(0.01)
        assert "tab B" not in started  # a thread is free, but tab A still has the background's share
        release["tab A"].set()
        await asyncio.sleep(0.01)
        assert started[-1] == "tab B"
        release["tab B"].set()
        release["page D"].set()
        await asyncio.gather(*tasks)
        assert turns.running == turns.running_background == 0 and not turns.waiting

    asyncio.run(scenario())


def test_background_tabs_always_get_at_least_one_thread(settings):
    """A share of 0 (or more threads than the pool has) is not a way to shut background tabs out."""
    settings.REALTIME_BACKGROUND_THREADS = 0
    assert pools._Turns("connect").background_limit == 1
    settings.REALTIME_BACKGROUND_THREADS = 99
    assert pools._Turns("connect").background_limit == pools._threads("connect")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "queued, later",
    [
        # After a restart the background tabs that come back early queue with the pages in view.
        (("background tab", "/ws/?background=1", "background"), ("page in view", "/ws/", "in_view")),
        # A person with a post waiting (reconnect.js) goes before the pages in view queued ahead.
        (("page in view", "/ws/", "in_view"), ("writing", "/ws/?writing=1", "writing")),
    ],
)
def test_a_socket_that_goes_first_is_accepted_before_one_that_queued_before_it(world, queued, later):
    """With every handshake thread busy, the socket that came later but goes first is let in
    first; the one that queued is still let in, and both work."""
    thread = topic(world)
    order = []

    async def scenario():
        threads = pools._threads("connect")
        # Every thread of the handshake pool busy (thousands of handshakes ahead of these two).
        releases = [threading.Event() for _ in range(threads)]
        busy = [asyncio.ensure_future(pools.on_connect_pool(release.wait)(10)) for release in releases]
        await wait_until(lambda: pools._turns_of("connect").running == threads)

        async def open_socket(name, path, user):
            session = await connect(user, path=path, timeout=10)
            order.append(name)
            return session

        (first_name, first_path, first_page), (second_name, second_path, second_page) = queued, later
        first = asyncio.ensure_future(open_socket(first_name, first_path, world.carla))
        await wait_until(lambda: _waiting("connect", first_page) == 1)
        second = asyncio.ensure_future(open_socket(second_name, second_path, world.maarten))
        await wait_until(lambda: _waiting("connect", second_page) == 1)
        releases[0].set()  # one thread comes free: the later one takes it
        await wait_until(lambda: order)
        for release in releases:
            release.set()
        await asyncio.gather(*busy)
        carla, maarten = await asyncio.gather(first, second)
        for session in (carla, maarten):
            subscribed = await session.subscribe(thread.pk)
            assert subscribed[-1]["type"] == "subscribed"
        await asyncio.gather(carla.close(), maarten.close())

    run(scenario)
    assert order == [later[0], queued[0]]


# --- clients that leave while their work waits ------------------------------------------------------


def _dropped(pool: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("wijkverband_socket_work_dropped_total", {"pool": pool}) or 0.0


def test_a_job_whose_client_left_while_it_waited_is_skipped_and_passes_its_turn_on():
    """The job of a client that closed its socket while it waited never runs (ClientGone), and the
    next in line gets the thread; a client still there when its turn comes is served as before."""
    turns = pools._Turns("connect")
    turns.limit = 1
    ran = []
    left = {"tab": False}

    async def job(name):
        ran.append(name)
        return name

    async def scenario():
        dropped = _dropped("connect")
        turns.running = 1  # a job holds the one place
        gone = asyncio.ensure_future(turns.run(lambda: job("gone"), page=pools.IN_VIEW, gone=lambda: left["tab"]))
        stays = asyncio.ensure_future(turns.run(lambda: job("stays"), page=pools.IN_VIEW, gone=lambda: False))
        await asyncio.sleep(0)
        left["tab"] = True  # its page closed while it waited
        turns._end(False)
        with pytest.raises(pools.ClientGone):
            await gone
        assert await asyncio.wait_for(stays, 2) == "stays"
        assert turns.running == 0 and not turns.waiting
        assert _dropped("connect") == dropped + 1

    asyncio.run(scenario())
    assert ran == ["stays"]


def _busy_pool(name: str):
    """Every thread of the pool `name` held until the returned events are set."""
    releases = [threading.Event() for _ in range(pools._threads(name))]
    pool = pools.on_connect_pool if name == "connect" else pools.on_subscribe_pool
    busy = [asyncio.ensure_future(pool(release.wait)(10)) for release in releases]
    return releases, busy


@pytest.mark.django_db(transaction=True)
def test_a_handshake_whose_client_left_while_it_waited_reads_nothing_and_the_next_one_gets_in(world, monkeypatch):
    """In a storm on a worker that cannot keep up, clients give up and try again and pages are
    closed: their queued handshakes must not each cost the database work of a live one."""
    from channels.testing import WebsocketCommunicator

    from wijkverband.realtime import consumers

    checked = []
    real_checks = consumers._connect_checks

    def counting_checks(user, session_key, *args):
        checked.append(user.pk)
        return real_checks(user, session_key, *args)

    monkeypatch.setattr(consumers, "_connect_checks", counting_checks)

    async def scenario():
        dropped = _dropped("connect")
        releases, busy = _busy_pool("connect")
        await wait_until(lambda: pools._turns_of("connect").running == len(releases))
        leaving = WebsocketCommunicator(consumers.live_socket, "/ws/", headers=[(b"origin", b"http://testserver")])
        leaving.scope["user"] = world.carla
        leaving.scope["session"] = type("S", (), {"session_key": None})()
        await leaving.send_input({"type": "websocket.connect"})
        await wait_until(lambda: _waiting("connect", "in_view") == 1)
        staying = asyncio.ensure_future(connect(world.maarten, timeout=10))
        await wait_until(lambda: _waiting("connect", "in_view") == 2)
        await leaving.send_input({"type": "websocket.disconnect", "code": 1006})  # Carla closed the tab
        for release in releases:
            release.set()
        await asyncio.gather(*busy)
        maarten = await staying
        await leaving.wait(timeout=2)  # Carla's socket ended without being accepted
        assert await leaving.receive_nothing()
        await maarten.close()
        assert _dropped("connect") == dropped + 1

    run(scenario)
    assert checked == [world.maarten.pk]


@pytest.mark.django_db(transaction=True)
def test_a_subscribe_whose_client_left_while_it_waited_reads_nothing_and_leaves_no_trace(world, monkeypatch):
    from wijkverband.realtime import consumers

    thread = topic(world)
    read = []
    real_rights = consumers._thread_rights

    def counting_rights(user, thread_id):
        read.append(user.pk)
        return real_rights(user, thread_id)

    monkeypatch.setattr(consumers, "_thread_rights", counting_rights)

    async def scenario():
        dropped = _dropped("subscribe")
        carla = await connect(world.carla)
        releases, busy = _busy_pool("subscribe")
        await wait_until(lambda: pools._turns_of("subscribe").running == len(releases))
        await carla.send({"type": "subscribe", "thread": thread.pk})
        await wait_until(lambda: _waiting("subscribe", "in_view") == 1)
        await carla.c.send_input({"type": "websocket.disconnect", "code": 1006})
        await asyncio.sleep(0.05)  # the read ahead has the disconnect before the turn comes
        for release in releases:
            release.set()
        await asyncio.gather(*busy)
        await carla.c.wait(timeout=2)  # the socket ended
        assert _dropped("subscribe") == dropped + 1
        assert not get_hub().threads.get(thread.pk)  # nothing left joined to the thread

    run(scenario)
    assert read == []
