"""Found by an exploratory test on a phone: someone who lost their phone read only "type a recovery
code", and nothing about what to do without codes; after signing in with a recovery code nothing
said a code was used or how many were left; and there was no way to sign out a lost device."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import call_command
from django.test import Client

from tests.accounts.helpers import flashed, signed_in
from tests.ladder import Rung, climb, ladder_params
from tests.personas import PASSWORD
from wijkverband.audit.models import AuditEvent


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


def test_resetting_an_unknown_address_says_so_and_changes_nothing(world):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No account"):
        call_command("reset_second_factor", "niemand@example.nl")
    assert not AuditEvent.objects.filter(action="user.second_factor_reset").exists()


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
