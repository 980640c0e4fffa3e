"""Logging helpers referenced from settings.LOGGING."""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid


class EverySoOften(logging.Filter):
    """Let the same message of a logger through at most once per `seconds`, saying how many were held back.

    For libraries that log in a loop while something is down: channels_redis's pub/sub receiver
    logs a traceback every second while Redis is unreachable, which buries everything else.
    """

    def __init__(self, seconds: float = 60.0):
        super().__init__()
        self.seconds = seconds
        self.last: dict[tuple, float] = {}
        self.held: dict[tuple, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.msg)
        now = time.monotonic()
        last = self.last.get(key)
        if last is not None and now - last < self.seconds:
            self.held[key] = self.held.get(key, 0) + 1
            return False
        self.last[key] = now
        held = self.held.pop(key, 0)
        if held:
            record.msg = f"{record.msg} (the same {held} more times in the last {self.seconds:g} s)"
        return True


# --- request ids and JSON lines (LOG_FORMAT=json, docs/operations.md) -----------------------------

#: The id of the request or socket this code runs for ("-" outside both). A contextvar, so it
#: follows a socket's frames through its tasks and database threads (asgiref copies the context).
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_from(header: str | None) -> str:
    """The id the proxy sent (nginx's $request_id) when it looks like one, else a new one."""
    if header and _SAFE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Give every record the current request id (text and JSON formats both show it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# --- query strings (docs/privacy.md, "Nothing kept where it does not belong") ----------------------

#: A path with its query string, as an access log line holds it ("GET /search/?q=… HTTP/1.1").
_PATH_QUERY = re.compile(r"(/[^\s?\"']*)\?([^\s\"']*)")
#: Paths whose query string is what a person typed: never logged.
QUERY_NOT_LOGGED = ("/search/",)


def mask_query_strings(text: str) -> str:
    """`text` with the query string of a search, and any other query string with client data in it
    (core.clientdata), replaced by "…": "/search/?q=111222333" is logged as "/search/?…"."""

    def mask(match: re.Match) -> str:
        path, query = match.group(1), match.group(2)
        if path.startswith(QUERY_NOT_LOGGED) or _holds_client_data(query):
            return f"{path}?…"
        return match.group(0)

    return _PATH_QUERY.sub(mask, text)


def _holds_client_data(query: str) -> bool:
    from urllib.parse import unquote_plus

    from wijkverband.core.clientdata import find_client_data

    return bool(query) and bool(find_client_data(unquote_plus(query)))


class QueryStringFilter(logging.Filter):
    """Mask query strings in what is logged (mask_query_strings): the access log of uvicorn
    (`uvicorn.access`, whose arguments hold the path), the development server's
    (`django.channels.server`, whose arguments are a dict) and every other line through our handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, str) and "?" in a for a in record.args):
            record.args = tuple(mask_query_strings(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict) and any(isinstance(a, str) and "?" in a for a in record.args.values()):
            # `manage.py runserver` (Daphne, django.channels.server) logs "HTTP %(method)s %(path)s …"
            record.args = {k: mask_query_strings(a) if isinstance(a, str) else a for k, a in record.args.items()}
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = mask_query_strings(record.msg)
        return True
