"""The account pages in English: found by an exploratory test, allauth's Title Case ("Two-Factor
Authentication", "Change Password", "Sign Out"), "Email" at the sign-in where every other page says
"E-mail address", and the deactivate page's warning only in Dutch."""

import re

from django.test import Client

from tests.personas import PASSWORD, totp_code


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _h1(page: str) -> str:
    return " ".join(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).split())


def test_the_account_pages_speak_sentence_case(world):
    client = Client()
    client.force_login(world.maarten)
    _english(client)
    assert _h1(client.get("/accounts/2fa/").content.decode()) == "Two-factor authentication"
    assert _h1(client.get("/accounts/password/change/").content.decode()) == "Change password"
    assert _h1(client.get("/accounts/logout/").content.decode()) == "Sign out"


def test_the_sign_in_page_asks_for_the_e_mail_address_in_both_languages():
    english = _english(Client()).get("/accounts/login/").content.decode()
    assert _h1(english) == "Sign in"
    assert re.search(r'<label class="utrecht-form-label" for="id_login">E-mail address<', english)
    dutch = Client().get("/accounts/login/").content.decode()
    assert re.search(r'<label class="utrecht-form-label" for="id_login">E-mailadres<', dutch)
    reset = _english(Client()).get("/accounts/password/reset/").content.decode()
    assert re.search(r'<label class="utrecht-form-label" for="id_email">E-mail address<', reset)


def test_removing_the_authenticator_app_warns_of_a_new_factor_in_both_languages(world):
    client = Client()
    client.post("/accounts/login/", {"login": world.maarten.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    # Right after signing in no password is asked again (AccountAdapter.is_reauthentication_required).
    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200
    dutch = client.get("/accounts/2fa/totp/deactivate/").content.decode()
    assert "dan stel je meteen daarna een nieuwe in" in dutch
    english = _english(client).get("/accounts/2fa/totp/deactivate/").content.decode()
    assert "If your role needs a second factor, you set up a new one straight after." in english
