"""Every allauth page and mail the product uses, walked in Dutch and in English: the Dutch says
nothing in allauth's English, and the English still reads English.

Found by walking them (allauth's own templates and messages behind our overrides): the security
key's rename page labelled its box "Name" in Dutch too (allauth's form names the field and gives it
no label), and headed it "Bewerk beveiligingssleutel", its removal "Verwijder beveiligingssleutel",
where the product says "Beveiligingssleutel toevoegen"; and "Deze functionaliteit vereist
JavaScript." under the add-key form.

A page's text is compared in both languages: a text the Dutch page shows that the English page
shows too is allauth's English left in (or a Dutch word left in the English), unless it is a name,
an address or a word both languages write alike (`SAME_IN_BOTH`)."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.personas import PASSWORD, totp_code
from tests.work.helpers import send_outbox

#: Words the Dutch and the English pages write alike.
SAME_IN_BOTH = {"Code", "Wijkverband", "Werksleutel", ".", "·"}


def _texts(html: str) -> list[str]:
    """What a person reads on the page: its title, and every text, label, button and placeholder of
    its main part (the messages at its top included)."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    texts = [" ".join(soup.title.get_text().split())]
    main = soup.find("main")
    texts += [" ".join(text.split()) for text in main.find_all(string=True)]
    texts += [
        element[attribute]
        for attribute in ("placeholder", "aria-label", "title")
        for element in main.select(f"[{attribute}]")
    ]
    return [text for text in texts if text]


def _h1(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").find("main").find("h1").get_text().split())


def _title(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").title.get_text().split())


def _in(client: Client, language: str, url: str):
    client.cookies["django_language"] = language
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


def _said_in_both(dutch: str, english: str, *, also=()) -> list[str]:
    """Texts the Dutch page shows that the English page shows too (names and addresses aside)."""
    english_texts = set(_texts(english))
    return [
        text
        for text in _texts(dutch)
        if text in english_texts
        and re.search(r"[A-Za-z]", text)
        and "@" not in text
        and text not in SAME_IN_BOTH
        and text not in also
    ]


def _signed_in(user) -> Client:
    """A real sign-in (the password, then the code): the second factor's pages ask no password
    again within five minutes of it."""
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    return client


def _security_key(user) -> Authenticator:
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Werksleutel", "credential": {}, "passwordless": False},
    )


#: (who, url, Dutch heading, English heading). who: None for a visitor, "password" for someone who
#: gave the password and is asked for the code, else a persona signed in with both factors ("rosa"
#: has no second factor: she needs none).
PAGES = [
    (None, "/accounts/login/", "Aanmelden", "Sign in"),
    (None, "/accounts/password/reset/", "Nieuw wachtwoord", "New password"),
    (None, "/accounts/password/reset/done/", "Nieuw wachtwoord", "New password"),
    (None, "/accounts/password/reset/key/done/", "Nieuw wachtwoord", "New password"),
    (
        None,
        "/accounts/password/reset/key/1-bogus/",
        "Deze link werkt niet (meer)",
        "This link does not work (any more)",
    ),
    (None, "/accounts/signup/", "Registratie gesloten", "Sign-up closed"),
    (None, "/accounts/inactive/", "Account inactief", "Account inactive"),
    (None, "/accounts/confirm-email/", "Bevestig je e-mailadres", "Verify your e-mail address"),
    (None, "/accounts/confirm-email/bogus/", "Bevestig je nieuwe e-mailadres", "Confirm your new e-mail address"),
    ("password", "/accounts/2fa/authenticate/", "Tweestapsverificatie", "Two-factor authentication"),
    ("maarten", "/accounts/2fa/", "Tweestapsverificatie", "Two-factor authentication"),
    ("maarten", "/accounts/2fa/totp/deactivate/", "Authenticator-app verwijderen", "Remove the authenticator app"),
    ("maarten", "/accounts/2fa/recovery-codes/", "Herstelcodes", "Recovery codes"),
    ("maarten", "/accounts/2fa/recovery-codes/generate/", "Herstelcodes", "Recovery codes"),
    ("maarten", "/accounts/2fa/webauthn/", "Beveiligingssleutels", "Security keys"),
    ("maarten", "/accounts/2fa/webauthn/add/", "Beveiligingssleutel toevoegen", "Add a security key"),
    ("maarten", "/accounts/2fa/webauthn/keys/{key}/edit/", "Beveiligingssleutel bewerken", "Edit the security key"),
    (
        "maarten",
        "/accounts/2fa/webauthn/keys/{key}/remove/",
        "Beveiligingssleutel verwijderen",
        "Remove the security key",
    ),
    ("maarten", "/accounts/reauthenticate/", "Toegang bevestigen", "Confirm it is you"),
    ("maarten", "/accounts/2fa/reauthenticate/", "Toegang bevestigen", "Confirm it is you"),
    ("maarten", "/accounts/password/change/", "Wachtwoord wijzigen", "Change password"),
    ("maarten", "/accounts/email/", "E-mailadres", "E-mail address"),
    ("maarten", "/accounts/name/", "Je naam", "Your name"),
    ("maarten", "/accounts/logout/", "Afmelden", "Sign out"),
    ("rosa", "/accounts/2fa/totp/activate/", "Je authenticator-app instellen", "Set up your authenticator app"),
]


@pytest.mark.parametrize(("who", "url", "dutch_h1", "english_h1"), PAGES, ids=[page[1] for page in PAGES])
def test_every_account_page_reads_dutch_in_dutch_and_english_in_english(world, who, url, dutch_h1, english_h1):
    if who is None:
        client = Client()
    elif who == "password":
        client = Client()
        client.post("/accounts/login/", {"login": world.maarten.email, "password": PASSWORD})
    elif who == "rosa":
        client = Client()
        client.post("/accounts/login/", {"login": world.rosa.email, "password": PASSWORD})
    else:
        client = _signed_in(world.persona(who))
        RecoveryCodes.activate(world.persona(who))
        if "{key}" in url:
            url = url.format(key=_security_key(world.persona(who)).pk)
    client.get("/")  # ("Je bent aangemeld als …" read)
    dutch, english = _in(client, "nl", url), _in(client, "en", url)
    assert '<html lang="nl"' in dutch and '<html lang="en"' in english
    assert _h1(dutch) == dutch_h1
    assert _h1(english) == english_h1
    assert _title(dutch) != _title(english)
    assert _said_in_both(dutch, english, also={world.maarten.name, world.rosa.name}) == []


def test_the_rename_page_of_a_security_key_labels_its_box_in_both_languages(world):
    client = _signed_in(world.maarten)
    url = f"/accounts/2fa/webauthn/keys/{_security_key(world.maarten).pk}/edit/"
    dutch = BeautifulSoup(_in(client, "nl", url), "html.parser")
    assert " ".join(dutch.select_one('label[for="id_name"]').get_text().split()) == "Naam van de beveiligingssleutel"
    english = BeautifulSoup(_in(client, "en", url), "html.parser")
    assert " ".join(english.select_one('label[for="id_name"]').get_text().split()) == "Name of the security key"
    client.cookies["django_language"] = "nl"
    response = client.post(url, {"name": "Sleutel thuis"}, follow=True)
    assert "Sleutel thuis" in response.content.decode()
    assert (
        Authenticator.objects.get(user=world.maarten, type=Authenticator.Type.WEBAUTHN).wrap().name == "Sleutel thuis"
    )


def test_the_add_key_page_says_in_plain_dutch_that_it_needs_javascript(world):
    client = _signed_in(world.maarten)
    dutch = _in(client, "nl", "/accounts/2fa/webauthn/add/")
    assert "Hiervoor is JavaScript nodig." in dutch
    assert "functionaliteit" not in dutch
    assert "This functionality requires JavaScript." in _in(client, "en", "/accounts/2fa/webauthn/add/")


@pytest.mark.parametrize(
    ("url", "dutch", "english"),
    [
        (
            "/accounts/inactive/",
            "Dit account staat uit. Vraag de coördinator van je wijkverband waarom.",
            "This account is switched off. Ask the coordinator of your team why.",
        ),
        ("/accounts/reauthenticate/", "Bevestig eerst dat jij het bent.", "Confirm it is you first."),
    ],
)
def test_the_english_says_what_the_dutch_says(client_for, url, dutch, english):
    """allauth's English said "This account is inactive." (the Dutch says whom to ask) and "Please
    reauthenticate to safeguard your account." under the heading "Confirm it is you"."""
    client = client_for("maarten")
    assert dutch in _texts(_in(client, "nl", url))
    assert english in _texts(_in(client, "en", url))


#: What a person is told after each step, in either language (the messages at the top of the page).
SAID = {
    "signed in": ("Je bent aangemeld als Maarten Lid.", "You are signed in as Maarten Lid."),
    "wrong code": ("Ongeldige code.", "Incorrect code."),
    "wrong password": (
        "Het e-mailadres of het wachtwoord klopt niet.",
        "The e-mail address or the password is not correct.",
    ),
    "signed out": ("Je bent afgemeld.", "You are signed out."),
    "password changed": (
        "Je wachtwoord is gewijzigd. Meld je aan met je nieuwe wachtwoord.",
        "Your password has been changed. Sign in with your new password.",
    ),
    "new codes": ("Je hebt nieuwe herstelcodes.", "You have new recovery codes."),
    "key removed": ("Beveiligingssleutel verwijderd.", "Security key removed."),
    "app removed": ("Authenticator-app verwijderd.", "Authenticator app removed."),
}


def _said(response) -> list[str]:
    page = BeautifulSoup(response.content.decode(), "html.parser").find("main")
    return [" ".join(text.split()) for text in page.find_all(string=True) if text.strip()]


# Committed for real: allauth says some of these after the commit, while the request is still on.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_what_a_person_is_told_on_the_way_is_in_their_language(world, language):
    """Signing in (a wrong password, a wrong code, the right one), the second factor's changes and
    signing out, each message in the page's language."""
    which = 0 if language == "nl" else 1
    client = Client()
    client.cookies["django_language"] = language
    wrong = client.post("/accounts/login/", {"login": world.maarten.email, "password": "niet-het-wachtwoord-1"})
    assert SAID["wrong password"][which] in _said(wrong)
    client.post("/accounts/login/", {"login": world.maarten.email, "password": PASSWORD})
    assert SAID["wrong code"][which] in _said(client.post("/accounts/2fa/authenticate/", {"code": "000000"}))
    signed_in = client.post("/accounts/2fa/authenticate/", {"code": totp_code()}, follow=True)
    assert SAID["signed in"][which] in _said(signed_in)
    RecoveryCodes.activate(world.maarten)
    codes = client.post("/accounts/2fa/recovery-codes/generate/", follow=True)
    assert SAID["new codes"][which] in _said(codes)
    key = _security_key(world.maarten)
    removed = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/", follow=True)
    assert SAID["key removed"][which] in _said(removed)
    app_removed = client.post("/accounts/2fa/totp/deactivate/", follow=True)
    assert SAID["app removed"][which] in _said(app_removed)
    signed_out = client.post("/accounts/logout/", follow=True)
    assert SAID["signed out"][which] in _said(signed_out)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_after_a_password_change_the_sign_in_page_says_so_in_the_pages_language(world, language):
    client = _signed_in(world.carla)
    client.get("/")
    client.cookies["django_language"] = language
    new = "een-heel-ander-lang-wachtwoord-58"
    changed = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new}, follow=True
    )
    assert SAID["password changed"][0 if language == "nl" else 1] in _said(changed)


# --- Mails -----------------------------------------------------------------------------------------


def _lines(message) -> list[str]:
    """A mail's subject and lines, without links and addresses (alike in both languages)."""
    lines = [message.subject, *message.body.splitlines()]
    return [line.strip() for line in lines if line.strip() and "http" not in line and "@" not in line]


def _mails_in(language, make) -> list:
    """The mails `make` sends in `language`; English a few minutes later than Dutch (a sign-in's
    code is taken once)."""
    mail.outbox.clear()
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=0 if language == "nl" else 2)
    with time_machine.travel(later), translation.override(language):
        make(language)
        send_outbox()
    return list(mail.outbox)


def _reset(world, address):
    def make(language):
        client = Client()
        client.cookies["django_language"] = language
        client.post("/accounts/password/reset/", {"email": address})

    return make


def _new_address(world):
    def make(language):
        client = _signed_in(world.carla)
        client.cookies["django_language"] = language
        response = client.post("/accounts/email/", {"email": f"carla.{language}@voorbeeld.nl", "action_add": ""})
        if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
            client.post(response["Location"], {"password": PASSWORD})

    return make


def _notification(world, rf, template):
    def make(language):
        from allauth.core import context

        from wijkverband.accounts.adapter import AccountAdapter

        request = rf.post("/accounts/2fa/", HTTP_USER_AGENT="Firefox")
        request.user = world.maarten
        with context.request_context(request):
            AccountAdapter(request).send_notification_mail(template, world.maarten, {"deleted_email": "oud@example.nl"})

    return make


NOTIFICATIONS = [
    ("account/email/password_changed", "Je wachtwoord is gewijzigd", "Your password was changed"),
    ("account/email/password_reset", "Je wachtwoord is opnieuw ingesteld", "Your password was reset"),
    ("account/email/email_deleted", "Een e-mailadres is verwijderd", "An e-mail address was removed"),
    ("mfa/email/totp_activated", "Er is een authenticator-app ingesteld", "An authenticator app was set up"),
    ("mfa/email/totp_deactivated", "Je authenticator-app is verwijderd", "Your authenticator app was removed"),
    ("mfa/email/recovery_codes_generated", "Er zijn nieuwe herstelcodes gemaakt", "New recovery codes were made"),
    ("mfa/email/webauthn_added", "Er is een beveiligingssleutel toegevoegd", "A security key was added"),
    ("mfa/email/webauthn_removed", "Er is een beveiligingssleutel verwijderd", "A security key was removed"),
]


@pytest.mark.parametrize(("template", "dutch", "english"), NOTIFICATIONS, ids=[n[0] for n in NOTIFICATIONS])
def test_every_mail_about_a_change_reads_dutch_in_dutch_and_english_in_english(world, rf, template, dutch, english):
    (nl,) = _mails_in("nl", _notification(world, rf, template))
    (en,) = _mails_in("en", _notification(world, rf, template))
    assert nl.subject == f"[Wijkverband] {dutch}"
    assert en.subject == f"[Wijkverband] {english}"
    shared = set(_lines(nl)) & set(_lines(en))
    assert shared <= {"Wijkverband"}, shared


@pytest.mark.parametrize(
    ("kind", "dutch", "english"),
    [
        ("reset", "Een nieuw wachtwoord", "A new password"),
        ("unknown", "Geen account met dit adres", "No account with this address"),
        ("new address", "Bevestig je nieuwe e-mailadres", "Confirm your new e-mail address"),
    ],
)
def test_the_mails_a_page_asks_for_read_dutch_in_dutch_and_english_in_english(world, kind, dutch, english):
    make = {
        "reset": _reset(world, world.maarten.email),
        "unknown": _reset(world, "niemand@example.nl"),
        "new address": _new_address(world),
    }[kind]
    (nl,) = [m for m in _mails_in("nl", make) if m.subject != "[Wijkverband] Je e-mailadres is gewijzigd"]
    world.carla.emailaddress_set.exclude(email=world.carla.email).delete()
    (en,) = [m for m in _mails_in("en", make) if m.subject != "[Wijkverband] Your e-mail address was changed"]
    assert nl.subject == f"[Wijkverband] {dutch}"
    assert en.subject == f"[Wijkverband] {english}"
    shared = set(_lines(nl)) & set(_lines(en))
    assert shared <= {"Wijkverband"}, shared
