"""Meta-test: every frame type the socket handles has socket-ladder rungs that every key persona climbs.

The twin of tests/test_ladder_coverage.py for the WebSocket (tests/socket_ladder.py).
"""

import importlib
from pathlib import Path

import tests
from tests.ladder import REQUIRED_PERSONAS
from tests.socket_ladder import ACK, NOT_FOUND, REFUSED, SocketRung, socket_frame_types, socket_ladder_gaps


def _all_socket_rungs() -> list[SocketRung]:
    """Every SOCKET_LADDER of the test modules (only modules that name one are imported)."""
    rungs = []
    root = Path(tests.__file__).parent
    for path in sorted(root.rglob("test_*.py")):
        if "SOCKET_LADDER" in path.read_text(encoding="utf-8"):
            name = ".".join(("tests", *path.relative_to(root).with_suffix("").parts))
            rungs.extend(getattr(importlib.import_module(name), "SOCKET_LADDER", []))
    return rungs


def test_every_socket_frame_type_has_rungs_climbed_by_the_key_personas():
    gaps = socket_ladder_gaps(socket_frame_types(), _all_socket_rungs())
    assert not gaps, "the WebSocket ladder (tests/socket_ladder.py) misses:\n" + "\n".join(gaps)


def test_the_meta_test_sees_the_socket_frames_and_the_rungs():
    assert {"subscribe", "unsubscribe", "post", "read", "typing"} <= socket_frame_types()
    assert {rung.frame for rung in _all_socket_rungs()} >= {"subscribe", "unsubscribe", "post", "read", "typing"}


def test_a_new_frame_type_without_rungs_fails_the_meta_test():
    async def on_wave(socket, frame, thread_id):  # a handler someone adds without a rung
        pass

    handlers = dict.fromkeys(socket_frame_types(), None) | {"wave": on_wave}
    gaps = socket_ladder_gaps(socket_frame_types(handlers), _all_socket_rungs())
    assert gaps == ["frame type 'wave' has no rung"]


def test_a_rung_that_skips_a_key_persona_or_a_removed_frame_fails_the_meta_test():
    def some_thread(sw):
        return 1

    rungs = [
        *_all_socket_rungs(),
        SocketRung("post", some_thread, {"anonymous": REFUSED, "carla": ACK}),
        SocketRung("wave", some_thread, {name: NOT_FOUND for name in REQUIRED_PERSONAS} | {"anonymous": REFUSED}),
        SocketRung(
            "read", some_thread, {name: "eror:not_found" for name in REQUIRED_PERSONAS} | {"anonymous": REFUSED}
        ),
    ]
    gaps = socket_ladder_gaps(socket_frame_types(), rungs)
    lacking = sorted(REQUIRED_PERSONAS - {"anonymous", "carla"})
    assert gaps[0] == f"post-some_thread lacks personas {lacking}"
    assert gaps[1] == "wave-some_thread sends 'wave', which the socket does not handle"
    assert len(gaps) == 2 + len(REQUIRED_PERSONAS) - 1
    assert all("read-some_thread" in gap and "'eror:not_found'" in gap for gap in gaps[2:])
