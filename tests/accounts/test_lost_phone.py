"""Found by an exploratory test on a phone: someone who lost their phone read only "type a recovery
code", and nothing about what to do without codes; after signing in with a recovery code nothing
said a code was used or how many were left; and there was no way to sign out a lost device."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests.accounts.helpers import flashed, signed_in
from tests.ladder import Rung, climb, ladder_params
from tests.personas import PASSWORD, TOTP_SECRET
from tests.work.helpers import send_outbox
from wijkverband.audit.models import AuditEvent

SITE = "https://wijkverband.example.nl"
#: 14:05 in Amsterdam: the mail says the time people read on their clocks.
AT = dt.datetime(2026, 3, 5, 14, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_the_code_page_says_what_to_do_without_phone_and_codes(world):
    client = Client()
    client.post("/accounts/login/", {"login": world.carla.email, "password": PASSWORD})
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Geen telefoon en geen herstelcodes meer?" in page
    assert "beheerder van het platform" in page


def test_the_administrator_resets_a_second_factor_and_it_is_set_up_again_at_the_next_sign_in(world, capsys):
    RecoveryCodes.activate(world.maarten)
    on_the_lost_phone = Client()
    on_the_lost_phone.force_login(world.maarten)
    assert on_the_lost_phone.get("/t/oost/").status_code == 200
    call_command("reset_second_factor", world.maarten.email.upper())
    assert "maarten@example.nl" in capsys.readouterr().out
    assert not Authenticator.objects.filter(user=world.maarten).exists()
    event = AuditEvent.objects.get(action="user.second_factor_reset")
    assert event.object_id == str(world.maarten.pk) and event.data == {"removed": ["recovery_codes", "totp"]}
    # The lost phone's session is ended: it cannot set up a factor of its own.
    assert on_the_lost_phone.get("/t/oost/")["Location"].startswith("/accounts/login/")
    # The password alone, then the setup of a new app, before anything else.
    client = Client()
    client.post("/accounts/login/", {"login": world.maarten.email, "password": PASSWORD})
    response = client.get("/t/oost/")
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def _reset_mail(world, settings):
    settings.SITE_URL = SITE
    codes = RecoveryCodes.activate(world.maarten).generate_codes()
    mail.outbox.clear()
    with time_machine.travel(AT, tick=False):
        call_command("reset_second_factor", world.maarten.email)
    send_outbox()  # the worker's step: the reset wrote the mail into the outbox
    assert [m.to for m in mail.outbox] == [[world.maarten.email]], [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    # No secret of the factors that went: not the app's, not a recovery code.
    assert TOTP_SECRET not in message.body and not any(code in message.body for code in codes)
    assert "testserver" not in message.body
    return message


def test_the_person_is_mailed_that_the_administrator_reset_their_second_factor(world, settings):
    """Found by a review: the reset removed someone's authenticators and signed them out
    everywhere, and told them nothing; a reset they did not ask for went unseen."""
    message = _reset_mail(world, settings)
    assert message.subject == "[Wijkverband] Je tweestapsverificatie is opnieuw ingesteld"
    body = message.body
    assert body.startswith("Hallo,")
    assert (
        "De beheerder van het platform heeft op 5 maart 2026, 14:05 de tweestapsverificatie van je "
        "Wijkverband-account opnieuw ingesteld" in " ".join(body.split())
    )
    assert "Bij je volgende aanmelding stel je je tweestapsverificatie opnieuw in" in " ".join(body.split())
    assert f"{SITE}/accounts/login/" in body
    # Not asked for: a new password at once, and whom to tell.
    assert "Heb je hier niet om gevraagd?" in body
    assert f"{SITE}/accounts/password/reset/" in body
    assert "coördinator van je wijkverband" in body


def test_the_reset_mail_is_in_the_language_the_person_chose(world, settings):
    get_user_model().objects.filter(pk=world.maarten.pk).update(language="en")
    message = _reset_mail(world, settings)
    assert message.subject == "[Wijkverband] Your two-factor authentication was reset"
    body = " ".join(message.body.split())
    assert message.body.startswith("Hello,")
    assert "The platform's administrator reset the two-factor authentication of your Wijkverband account" in body
    assert "Did you not ask for this?" in body
    assert f"{SITE}/accounts/password/reset/" in body


def test_resetting_an_unknown_address_says_so_and_changes_nothing(world):
    import pytest
    from django.core.management.base import CommandError

    mail.outbox.clear()
    with pytest.raises(CommandError, match="No account"):
        call_command("reset_second_factor", "niemand@example.nl")
    assert not AuditEvent.objects.filter(action="user.second_factor_reset").exists()
    send_outbox()
    assert mail.outbox == []


def test_signing_in_with_a_recovery_code_says_how_many_are_left(world):
    codes = RecoveryCodes.activate(world.carla).generate_codes()
    client = Client()
    client.post("/accounts/login/", {"login": world.carla.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]}, follow=True)
    said = " ".join(flashed(response))
    assert "Je bent aangemeld met een herstelcode; je hebt er nog 9." in said
    assert "Maak nieuwe codes" in said
    # A code from the app says nothing of recovery codes.
    client = signed_in(world.maarten.email)
    assert "herstelcode" not in " ".join(flashed(client.get("/t/oost/")))


def test_signing_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one(world):
    elsewhere, colleague = Client(), Client()
    elsewhere.force_login(world.carla)
    colleague.force_login(world.maarten)
    here = signed_in(world.carla.email)
    overview = here.get("/accounts/2fa/").content.decode()
    assert "Overal afmelden" in overview and 'action="/accounts/sign-out-elsewhere/"' in overview
    response = here.post("/accounts/sign-out-elsewhere/", follow=True)
    assert "Je bent afgemeld op je andere apparaten." in flashed(response)
    assert here.get("/t/oost/").status_code == 200
    assert elsewhere.get("/t/oost/")["Location"].startswith("/accounts/login/")
    assert colleague.get("/t/oost/").status_code == 200
    # Only by its button.
    assert here.get("/accounts/sign-out-elsewhere/").status_code == 405


def test_the_password_page_says_it_signs_out_everywhere(world):
    page = signed_in(world.carla.email).get("/accounts/password/change/").content.decode()
    assert "meld je je overal af" in page


EVERYONE = ["anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga", "ines"]

#: "Overal afmelden" (accounts.views.sign_out_elsewhere): one's own sessions only, by its button;
#: a visitor is asked to sign in.
LADDER = [
    Rung("account_sign_out_elsewhere", lambda world: "/accounts/sign-out-elsewhere/", dict.fromkeys(EVERYONE, 405)),
    Rung(
        "account_sign_out_elsewhere",
        lambda world: "/accounts/sign-out-elsewhere/",
        dict.fromkeys(EVERYONE, 302),
        method="POST",
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)
