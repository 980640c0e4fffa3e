"""Django's CSRF mask drawn with one call for randomness (wijkverband/core/csrf.py): a page asks
the operating system for randomness a few times, not once per character of the mask (each call
lets go of the GIL, and on a busy worker every page waited to get it back 33 times); the tokens
protect as before; the strings are of the same characters, evenly."""

import os
import random
import re
from collections import Counter

import pytest
from django.middleware import csrf
from django.test import Client

from wijkverband.core.csrf import new_csrf_string

pytestmark = pytest.mark.django_db


@pytest.fixture
def randomness_drawn(monkeypatch):
    """How many times the operating system was asked for randomness (os.urandom, and the copy the
    random module's SystemRandom, behind secrets.choice, calls)."""
    calls = []
    real = os.urandom

    def counted(size):
        calls.append(size)
        return real(size)

    monkeypatch.setattr(os, "urandom", counted)
    monkeypatch.setattr(random, "_urandom", counted)
    return calls


def test_django_masks_its_csrf_secret_with_our_string():
    assert csrf._get_new_csrf_string is new_csrf_string


def test_a_page_with_a_form_asks_for_randomness_at_most_three_times(world, client_for, randomness_drawn):
    client = client_for("maarten")
    client.get("/t/oost/threads/")  # the session and the CSRF cookie exist from here on
    randomness_drawn.clear()
    html = client.get("/t/oost/threads/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html  # the page has its form, with a token masked anew
    # The mask (one), the request id, the page's script nonce. Django's own mask drew 33 times.
    assert len(randomness_drawn) <= 3, randomness_drawn


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_masked_tokens_still_protect_a_form(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.maarten)
    first = _token(client.get("/notifications/").content.decode())
    second = _token(client.get("/notifications/").content.decode())
    assert first != second  # masked anew on every page, as Django does
    assert len(first) == csrf.CSRF_TOKEN_LENGTH
    assert client.post("/notifications/", {"csrfmiddlewaretoken": "x" * csrf.CSRF_TOKEN_LENGTH}).status_code == 403
    assert client.post("/notifications/").status_code == 403
    assert client.post("/notifications/", {"csrfmiddlewaretoken": first}).status_code == 302
    assert client.post("/notifications/", {"csrfmiddlewaretoken": second}).status_code == 302


def test_the_strings_are_of_the_allowed_characters_each_as_likely():
    strings = [new_csrf_string() for _ in range(3000)]
    assert {len(s) for s in strings} == {csrf.CSRF_SECRET_LENGTH}
    assert len(set(strings)) == len(strings)
    counts = Counter("".join(strings))
    assert set(counts) == set(csrf.CSRF_ALLOWED_CHARS)
    # 96,000 characters of 62: each about 1,548 times (standard deviation about 39). A byte's
    # remainder without dropping the last 8 byte values would give the first eight characters
    # about 1,875 each.
    expected = len(strings) * csrf.CSRF_SECRET_LENGTH / len(csrf.CSRF_ALLOWED_CHARS)
    assert all(abs(n - expected) < 6 * 39 for n in counts.values()), counts.most_common(10)
