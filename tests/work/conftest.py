"""Fixtures of the notice, digest and reminder tests: a clock in Amsterdam time, mail servers that fail."""

import smtplib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.mail.backends import locmem

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdam(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.fixture
def clock():
    """clock.to(datetime): the time stands still there until the next move."""

    class Clock:
        traveller = None

        def to(self, when: datetime) -> datetime:
            self.stop()
            self.traveller = time_machine.travel(when, tick=False)
            self.traveller.start()
            return when

        def stop(self):
            if self.traveller is not None:
                self.traveller.stop()
                self.traveller = None

    c = Clock()
    yield c
    c.stop()


class FailingBackend(locmem.EmailBackend):
    """A mail server that refuses the next `failures` messages, then takes them (locmem outbox)."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FailingBackend.attempts += 1
        if FailingBackend.failures > 0:
            FailingBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return super().send_messages(messages)


@pytest.fixture
def failing_mail(settings):
    """failing_mail(n): the next n sends fail, as a mail server that is down would."""
    settings.EMAIL_BACKEND = "tests.work.conftest.FailingBackend"
    FailingBackend.attempts = 0

    def fail(times: int):
        FailingBackend.failures = times

    yield fail
    FailingBackend.failures = 0
