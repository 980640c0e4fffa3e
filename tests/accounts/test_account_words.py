"""allauth's words on the account pages against the product's, in both languages: found by an
exploratory test (the authenticator app "activated" beside pages headed "set up", "contact us" on
the English reset pages, the Dutch add-key heading and the reset's done page)."""

import re

import pytest
from django.test import Client
from django.utils import translation

from tests.personas import PASSWORD, totp_code


@pytest.fixture(autouse=True)
def _language_of_the_site_after():
    """A page asked in English leaves English active in this thread (LocaleMiddleware): not after."""
    yield
    translation.deactivate()


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _text(page) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())


# Committed for real: allauth says the app is set up after the commit.
@pytest.mark.django_db(transaction=True)
def test_the_authenticator_app_is_set_up_and_removed_in_both_languages(world):
    """Found by an exploratory test: allauth's words ("geactiveerd", "Activeer", "Authenticator app
    deactivated.", "Generate") beside the pages headed "Je authenticator-app instellen" and
    "Authenticator-app verwijderen"."""
    without = Client()  # a client representative, no second factor yet
    assert without.post("/accounts/login/", {"login": world.rosa.email, "password": PASSWORD}).status_code == 302
    dutch = _text(without.get("/accounts/2fa/"))
    assert "Je hebt nog geen authenticator-app ingesteld." in dutch and "Instellen" in dutch
    assert "Activeer" not in dutch and "geactiveerd" not in dutch
    english = _text(_english(without).get("/accounts/2fa/"))
    assert "You have not set up an authenticator app yet." in english and " Set up " in english
    assert "Activate" not in english and "not active" not in english
    # Set up: the message says so, in the page's words.
    secret = without.get("/accounts/2fa/totp/activate/").context["form"].secret
    done = without.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}, follow=True)
    assert "Authenticator app set up." in _text(done)
    page = _text(without.get("/accounts/2fa/"))
    assert "You sign in with a code from your authenticator app." in page
    assert " Remove " in page and "Deactivate" not in page
    assert "Make new codes" in page and "Generate" not in page

    client = Client()
    client.post("/accounts/login/", {"login": world.maarten.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    dutch = _text(client.get("/accounts/2fa/"))
    assert "Je meldt je aan met een code uit je authenticator-app." in dutch and "Verwijderen" in dutch
    removed = client.post("/accounts/2fa/totp/deactivate/", follow=True)
    assert "Authenticator-app verwijderd." in _text(removed)
    assert "gedeactiveerd" not in _text(removed)
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}, follow=True)
    assert "Authenticator-app ingesteld." in _text(done)


def test_the_password_reset_names_the_coordinator_in_english_too(world):
    """Found by an exploratory test: the Dutch pages name the coordinator of the wijkverband, the
    English ones said allauth's "Please contact us" and "Otherwise contact us", with "email"."""
    client = _english(Client())
    page = _text(client.get("/accounts/password/reset/"))
    assert "Enter your e-mail address below, and we will e-mail you a link to set a new one." in page
    assert "Trouble setting a new password? Contact the coordinator of your team." in page
    assert "contact us" not in page.lower() and "email" not in page.lower()
    done = _text(client.post("/accounts/password/reset/", {"email": world.carla.email}, follow=True))
    assert "Contact the coordinator of your team if you have not received it within a few minutes." in done
    assert "contact us" not in done.lower() and "email" not in done.lower()


def test_the_button_that_adds_a_security_key_says_what_it_adds_in_both_languages(world):
    """Found by an exploratory test: the second factors' page offered a security key with allauth's
    "Add" ("Toevoegen"), the msgid of Django admin's "Add" too, so its words could not be chosen for
    this page. It says what it adds, as the list of keys and the page it opens do."""
    client = Client()  # a client representative, no second factor yet
    assert client.post("/accounts/login/", {"login": world.rosa.email, "password": PASSWORD}).status_code == 302
    link = re.compile(r'<a [^>]*href="/accounts/2fa/webauthn/add/"[^>]*>\s*([^<]*?)\s*</a>')
    assert link.findall(client.get("/accounts/2fa/").content.decode()) == ["Beveiligingssleutel toevoegen"]
    assert link.findall(_english(client).get("/accounts/2fa/").content.decode()) == ["Add a security key"]
