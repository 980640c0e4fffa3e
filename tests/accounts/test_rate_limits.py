"""The rate limits of signing in and of setting up the second factor (docs/accounts.md, "Rate
limits"): they stop guessing, they do not lock out a practice behind one address or a colleague
for long, and every refusal says how long to wait."""

from datetime import timedelta

import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.personas import PASSWORD, make_user, totp_code
from tests.work.helpers import send_outbox
from wijkverband.tenancy import services


def _sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_a_practice_behind_one_address_is_not_locked_out_by_five_failures(world):
    """Found by an exploratory test: five failed sign-ins from one address (a GP practice behind
    one NAT address) refused everyone there for five minutes, the right password included."""
    client = Client()
    for person in [world.maarten, world.pieter, world.sofie, world.rosa, world.bram, world.olga]:
        assert _sign_in(client, person.email, "not-the-password").status_code == 200
    response = _sign_in(Client(), world.carla.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"


def test_three_wrong_passwords_for_a_colleagues_address_do_not_lock_them_out(world):
    for _ in range(3):
        _sign_in(Client(), world.maarten.email, "not-the-password")
    response = _sign_in(Client(), world.maarten.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"


def test_five_wrong_passwords_refuse_that_account_for_five_minutes_and_say_so(world):
    start = timezone.now()
    for _ in range(5):
        _sign_in(Client(), world.maarten.email, "not-the-password")
    response = _sign_in(Client(), world.maarten.email)  # even the right one
    assert response.status_code == 200
    assert "Aanmelden is te vaak mislukt. Probeer het over 5 minuten opnieuw." in response.content.decode()
    assert "inlogpogingen" not in response.content.decode()
    # Someone else signs in from the same address.
    assert _sign_in(Client(), world.carla.email).status_code == 302
    with time_machine.travel(start + timedelta(minutes=2, seconds=30)):
        english = Client()
        english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = _sign_in(english, world.maarten.email)
        assert "Try again in 3 minutes." in response.content.decode()
    with time_machine.travel(start + timedelta(minutes=5, seconds=5)):
        assert _sign_in(Client(), world.maarten.email).status_code == 302


def test_one_address_trying_passwords_across_accounts_is_still_stopped(world):
    start = timezone.now()
    for n in range(30):  # (10 a minute: all sign-ins together may be 30 a minute per address)
        with time_machine.travel(start + timedelta(seconds=6 * n), tick=False):
            _sign_in(Client(), f"geraden{n}@example.nl", "not-the-password")
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        response = _sign_in(Client(), world.carla.email)
    assert response.status_code == 200
    assert "Probeer het over 2 minuten opnieuw." in response.content.decode()


def test_wrong_codes_at_sign_in_are_refused_with_the_wait(world):
    client = Client()
    _sign_in(client, world.carla.email)
    for _ in range(5):
        assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 200
    assert "Te vaak een verkeerde code. Probeer het over 5 minuten opnieuw." in response.content.decode()


def _newcomer(world):
    newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
    services.membership_create(actor=None, team=world.team_a, user=newcomer, role="member", organisation=world.gp_a)
    client = Client()
    assert _sign_in(client, newcomer.email).status_code == 302
    return newcomer, client


def test_setting_up_the_app_is_not_locked_by_three_wrong_codes(world):
    """Found by an exploratory test: three wrong codes while setting up the authenticator app
    refused the right one for 15 minutes, "Wees geduldig, je gaat te snel.", no time given."""
    newcomer, client = _newcomer(world)
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    for _ in range(5):
        assert client.post("/accounts/2fa/totp/activate/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()


def test_setting_up_the_app_after_ten_wrong_codes_says_how_long_to_wait(world):
    newcomer, client = _newcomer(world)
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    for _ in range(10):
        client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Te vaak een verkeerde code. Probeer het over 5 minuten opnieuw." in page
    assert "Wees geduldig" not in page
    # Its own count: signing in is not refused for it.
    assert _sign_in(Client(), newcomer.email).status_code == 302


def test_a_refused_page_says_in_our_words_how_long_to_wait(world):
    client = Client()
    client.force_login(world.maarten)
    for _ in range(10):
        client.post("/accounts/reauthenticate/", {"password": "not-the-password"})
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Je hebt dit te vaak kort na elkaar geprobeerd. Probeer het over 1 minuut opnieuw." in page
    assert "Too Many Requests" not in page


def _failures_across_accounts(start, numbers):
    for n in numbers:  # 6 seconds apart: all sign-in posts together may be 30 a minute per address
        with time_machine.travel(start + timedelta(seconds=6 * n), tick=False):
            response = _sign_in(Client(), f"geraden{n}@example.nl", "not-the-password")
        yield response


def test_signing_in_to_ones_own_account_does_not_reset_the_addresss_count(world):
    """allauth cleared the whole count of failed sign-ins on a right code, the address's with the
    person's: someone with one account of their own could guess other accounts' passwords from one
    address without end, by signing in to their own account now and then (and by a password reset
    of their own). A success now clears the person's count only."""
    start = timezone.now()
    for response in _failures_across_accounts(start, range(29)):
        assert response.status_code == 200
    own = Client()
    with time_machine.travel(start + timedelta(seconds=6 * 29), tick=False):
        assert _sign_in(own, world.carla.email)["Location"] == "/accounts/2fa/authenticate/"
    with time_machine.travel(start + timedelta(seconds=6 * 30), tick=False):
        response = own.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302 and own.get("/").wsgi_request.user == world.carla
    # The right password and the right code did not count; the 30th failure still does.
    last, refused = _failures_across_accounts(start + timedelta(seconds=6 * 2), range(29, 31))
    assert "Aanmelden is te vaak mislukt" not in last.content.decode()
    assert "Aanmelden is te vaak mislukt" in refused.content.decode()


def test_a_password_reset_does_not_reset_the_addresss_count(world):
    start = timezone.now()
    for response in _failures_across_accounts(start, range(30)):
        assert response.status_code == 200
    with time_machine.travel(start + timedelta(seconds=6 * 30), tick=False):
        client = Client()
        client.post("/accounts/password/reset/", {"email": world.carla.email})
        send_outbox()  # the worker's step: the reset mail goes through the outbox
        link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line)
        path = link[link.index("/accounts/") :].strip()
        form = client.get(path, follow=True)
        new = "een-heel-ander-wachtwoord-77"
        done = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
        assert done.status_code == 302
        response = _sign_in(Client(), "geraden99@example.nl", "not-the-password")
    assert "Aanmelden is te vaak mislukt" in response.content.decode()


def test_every_form_that_checks_a_code_counts_with_ours():
    """allauth's forms look `check_rate_limit` up in their own modules: a security key's as well as
    a code's clears only the person's count (rate_limits.install)."""
    from allauth.mfa.base import forms as base_forms
    from allauth.mfa.webauthn import forms as webauthn_forms

    from wijkverband.accounts import rate_limits

    assert base_forms.check_rate_limit is rate_limits.check_code_rate_limit
    assert webauthn_forms.check_rate_limit is rate_limits.check_code_rate_limit
