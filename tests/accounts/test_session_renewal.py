"""A request renews the session's idle expiry, at most once a minute (accounts.middleware)."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wijkverband.accounts.middleware import RENEW_EVERY_SECONDS
from wijkverband.accounts.models import Session


def _expiry(client) -> timezone.datetime:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def _session_writes(read) -> list[str]:
    return [q["sql"] for q in read.captured_queries if "accounts_session" in q["sql"] and "SELECT" not in q["sql"][:8]]


def test_a_page_soon_after_the_last_renewal_writes_no_session(world):
    client = Client()
    client.force_login(world.maarten)
    assert client.get("/t/oost/").status_code == 200
    renewed = _expiry(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=RENEW_EVERY_SECONDS - 5)):
        with CaptureQueriesContext(connection) as read:
            assert client.get("/t/oost/").status_code == 200
    assert not _session_writes(read)
    assert _expiry(client) == renewed


def test_a_page_a_minute_later_renews_the_idle_expiry(world, settings):
    client = Client()
    client.force_login(world.maarten)
    assert client.get("/t/oost/").status_code == 200
    before = _expiry(client)
    later = timezone.now() + timedelta(seconds=RENEW_EVERY_SECONDS + 1)
    with time_machine.travel(later):
        with CaptureQueriesContext(connection) as read:
            assert client.get("/t/oost/").status_code == 200
    assert len(_session_writes(read)) == 1
    assert _expiry(client) > before
    assert abs((_expiry(client) - (later + timedelta(seconds=settings.SESSION_COOKIE_AGE))).total_seconds()) < 5


def test_someone_active_every_50_seconds_stays_signed_in_for_hours(world, settings):
    client = Client()
    client.force_login(world.maarten)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3 * settings.SESSION_COOKIE_AGE // 50):
            clock.shift(timedelta(seconds=50))
            assert client.get("/t/oost/").status_code == 200


def test_idle_for_the_session_age_signs_out_even_just_after_a_renewal(world, settings):
    client = Client()
    client.force_login(world.maarten)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.get("/t/oost/").status_code == 200  # renewed
        clock.shift(timedelta(seconds=30))
        assert client.get("/t/oost/").status_code == 200  # not renewed: at most a minute's difference
        clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - RENEW_EVERY_SECONDS + 31))
        response = client.get("/t/oost/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_out_and_anonymous_pages_store_no_session(world):
    client = Client()
    client.force_login(world.maarten)
    assert client.get("/t/oost/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=RENEW_EVERY_SECONDS + 1)):
        assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.exists()
    assert Client().get("/accounts/login/").status_code == 200
    assert not Session.objects.exists()
