"""With Redis down, channels_redis's pub/sub receiver logs a traceback every second; the log keeps
one a minute and says how many it held back."""

import logging

from wijkverband.core import logging as wv_logging


def test_the_pubsub_receivers_repeated_traceback_is_logged_once_a_minute(caplog, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(wv_logging.time, "monotonic", lambda: now[0])
    logger = logging.getLogger("channels_redis.pubsub")
    for _ in range(30):  # thirty seconds of Redis being down
        try:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        except ConnectionError:
            logger.exception("Unexpected exception in receive task")
        now[0] += 1
    assert [r.getMessage() for r in caplog.records] == ["Unexpected exception in receive task"]
    assert caplog.records[0].exc_info is not None  # the first one keeps its traceback

    now[0] += 40  # a minute after the first
    logger.exception("Unexpected exception in receive task")
    assert caplog.records[-1].getMessage() == (
        "Unexpected exception in receive task (the same 29 more times in the last 60 s)"
    )
    # Another message of the same logger is not held back by the first.
    logger.warning("Something else")
    assert caplog.records[-1].getMessage() == "Something else"


def test_other_loggers_are_not_thinned(caplog):
    logger = logging.getLogger("wijkverband.realtime.fanout")
    for _ in range(3):
        logger.warning("realtime: could not join %s", "wv.thread.1")
    assert len(caplog.records) == 3
