"""Account mails in the account's language, and until when their link works. Found by an
exploratory test: an account that reads English got the password-reset mail in Dutch when it was
asked from a browser without the language cookie (the invitation mail was English), and neither
the reset nor the new address's mail said how long its link works."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import Client

from tests.personas import PASSWORD, totp_code
from tests.work.helpers import send_outbox

#: 14:05 in Amsterdam.
AT = dt.datetime(2026, 3, 5, 14, 5, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


def _reads_english(user):
    user.language = "en"
    user.save(update_fields=["language"])


def test_a_reset_is_mailed_in_the_accounts_language_whatever_the_browser(world):
    _reads_english(world.maarten)
    with time_machine.travel(AT, tick=False):
        Client().post("/accounts/password/reset/", {"email": world.maarten.email})  # no language cookie
        send_outbox()  # the worker sends it: what it says was written in the request
    (message,) = mail.outbox
    assert message.subject == "[Wijkverband] A new password"
    assert "Someone asked for a new password for your Wijkverband account." in message.body
    # Django's token works three days (PASSWORD_RESET_TIMEOUT): to the minute, in the one format.
    assert "The link works once, until 8 March 2026, 14:05." in message.body


def test_a_reset_for_an_account_that_never_chose_is_in_the_pages_language(world):
    with time_machine.travel(AT, tick=False):
        Client().post("/accounts/password/reset/", {"email": world.maarten.email})
        english = Client()
        english.cookies["django_language"] = "en"
        english.post("/accounts/password/reset/", {"email": world.carla.email})
        send_outbox()
    dutch, in_english = mail.outbox
    assert "De link werkt één keer, tot 8 maart 2026, 14:05." in dutch.body
    assert "The link works once, until 8 March 2026, 14:05." in in_english.body


def test_the_new_addresss_link_says_until_when_it_works_in_the_accounts_language(world):
    _reads_english(world.carla)
    client = Client()
    client.post("/accounts/login/", {"login": world.carla.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    client.cookies["django_language"] = "nl"  # the page in Dutch; the account reads English
    mail.outbox.clear()
    with time_machine.travel(AT, tick=False):
        response = client.post("/accounts/email/", {"email": "carla.nieuw@voorbeeld.nl", "action_add": ""})
        if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
            client.post(response["Location"], {"password": PASSWORD})
        send_outbox()
    (message,) = [m for m in mail.outbox if m.to == ["carla.nieuw@voorbeeld.nl"]]
    # allauth's signed key works three days (ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS).
    assert "The link works until 8 March 2026, 14:05." in message.body


def test_a_reset_goes_through_the_outbox_in_the_accounts_language_and_leaves_no_link_behind(world):
    """Found in a review of "background work runs on the task system": account mails were sent
    inside the request. Now the request writes the rendered mail into the outbox (in the account's
    language), the worker sends it, and the outbox keeps no working link once it went out."""
    from wijkverband.work.models import Mail

    _reads_english(world.maarten)
    Client().post("/accounts/password/reset/", {"email": world.maarten.email})  # a Dutch page
    assert mail.outbox == []  # nothing sent in the request
    (stored,) = Mail.objects.filter(key__startswith="account:")
    assert stored.user_id == world.maarten.pk and stored.to == world.maarten.email
    assert stored.subject == "[Wijkverband] A new password" and "/accounts/password/reset/key/" in stored.body
    assert send_outbox() == 1
    (message,) = mail.outbox
    assert message.subject == stored.subject and "/accounts/password/reset/key/" in message.body
    assert "Someone asked for a new password" in message.body
    stored.refresh_from_db()
    assert stored.sent_at is not None and stored.body == ""
    # An address without an account gets its mail too, through the outbox, tied to nobody.
    Client().post("/accounts/password/reset/", {"email": "onbekend@example.org"})
    unknown = Mail.objects.filter(key__startswith="account:", to="onbekend@example.org").get()
    assert unknown.user_id is None and "Geen account met dit adres" in unknown.subject
    assert send_outbox() == 1 and mail.outbox[-1].to == ["onbekend@example.org"]
