"""Found by an exploratory test on a phone: while the second factor still had to be set up, the
links (Mijn werk, Meldingen, Menu, the account's tabs) led back to the setup page without a word,
as if they were broken. The bounce says why, once; the first arrival there after signing in does not."""

from django.test import Client

from tests.accounts.helpers import flashed
from tests.personas import PASSWORD, make_user
from wijkverband.tenancy import services

WORD = "Stel eerst je tweestapsverificatie in; daarna kun je verder."


def test_a_link_that_bounces_to_the_setup_page_says_why_and_the_first_arrival_does_not(world):
    newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
    services.membership_create(actor=None, team=world.team_a, user=newcomer, role="member", organisation=world.gp_a)
    client = Client()
    arrival = client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD}, follow=True)
    assert arrival.request["PATH_INFO"] == "/accounts/2fa/totp/activate/"
    assert WORD not in flashed(arrival)
    for path in ["/t/oost/", "/my-work/", "/accounts/password/change/"]:
        bounced = client.get(path, follow=True)
        assert bounced.request["PATH_INFO"] == "/accounts/2fa/totp/activate/", path
        assert flashed(bounced).count(WORD) == 1, path
    # The setup page asked for itself says nothing of it.
    assert WORD not in flashed(client.get("/accounts/2fa/totp/activate/"))
