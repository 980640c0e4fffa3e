"""The socket's thread pools survive a fork (a live server forked from a process that used them)."""

import multiprocessing

from wijkverband.realtime import pools


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
