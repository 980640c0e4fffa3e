"""Found by an exploratory test: the recovery codes page never said what the codes are for, when to
use them or how to keep them, and the downloaded recovery-codes.txt held only numbers: found in a
downloads folder months later, nobody knew what they were."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model

from tests.accounts.helpers import signed_in

AT = dt.datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_the_recovery_codes_page_says_what_they_are_for_and_how_to_keep_them(world):
    RecoveryCodes.activate(world.carla)
    page = signed_in(world.carla.email).get("/accounts/2fa/recovery-codes/").content.decode()
    assert "in plaats van een code uit je authenticator-app" in page
    assert "Bewaar ze" in page


def test_the_downloaded_codes_say_whose_they_are_when_and_what_for(world):
    codes = RecoveryCodes.activate(world.carla).generate_codes()
    with time_machine.travel(AT):
        client = signed_in(world.carla.email)
        text = client.get("/accounts/2fa/recovery-codes/download/").content.decode()
    lines = text.splitlines()
    assert lines[0] == "Wijkverband: herstelcodes van carla@example.nl, 4 december 2026"
    assert "in plaats van een code uit je authenticator-app" in lines[1]
    assert [line for line in lines if line in codes] == codes


def test_the_downloaded_codes_are_in_the_accounts_language(world):
    get_user_model().objects.filter(pk=world.carla.pk).update(language="en")
    RecoveryCodes.activate(world.carla)
    with time_machine.travel(AT):
        client = signed_in(world.carla.email)
        text = client.get("/accounts/2fa/recovery-codes/download/").content.decode()
    assert text.splitlines()[0] == "Wijkverband: recovery codes of carla@example.nl, 4 December 2026"
