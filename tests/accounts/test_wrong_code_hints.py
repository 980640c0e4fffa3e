"""Found by an exploratory test: "Ongeldige code." gave no hint. A code typed a second time within
its half minute says to wait for the next one; during setup a wrong code names the two usual causes:
the phone's clock, and another account's code in the app."""

from django.test import Client

from tests.personas import PASSWORD, make_user, totp_code
from wijkverband.tenancy import services


def test_a_code_just_used_says_to_wait_for_the_next_one(world):
    code = totp_code()
    first = Client()
    first.post("/accounts/login/", {"login": world.carla.email, "password": PASSWORD})
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    again = Client()
    again.post("/accounts/login/", {"login": world.carla.email, "password": PASSWORD})
    page = again.post("/accounts/2fa/authenticate/", {"code": code})
    assert page.status_code == 200
    assert "Deze code is net gebruikt. Wacht op de volgende code in je app en typ die." in page.content.decode()
    # A code that is simply wrong says so, without that hint.
    wrong = again.post("/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
    assert "Ongeldige code." in wrong and "net gebruikt" not in wrong


def test_a_wrong_code_during_setup_names_the_clock_and_the_account_in_the_app(world):
    newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
    services.membership_create(actor=None, team=world.team_a, user=newcomer, role="member", organisation=world.gp_a)
    client = Client()
    client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    page = client.post("/accounts/2fa/totp/activate/", {"code": "000000"}).content.decode()
    assert "klok van je telefoon" in page
    assert "nieuw@example.nl" in page
