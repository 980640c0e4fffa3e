"""With Redis down, channels_redis's pub/sub receiver logs a traceback every second; the log keeps
one a minute and says how many it held back."""

import logging
import re

import pytest

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


def _access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4", "GET", path, "1.1", 200),
        None,
    )


def _without_request_id(line: str) -> str:
    """A log line without its request id: a random hex id holds "111" or "1945" now and then."""
    return re.sub(r"\b[0-9a-f]{32}\b", "", line)


@pytest.mark.parametrize(
    "path",
    ["/search/?q=111222333", "/search/?q=mevrouw+Jansen+12-03-1945&team=noord", "/t/noord/?x=BSN%20123456782"],
)
def test_the_access_log_leaves_out_a_search_and_client_data_in_query_strings(path):
    """/search/?q=111222333 put a BSN into the access log (an exploring tester)."""
    handler = next(h for h in logging.getLogger("uvicorn.access").handlers)
    record = _access_record(path)
    assert all(f.filter(record) for f in handler.filters)
    line = _without_request_id(handler.format(record))
    assert "?…" in line
    for digits in ("111222333", "123456782", "1945", "Jansen"):
        assert digits not in line


def test_an_ordinary_query_string_is_logged():
    record = _access_record("/t/noord/threads/?page=2")
    for f in logging.getLogger("uvicorn.access").handlers[0].filters:
        f.filter(record)
    assert "/t/noord/threads/?page=2" in record.getMessage()


def test_the_development_servers_log_leaves_out_a_search_too():
    """Found by an exploratory test: `manage.py runserver` (Daphne) logged
    "HTTP GET /search/?q=bsn+111+2+22+333 400": its arguments are a dict, which the filter passed."""
    record = logging.LogRecord(
        "django.channels.server",
        logging.WARNING,
        __file__,
        1,
        "HTTP %(method)s %(path)s %(status)s [%(time_taken).2f, %(client)s]",
        None,
        None,
    )
    record.args = {"method": "GET", "path": "/search/?q=bsn+111+2+22+333", "status": 400, "time_taken": 0.01,
                   "client": "127.0.0.1:5000"}  # fmt: skip
    handler = logging.getLogger().handlers[0]  # it reaches our handler through the root logger
    assert all(f.filter(record) for f in handler.filters)
    line = _without_request_id(handler.format(record))
    assert "HTTP GET /search/?… 400" in line and "111" not in line
