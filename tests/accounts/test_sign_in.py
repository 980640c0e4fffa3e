import re
from datetime import timedelta

import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.accounts.helpers import flashed
from tests.personas import PASSWORD, TOTP_SECRET, make_user, totp_code
from tests.work.helpers import send_outbox


def _password_step(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_a_professional_signs_in_with_password_then_totp(world):
    client = Client()
    response = _password_step(client, world.carla.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone does not open anything.
    assert client.get("/t/oost/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/t/oost/").status_code == 200


def test_a_wrong_totp_code_does_not_sign_in(world):
    client = Client()
    _password_step(client, world.carla.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/t/oost/").status_code == 302


def test_a_wrong_password_is_refused(world):
    client = Client()
    response = _password_step(client, world.carla.email, "not-the-password")
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_a_professional_without_a_second_factor_must_set_one_up_before_any_team_page(world):
    newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
    from wijkverband.tenancy import services

    services.membership_create(actor=None, team=world.team_a, user=newcomer, role="member", organisation=world.gp_a)
    client = Client()
    assert _password_step(client, newcomer.email).status_code == 302
    for path in ["/", "/t/oost/", "/r/utrecht/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    # The setup page itself is reachable.
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    Authenticator.objects.filter(user=newcomer).delete()
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(newcomer, TOTP_SECRET)
    assert client.get("/t/oost/").status_code == 200


def test_an_overseer_without_a_second_factor_is_sent_to_set_one_up(world):
    Authenticator.objects.filter(user=world.olga).delete()
    client = Client()
    client.force_login(world.olga)
    response = client.get("/r/utrecht/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_a_client_representative_may_work_without_a_second_factor(world):
    assert not Authenticator.objects.filter(user=world.rosa).exists()
    client = Client()
    response = _password_step(client, world.rosa.email)
    assert response.status_code == 302
    assert client.get("/t/oost/").status_code == 200


def test_the_session_expires_after_inactivity(world, settings):
    client = Client()
    client.force_login(world.maarten)
    assert client.get("/t/oost/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)):
        assert client.get("/t/oost/").status_code == 200  # activity renews the session
    later = timezone.now() + timedelta(seconds=2 * settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        response = client.get("/t/oost/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_out_ends_the_session(world):
    client = Client()
    client.force_login(world.maarten)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/t/oost/").status_code == 302


def test_there_is_no_open_sign_up(db):
    client = Client()
    client.get("/accounts/signup/")
    client.post(
        "/accounts/signup/",
        {"email": "stranger@example.nl", "password1": "a-long-password-1", "password2": "a-long-password-1"},
    )
    assert not get_user_model().objects.filter(email="stranger@example.nl").exists()


def test_password_reset_sends_a_link_by_email(world):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": world.maarten.email})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent in the request: the worker sends it from the outbox
    send_outbox()
    assert len(mail.outbox) == 1
    assert world.maarten.email in mail.outbox[0].to
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    # In our words, not the library's ("Hallo van testserver!", "sign up").
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "[Wijkverband] Een nieuw wachtwoord"
    assert body.startswith("Hallo,") and "testserver!" not in body and "signup" not in body
    assert "http://testserver/accounts/password/reset/key/" in body  # absolute


def test_a_password_reset_for_an_unknown_address_says_accounts_come_by_invitation(db):
    client = Client()
    client.post("/accounts/password/reset/", {"email": "onbekend@example.org"})
    send_outbox()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Wijkverband] Geen account met dit adres"
    assert "uitnodiging van de coördinator" in message.body and "/accounts/signup/" not in message.body


def test_a_recovery_code_signs_in_once_instead_of_a_totp_code(world):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(world.carla).generate_codes()
    client = Client()
    _password_step(client, world.carla.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.get("/t/oost/").status_code == 200
    client.post("/accounts/logout/")
    # The same code does not work twice.
    client = Client()
    _password_step(client, world.carla.email)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.get("/t/oost/").status_code == 302


def test_the_sign_in_page_does_not_invite_people_to_sign_up(client):
    page = client.get("/accounts/login/").content.decode()
    assert "registreer" not in page.lower() and "/accounts/signup/" not in page
    assert "Je krijgt er een via een uitnodiging van de coördinator van je wijkverband." in page
    assert 'href="/postcode/"' in page  # the public lookup needs no account


def test_the_language_switch_is_in_the_footer_not_the_header(client):
    page = client.get("/accounts/login/").content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert "set_language" not in header and "/i18n/setlang/" not in header
    assert "/i18n/setlang/" in footer


def test_the_forgotten_password_link_comes_after_the_form_and_the_code_box_has_the_cursor(world):
    """Found by an exploratory test: Tab went from the e-mail address to "Wachtwoord vergeten?"
    before the password, and on the code page nothing had focus."""
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert page.count("Wachtwoord vergeten?") == 1
    form_end = page.index("</form>")
    assert page.index('name="password"') < form_end < page.index("Wachtwoord vergeten?")
    assert 'href="/accounts/password/reset/"' in page[form_end:]
    _password_step(client, world.carla.email)
    code = client.get("/accounts/2fa/authenticate/").content.decode()
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', code)


def test_the_code_page_says_a_recovery_code_works_in_the_same_box(world):
    """Found by an exploratory test: the page asked only for the code from the authenticator app,
    so someone without their phone did not know a recovery code would sign them in."""
    client = Client()
    _password_step(client, world.carla.email)
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Typ de code uit je authenticator-app." in page
    assert "Heb je je telefoon niet bij de hand? Typ dan in hetzelfde vak een van je herstelcodes." in page
    # A security key is offered only to an account that has one (the test of that below).
    assert "Beveiligingssleutel gebruiken" not in page


def test_asking_for_the_code_again_says_a_recovery_code_works_too(world):
    client = Client()
    _password_step(client, world.carla.email)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    page = client.get("/accounts/2fa/reauthenticate/").content.decode()
    assert "een van je herstelcodes" in page


def test_an_expired_session_is_told_so_on_the_sign_in_page_and_a_visitor_is_not(world, settings):
    """Found by an exploratory test: a form sent after the session had expired led to the sign-in
    page without a word, as if something had gone wrong."""
    client = Client()
    client.force_login(world.rosa)
    later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        response = client.post("/t/oost/signals/new/", {"title": "Wachttijd", "text": "Lang"})
        assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/t/oost/signals/new/"
        page = client.get(response["Location"])
    assert flashed(page) == ["Je sessie is verlopen; meld je opnieuw aan."]
    # A visitor, and someone who signed out, are not told their session expired.
    visitor = Client()
    assert flashed(visitor.get("/t/oost/signals/new/", follow=True)) == []
    signed_out = Client()
    signed_out.force_login(world.rosa)
    response = signed_out.post("/accounts/logout/")
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 0
    del signed_out.cookies[django_settings.SESSION_COOKIE_NAME]  # (as a browser drops it; the test client keeps it)
    assert flashed(signed_out.get("/t/oost/", follow=True)) == ["Je bent afgemeld."]


def test_the_code_page_offers_a_security_key_only_to_an_account_with_one(world, monkeypatch):
    """Found by an exploratory test: "Beveiligingssleutel gebruiken" was offered to accounts without
    a security key, and without JavaScript its button does nothing."""
    client = Client()
    _password_step(client, world.maarten.email)
    html = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Beveiligingssleutel gebruiken" not in html and 'id="mfa_webauthn_authenticate"' not in html
    assert html.count(">Annuleren</button>") == 1  # the way back stays
    english = client
    english.cookies["django_language"] = "en"
    assert "Use a security key" not in english.get("/accounts/2fa/authenticate/").content.decode()

    # With a key (its credential does not matter to the page) the choice is there.
    from allauth.mfa.webauthn.internal import auth as webauthn_auth

    monkeypatch.setattr(webauthn_auth, "get_credentials", lambda user: [])
    Authenticator.objects.create(
        user=world.carla, type=Authenticator.Type.WEBAUTHN, data={"name": "Sleutel", "credential": {}}
    )
    client = Client()
    _password_step(client, world.carla.email)
    html = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Beveiligingssleutel gebruiken" in html and 'id="mfa_webauthn_authenticate"' in html
    assert html.count(">Annuleren</button>") == 1
