"""The language switch, climbed by every key persona: anyone may switch (the cookie); a person
signed in also has the choice kept on their account, for their mails (accounts.views). Every
rung goes back to the sign-in page ("next"), where the ladder expects an anonymous visitor to land."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from tests.personas import totp_code

EVERYONE = ["anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga"]


def _kept_for_the_signed_in(world, persona, status):
    user = world.persona(persona)
    if user is not None:
        user.refresh_from_db()
        assert user.language == "en"


def _nothing_kept(world, persona, status):
    user = world.persona(persona)
    if user is not None:
        user.refresh_from_db()
        assert user.language == ""


LADDER = [
    Rung(
        "set_language",
        lambda world: "/i18n/setlang/",
        {p: 302 for p in EVERYONE},
        method="POST",
        data=lambda world: {"language": "en", "next": "/accounts/login/"},
        after=_kept_for_the_signed_in,
    ),
    # A language we do not have, or a GET (which changes nothing, as Django's view): nothing kept.
    Rung(
        "set_language",
        lambda world: "/i18n/setlang/",
        {p: 302 for p in EVERYONE},
        method="POST",
        data=lambda world: {"language": "xx", "next": "/accounts/login/"},
        after=_nothing_kept,
    ),
    Rung("set_language", lambda world: "/i18n/setlang/?language=en&next=/accounts/login/", {p: 302 for p in EVERYONE}),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)


def test_the_language_follows_the_account_to_a_new_device_and_from_the_sign_in_page(world):
    """Found by an exploratory test: English chosen on the sign-in page never reached the account
    (mails stayed Dutch), and an account's English was Dutch on a new device."""
    from django.conf import settings
    from django.test import Client

    from tests.personas import PASSWORD

    world.maarten.language = "en"
    world.maarten.save(update_fields=["language"])
    fresh = Client()
    fresh.force_login(world.maarten)
    first = fresh.get("/")
    assert first.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in fresh.get("/").content.decode()
    # English chosen before signing in is kept on the account.
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert world.pieter.language in ("", "nl")
    browser.post("/accounts/login/", {"login": world.pieter.email, "password": PASSWORD})
    browser.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert browser.get("/").status_code == 200  # signed in
    world.pieter.refresh_from_db()
    assert world.pieter.language == "en"


def test_the_word_that_one_is_signed_in_is_in_the_accounts_language(world):
    """Found by an exploratory test: "Je bent aangemeld als Bram Mulder." above "Welcome, Bram" on
    a new device of someone whose account says English."""
    from django.conf import settings
    from django.test import Client

    from tests.personas import PASSWORD

    world.pieter.language = "en"
    world.pieter.save(update_fields=["language"])
    browser = Client()
    browser.post("/accounts/login/", {"login": world.pieter.email, "password": PASSWORD})
    signed_in = browser.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = browser.get("/").content.decode()
    assert "Welcome" in page
    assert "aangemeld als" not in page
