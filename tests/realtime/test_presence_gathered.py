"""The presence store's reads and writes are gathered (ephemeral.Gathered): the joins and rings
that come while one trip to the store is on its way go together in the next. After a restart
thousands of sockets join at once: one trip each was 15 % of the workers' CPU in a storm."""

import asyncio
import json
from types import SimpleNamespace

import pytest

from wijkverband.realtime import ephemeral, presence


class _Socket:
    def __init__(self, user_id: int, thread_id: int):
        self.user_id = user_id
        self.user = SimpleNamespace(pk=user_id, name=f"Persoon {user_id:02d}", email="")
        self.thread_id = thread_id
        self.frames: list[dict] = []

    def follows(self, thread_id: int) -> bool:
        return thread_id == self.thread_id

    def enqueue(self, frame: str) -> None:
        self.frames.append(json.loads(frame))


class _Layer:
    def __init__(self):
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message))


class _Store:
    """presence's store, in memory, counting the trips (each was one hop to a worker thread)."""

    def __init__(self):
        self.entries: dict[int, dict[str, list]] = {}
        self.reads: list[set] = []
        self.writes: list[set] = []

    def read(self, thread_ids):
        self.reads.append(set(thread_ids))
        return {
            tid: {
                "users": [
                    {"id": uid, "name": name, "read_only": ro}
                    for entry in self.entries.get(tid, {}).values()
                    for uid, name, ro in entry
                ],
                "more": 0,
            }
            for tid in thread_ids
        }

    def write(self, entries, *, worker):
        self.writes.append(set(entries))
        for tid, users in entries.items():
            self.entries.setdefault(tid, {})[worker] = users


@pytest.fixture
def store(monkeypatch):
    store = _Store()
    monkeypatch.setattr(presence, "thread_viewers", store.read)
    monkeypatch.setattr(presence, "thread_viewers_write", store.write)
    return store


def _signals():
    return ephemeral.ThreadSignals(SimpleNamespace(channel="worker-1", layer=_Layer()))


def test_joins_that_come_together_are_answered_by_one_read(store):
    async def scenario():
        signals = _signals()
        sockets = [_Socket(user_id=i, thread_id=100 + i % 20) for i in range(60)]
        await asyncio.gather(*(signals.joined(s.thread_id, s, read_only=False) for s in sockets))
        # One read for sixty joins on twenty threads (before: sixty).
        assert len(store.reads) == 1
        assert store.reads[0] == {100 + i for i in range(20)}
        # Every socket was answered with its own thread's viewers, itself among them.
        for socket in sockets:
            (frame,) = socket.frames
            assert frame["type"] == "presence"
            assert frame["thread"] == socket.thread_id
            assert socket.user_id in [u["id"] for u in frame["users"]]
        # The rings of the twenty threads went to the store in one write, each thread's group rung.
        while signals.tasks:
            await asyncio.sleep(0.01)
        assert len(store.writes) == 1
        assert store.writes[0] == {100 + i for i in range(20)}
        assert sorted(g for g, _m in signals.hub.layer.sent) == sorted(f"wv.thread.{100 + i}" for i in range(20))
        # What was written is everyone who joined, three per thread.
        assert sorted(len(store.entries[100 + i]["worker-1"]) for i in range(20)) == [3] * 20
        await asyncio.gather(*signals.take_tasks(), return_exceptions=True)

    asyncio.run(scenario())


def test_a_read_asked_for_while_one_is_on_its_way_goes_in_the_next_one(monkeypatch):
    async def scenario():
        runs: list[set] = []
        release = asyncio.Event()

        async def run(thread_ids):
            runs.append(set(thread_ids))
            if len(runs) == 1:
                await release.wait()
            return {tid: f"state {len(runs)}" for tid in thread_ids}

        tasks: set = set()
        gathered = ephemeral.Gathered(run, lambda c: tasks.add(asyncio.get_running_loop().create_task(c)))
        first = asyncio.ensure_future(gathered([1]))
        await asyncio.sleep(0.01)
        assert runs == [{1}]
        # Asked while the first run is on its way: not answered by it (it may have read before the
        # change this caller wants to see), but by the next, together.
        second = asyncio.ensure_future(gathered([2]))
        third = asyncio.ensure_future(gathered([1, 3]))
        await asyncio.sleep(0.01)
        assert runs == [{1}]
        release.set()
        assert (await first) == {1: "state 1"}
        assert (await second) == (await third) == {1: "state 2", 2: "state 2", 3: "state 2"}
        assert runs == [{1}, {1, 2, 3}]

    asyncio.run(scenario())


def test_a_failing_run_fails_each_of_its_callers_and_the_next_run_is_tried_again():
    async def scenario():
        calls = []

        async def run(thread_ids):
            calls.append(set(thread_ids))
            if len(calls) == 1:
                raise ConnectionError("store away")
            return dict.fromkeys(thread_ids, "ok")

        gathered = ephemeral.Gathered(run, lambda c: asyncio.get_running_loop().create_task(c))
        results = await asyncio.gather(gathered([1]), gathered([2]), return_exceptions=True)
        assert [type(r) for r in results] == [ConnectionError, ConnectionError]
        assert await gathered([3]) == {3: "ok"}

    asyncio.run(scenario())


def test_when_the_hub_stops_the_waiting_callers_are_cancelled_not_left_hanging():
    async def scenario():
        started = asyncio.Event()

        async def run(thread_ids):
            started.set()
            await asyncio.sleep(3600)

        tasks: set = set()
        gathered = ephemeral.Gathered(run, lambda c: tasks.add(asyncio.get_running_loop().create_task(c)))
        waiting = [asyncio.ensure_future(gathered([1])), asyncio.ensure_future(gathered([2]))]
        await started.wait()
        later = asyncio.ensure_future(gathered([3]))
        await asyncio.sleep(0)
        for task in tasks:
            task.cancel()
        results = await asyncio.wait_for(asyncio.gather(*waiting, later, return_exceptions=True), timeout=2)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        # A later caller starts a new run.
        started.clear()
        again = asyncio.ensure_future(gathered([4]))
        await asyncio.wait_for(started.wait(), timeout=2)
        again.cancel()
        for task in tasks:
            task.cancel()

    asyncio.run(scenario())


def test_people_connecting_together_are_marked_online_together_after_their_handshakes(monkeypatch):
    """The online mark (a mention's e-mail waits while someone is online) was a Redis write in
    each handshake's thread; now the hub writes it, the people who connect meanwhile together."""
    from wijkverband.realtime import fanout

    marked: list[list[int]] = []
    monkeypatch.setattr(presence, "users_mark_online", lambda ids: marked.append(sorted(ids)))
    monkeypatch.setattr(presence, "_marked_at", {})

    async def scenario():
        hub = fanout.Hub()
        try:
            await hub.start()  # the worker's first socket started it
            people = list(range(1, 41))
            await asyncio.gather(*(hub.join_user(uid, object()) for uid in people for _tab in range(2)))
            for _ in range(200):
                if sum(len(ids) for ids in marked) >= len(people):
                    break
                await asyncio.sleep(0.01)
            # Everyone once (two tabs each), in one write rather than forty.
            assert marked == [people]
            # Within REFRESH_SECONDS a new tab writes nothing more.
            await hub.join_user(1, object())
            await asyncio.sleep(0.05)
            assert sum(len(ids) for ids in marked) == len(people)
        finally:
            await hub.stop()

    asyncio.run(scenario())
