"""Logging helpers referenced from settings.LOGGING."""

import logging
import time


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
