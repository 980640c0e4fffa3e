"""A change to how someone signs in is mailed to them (ACCOUNT_EMAIL_NOTIFICATIONS): a password
changed or reset, an authenticator app set up or removed, new recovery codes (a security key
added: tests/browser/test_webauthn.py; the e-mail address: tests/accounts/test_email_change.py).

Each mail says what changed and when, in the one date format, and links absolutely to a new
password and to tweestapsverificatie. It never carries the password, a code or a secret."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.personas import PASSWORD, make_user, totp_code
from tests.work.helpers import send_outbox

NEW_PASSWORD = "een-nieuw-lang-wachtwoord-77"
SITE = "https://wijkverband.example.nl"
#: 14:05 in Amsterdam: the mail says the time people read on their clocks.
AT = dt.datetime(2026, 3, 5, 14, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))


def _signed_in(email, *, second_factor=True, language=None) -> Client:
    client = Client()
    if language:
        client.cookies["django_language"] = language
    assert client.post("/accounts/login/", {"login": email, "password": PASSWORD}).status_code == 302
    if second_factor:
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
        assert response.status_code == 302
    return client


def _post_with_password_again(client, path):
    """A change to an existing second factor asks for the password again first (once within
    five minutes); the change is made once it is given."""
    response = client.post(path, {})
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        response = client.post(response["Location"], {"password": PASSWORD})
    return response


def _the_way_back_in(body: str) -> None:
    """Absolute links (SITE_URL, whoever's Host the request had) to a new password and to the
    second factors, and whom to tell."""
    assert f"{SITE}/accounts/password/reset/" in body
    assert f"{SITE}/accounts/2fa/" in body
    assert "coördinator van je wijkverband" in body
    assert "testserver" not in body


def _only_mail(to) -> mail.EmailMessage:
    send_outbox()  # the worker's step: the request wrote the mail into the outbox
    assert [m.to for m in mail.outbox] == [[to]], [m.subject for m in mail.outbox]
    return mail.outbox[0]


def test_a_changed_password_is_mailed_with_when_and_the_way_back(world, settings):
    settings.SITE_URL = SITE
    with time_machine.travel(AT, tick=False):
        client = _signed_in(world.carla.email)
        mail.outbox.clear()
        response = client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    message = _only_mail(world.carla.email)
    assert message.subject == "[Wijkverband] Je wachtwoord is gewijzigd"
    body = message.body
    assert body.startswith("Hallo,")
    assert "Het wachtwoord van je Wijkverband-account is gewijzigd op 5 maart 2026, 14:05." in body
    assert "Je bent overal afgemeld" in body
    _the_way_back_in(body)
    assert NEW_PASSWORD not in body and PASSWORD not in body


def test_a_refused_password_change_mails_nothing(world):
    client = _signed_in(world.carla.email)
    mail.outbox.clear()
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "niet-het-wachtwoord", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert mail.outbox == []


def test_a_reset_password_is_mailed_after_the_new_one_is_set(world, settings):
    settings.SITE_URL = SITE
    client = Client()
    client.post("/accounts/password/reset/", {"email": world.maarten.email})
    send_outbox()
    (link_mail,) = mail.outbox
    key_url = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", link_mail.body).group(1)
    form = client.get(key_url, follow=True)
    assert form.status_code == 200
    mail.outbox.clear()
    with time_machine.travel(AT, tick=False):
        response = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    message = _only_mail(world.maarten.email)
    assert message.subject == "[Wijkverband] Je wachtwoord is opnieuw ingesteld"
    assert "is op 5 maart 2026, 14:05 opnieuw ingesteld, met een link die naar dit adres was gemaild" in message.body
    _the_way_back_in(message.body)
    assert NEW_PASSWORD not in message.body


# Committed for real: allauth mails these after the commit, while the request is still on.
@pytest.mark.django_db(transaction=True)
def test_a_first_authenticator_is_mailed_once_and_its_recovery_codes_not_apart(world, settings):
    settings.SITE_URL = SITE
    newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
    from wijkverband.tenancy import services

    services.membership_create(actor=None, team=world.team_a, user=newcomer, role="member", organisation=world.gp_a)
    client = _signed_in(newcomer.email, second_factor=False)
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    mail.outbox.clear()
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    message = _only_mail(newcomer.email)
    assert message.subject == "[Wijkverband] Er is een authenticator-app ingesteld"
    assert "authenticator-app ingesteld voor de tweestapsverificatie van je Wijkverband-account" in message.body
    assert secret not in message.body
    _the_way_back_in(message.body)


# Committed for real: allauth mails these after the commit, while the request is still on.
@pytest.mark.django_db(transaction=True)
def test_new_recovery_codes_are_mailed_without_the_codes(world, settings):
    settings.SITE_URL = SITE
    client = _signed_in(world.carla.email)
    mail.outbox.clear()
    response = _post_with_password_again(client, "/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    message = _only_mail(world.carla.email)
    assert message.subject == "[Wijkverband] Er zijn nieuwe herstelcodes gemaakt"
    assert "De eerdere codes werken niet meer." in message.body
    codes = (
        Authenticator.objects.get(user=world.carla, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    )
    assert codes and not any(code in message.body for code in codes)
    _the_way_back_in(message.body)


def test_a_removed_authenticator_app_is_mailed(world, settings):
    settings.SITE_URL = SITE
    client = _signed_in(world.carla.email)
    mail.outbox.clear()
    response = _post_with_password_again(client, "/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.carla, type=Authenticator.Type.TOTP).exists()
    message = _only_mail(world.carla.email)
    assert message.subject == "[Wijkverband] Je authenticator-app is verwijderd"
    assert "De codes ervan werken niet meer." in message.body
    _the_way_back_in(message.body)


def test_the_mail_is_in_english_for_someone_who_reads_english(world, settings):
    settings.SITE_URL = SITE
    with time_machine.travel(AT, tick=False):
        client = _signed_in(world.carla.email, language="en")
        mail.outbox.clear()
        client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    message = _only_mail(world.carla.email)
    assert message.subject == "[Wijkverband] Your password was changed"
    assert "was changed on 5 March 2026, 14:05." in message.body
    assert "Did you not do this? Then someone may have used your account:" in message.body
    assert f"{SITE}/accounts/password/reset/" in message.body


@pytest.mark.parametrize(
    ("template", "subject", "says"),
    [
        ("mfa/email/webauthn_added", "Er is een beveiligingssleutel toegevoegd", "Daarmee kun je je nu aanmelden"),
        (
            "mfa/email/webauthn_removed",
            "Er is een beveiligingssleutel verwijderd",
            "Je kunt je er niet meer mee aanmelden.",
        ),
        ("account/email/email_deleted", "Een e-mailadres is verwijderd", "Het adres oud@example.nl is op 5 maart 2026"),
    ],
)
def test_every_change_mail_is_in_our_words(world, settings, rf, template, subject, says):
    """Also those a browser makes (a security key: tests/browser/test_webauthn.py, whose server
    runs in a process of its own) or that the page does not offer (removing an address)."""
    from allauth.core import context

    from wijkverband.accounts.adapter import AccountAdapter

    settings.SITE_URL = SITE
    request = rf.post("/accounts/2fa/webauthn/", HTTP_USER_AGENT="Firefox")
    request.user = world.maarten
    with context.request_context(request), time_machine.travel(AT, tick=False), translation.override("nl"):
        AccountAdapter(request).send_notification_mail(template, world.maarten, {"deleted_email": "oud@example.nl"})
    message = _only_mail(world.maarten.email)
    assert message.subject == f"[Wijkverband] {subject}"
    assert says in message.body and "5 maart 2026, 14:05" in message.body
    _the_way_back_in(message.body)


def _security_key(user, name="Werksleutel"):
    # As allauth stores one (the credential itself does not matter to these pages).
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}, "passwordless": False}
    )


def test_the_security_keys_page_lists_them_and_one_is_removed_with_a_mail(world, settings):
    """Found while checking these mails: allauth's list of keys loaded "humanize", which is not
    installed, and answered 500, so nobody could rename or remove a key."""
    settings.SITE_URL = SITE
    key = _security_key(world.carla)
    client = _signed_in(world.carla.email)
    page = client.get("/accounts/2fa/webauthn/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1" in html and "Beveiligingssleutels" in html and "Werksleutel" in html
    assert re.search(r"Toegevoegd op \d{1,2} \w+ \d{4}\.", html) and "Nog niet gebruikt." in html
    assert f'href="/accounts/2fa/webauthn/keys/{key.pk}/remove/"' in html
    assert client.get(f"/accounts/2fa/webauthn/keys/{key.pk}/edit/").status_code in (200, 302)
    mail.outbox.clear()
    response = _post_with_password_again(client, f"/accounts/2fa/webauthn/keys/{key.pk}/remove/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    send_outbox()
    assert [m.subject for m in mail.outbox] == ["[Wijkverband] Er is een beveiligingssleutel verwijderd"]


def test_nobody_sees_or_removes_anothers_security_key(world):
    key = _security_key(world.maarten)
    client = _signed_in(world.carla.email)
    assert "Werksleutel" not in client.get("/accounts/2fa/webauthn/").content.decode()
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    assert client.get(f"/accounts/2fa/webauthn/keys/{key.pk}/edit/").status_code == 404
    assert client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/", {}).status_code == 404
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_after_changing_the_password_one_lands_on_the_sign_in_page_with_one_message(world):
    """Found by an exploratory test: signed out by the change, the person was sent back to
    "Wachtwoord wijzigen" (through the sign-in page, ?next=/accounts/password/change/), as if the
    change had failed, with "Je bent afgemeld." before "Wachtwoord wijziging geslaagd."."""
    client = _signed_in(world.carla.email)
    assert client.get("/accounts/password/change/").status_code == 200  # (and "Je bent aangemeld …" read)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "Je wachtwoord is gewijzigd. Meld je aan met je nieuwe wachtwoord."
    ]
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=60)):  # a code not used yet
        response = client.post("/accounts/login/", {"login": world.carla.email, "password": NEW_PASSWORD})
        response = client.post(response["Location"], {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/"


def test_right_after_signing_in_the_recovery_codes_and_removing_the_app_ask_no_password_again(world):
    """Found by an exploratory test: allauth counts only a reauthentication as recent, so someone
    who had just signed in with the password and the code was asked for the password again."""
    client = _signed_in(world.carla.email)
    RecoveryCodes.activate(world.carla)
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200
    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200
    # Later than the reauthentication time after the sign-in, it asks again.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=6)):
        client.get("/")  # (the session stays alive)
        response = client.get("/accounts/2fa/recovery-codes/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")


def test_the_english_authenticator_mail_says_two_factor_authentication(world, settings, rf):
    """Found by an exploratory test: the English mail said "set up for tweestapsverificatie" and
    "check your second factors under tweestapsverificatie", where the English pages say
    "Two-factor authentication"."""
    from allauth.core import context

    from wijkverband.accounts.adapter import AccountAdapter

    settings.SITE_URL = SITE
    request = rf.post("/accounts/2fa/totp/activate/", HTTP_USER_AGENT="Firefox")
    request.user = world.maarten
    for language in ("en", "nl"):
        with context.request_context(request), time_machine.travel(AT, tick=False), translation.override(language):
            AccountAdapter(request).send_notification_mail("mfa/email/totp_activated", world.maarten, {})
    send_outbox()
    english, dutch = mail.outbox
    assert "An authenticator app was set up for two-factor authentication on your Wijkverband account" in english.body
    assert "check your second factors under two-factor authentication:" in english.body
    assert "tweestapsverificatie" not in english.body
    assert "authenticator-app ingesteld voor de tweestapsverificatie van je Wijkverband-account" in dutch.body
