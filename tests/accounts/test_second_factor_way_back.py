"""Found by an exploratory test on a phone: after setting up the authenticator app, Back twice
reached its setup page, which sent on to "Authenticator-app verwijderen … Weet je het zeker?" with
only the big remove button. The setup page of an app that exists goes to the overview and says the
app is set up; every confirmation page (remove the app, new recovery codes, sign out) has a way back."""

import re

import pytest

from tests.accounts.helpers import flashed, signed_in
from tests.ladder import Rung, climb, ladder_params


def _cancel_link(html: str) -> str | None:
    found = re.search(r'<a [^>]*href="([^"]+)"[^>]*>\s*Annuleren\s*</a>', html)
    return found.group(1) if found else None


def test_the_setup_page_of_an_app_that_exists_leads_to_the_overview_and_says_so(world):
    client = signed_in(world.carla.email)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    page = client.get(response["Location"])
    assert flashed(page)[-1:] == ["Je authenticator-app is al ingesteld."]
    assert "Weet je het zeker?" not in page.content.decode()


def test_every_confirmation_page_has_a_way_back(world):
    client = signed_in(world.carla.email)
    for path, back in [
        ("/accounts/2fa/totp/deactivate/", "/accounts/2fa/"),
        ("/accounts/2fa/recovery-codes/generate/", "/accounts/2fa/"),
        ("/accounts/logout/", "/"),
    ]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert _cancel_link(page.content.decode()) == back, path


def test_removing_the_app_warns_that_the_recovery_codes_stop_working_too(world):
    """Found by an exploratory test: removing the app also voided the recovery codes, unannounced."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(world.carla)
    client = signed_in(world.carla.email)
    page = client.get("/accounts/2fa/totp/deactivate/").content.decode()
    assert "en je herstelcodes ook niet (bij een nieuwe app krijg je nieuwe)" in page
    client.post("/accounts/2fa/totp/deactivate/")
    from allauth.mfa.models import Authenticator

    assert not Authenticator.objects.filter(user=world.carla).exists()  # as the page said


EVERYONE = ["anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga", "ines"]

#: The app's setup page (accounts.views.ActivateTOTPView, before allauth's own): a visitor is asked
#: to sign in; with an app set up, to the overview; rosa, without one and signed in long ago (no
#: sign-in in this session), is asked for her password first.
LADDER = [
    Rung(
        "mfa_activate_totp",
        lambda world: "/accounts/2fa/totp/activate/",
        dict.fromkeys(EVERYONE, 302),
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)
