"""The Dutch of the account pages, one word per thing and said once: found by an exploratory test
(the add-key page headed "Voeg beveiligingssleutel toe" under a link "Beveiligingssleutel
toevoegen", the reset's done page saying the password changed twice, and the waiting e-mail change
saying the address changes once the link is followed, where its page's button does that)."""

import re

from django.core import mail
from django.test import Client

from tests.accounts.helpers import signed_in
from tests.personas import PASSWORD
from tests.work.helpers import send_outbox


def _h1(page: str) -> str:
    return " ".join(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).split())


def test_the_add_key_page_is_headed_as_its_link(world):
    client = signed_in(world.maarten.email)
    assert "Beveiligingssleutel toevoegen" in client.get("/accounts/2fa/webauthn/").content.decode()
    page = client.get("/accounts/2fa/webauthn/add/").content.decode()
    assert _h1(page) == "Beveiligingssleutel toevoegen"
    assert "Voeg beveiligingssleutel toe" not in page


def test_the_reset_done_page_says_the_password_changed_once(world):
    client = Client()
    client.post("/accounts/password/reset/", {"email": world.maarten.email})
    send_outbox()
    key_url = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(key_url, follow=True)
    new = "een-heel-ander-lang-wachtwoord-58"
    done = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain[-1][0] == "/accounts/password/reset/key/done/"
    assert page.count("Je wachtwoord is gewijzigd") == 1
    assert "Je wachtwoord is gewijzigd. Meld je aan met je nieuwe wachtwoord." in page
    assert 'href="/accounts/login/"' in page


def test_the_waiting_change_says_its_pages_button_changes_the_address(world):
    client = signed_in(world.carla.email)
    response = client.post("/accounts/email/", {"email": "carla.nieuw@voorbeeld.nl", "action_add": ""})
    if response["Location"].startswith("/accounts/reauthenticate/"):
        client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/accounts/email/").content.decode()
    assert "Je adres verandert zodra je op de pagina van die link op “Bevestigen” drukt" in page
    assert "zodra je die volgt" not in page
