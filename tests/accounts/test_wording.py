"""allauth's and Django's words on the account pages, in ours: found by an exploratory test."""

import re

from django.core import mail
from django.test import Client

from tests.personas import PASSWORD
from tests.work.helpers import send_outbox

NEW = "een-nieuw-lang-wachtwoord-77"


def _signed_in(world) -> Client:
    client = Client()
    client.force_login(world.maarten)
    return client


def test_a_wrong_current_password_is_called_wrong_not_missing(world):
    page = _signed_in(world).post(
        "/accounts/password/change/", {"oldpassword": "niet-het-wachtwoord", "password1": NEW, "password2": NEW}
    )
    text = page.content.decode()
    assert "Dit is niet je huidige wachtwoord." in text and "Geef je huidige wachtwoord op." not in text


def test_two_different_passwords_are_told_in_the_invitations_words(world):
    page = _signed_in(world).post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW + "x"}
    )
    text = page.content.decode()
    assert "De twee wachtwoorden verschillen." in text and "intoetsen" not in text


def test_a_changed_password_is_told_plainly(world):
    client = _signed_in(world)
    client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW})
    page = client.get("/accounts/login/").content.decode()
    assert "Je wachtwoord is gewijzigd." in page and "Wachtwoord wijziging geslaagd" not in page


def test_too_many_attempts_say_aanmelden(world):
    from django.utils import translation

    with translation.override("nl"):
        said = translation.gettext("Too many failed login attempts. Try again later.")
    assert "aanmeldpogingen" in said and "inlog" not in said


def _h1(page: str) -> str:
    return " ".join(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).split())


def _reset_link(world) -> str:
    Client().post("/accounts/password/reset/", {"email": world.maarten.email})
    send_outbox()  # the worker's step: the request put the mail into the outbox
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)


def test_the_reset_links_page_is_headed_as_the_page_that_asks_for_it(world):
    client = Client()
    asked = client.get("/accounts/password/reset/").content.decode()
    assert _h1(asked) == "Nieuw wachtwoord"
    page = client.get(_reset_link(world), follow=True).content.decode()
    assert _h1(page) == "Nieuw wachtwoord"
    assert "Nieuw wachtwoord opslaan" in page


def test_a_used_or_wrong_reset_link_says_so_in_plain_words(world):
    page = Client().get("/accounts/password/reset/key/1-not-a-token/", follow=True).content.decode()
    assert _h1(page) == "Deze link werkt niet (meer)"
    assert "Ongeldige sleutel" not in page
    assert '<a class="utrecht-link" href="/accounts/password/reset/">Vraag een nieuwe link aan</a>' in page


def test_the_password_reset_page_while_signed_in_says_let_op(world):
    page = _signed_in(world).get("/accounts/password/reset/").content.decode()
    assert "Let op" in page and "Je bent al aangemeld als" in page
    assert "Notitie" not in page


def test_confirming_with_a_second_factor_names_the_app_and_the_recovery_code():
    """Shown where allauth asks to confirm it is you (such as turning the authenticator app off)."""
    from django.utils import translation

    with translation.override("nl"):
        dutch = translation.gettext("Use authenticator app or code")
    with translation.override("en"):
        english = translation.gettext("Use authenticator app or code")
    assert dutch == "Gebruik je authenticator-app of een herstelcode"
    assert english == "Use your authenticator app or a recovery code"


def test_the_closed_sign_up_says_accounts_come_by_invitation_in_both_languages(db):
    dutch = Client().get("/accounts/signup/").content.decode()
    assert "via een uitnodiging van de coördinator van je wijkverband" in dutch
    assert "Helaas" not in dutch
    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get("/accounts/signup/").content.decode()
    assert "by invitation from the coordinator of your team" in page and "We are sorry" not in page
