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


def test_a_request_in_place_takes_the_whole_page_to_the_setup_and_back_to_that_page_after(world):
    """Found by reading the middleware: someone whose new role asks for a second factor, with Mijn
    werk open, had the setup page swapped into the list by its refresh (htmx followed the redirect
    inside the page), and the setup offered to continue to the list's fragment ("?part=list"), a
    bare piece of a page. Now the whole page goes to the setup, which continues to the page."""
    newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
    client = Client()
    client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    assert client.get("/my-work/").status_code == 200  # no role that asks for one yet
    services.membership_create(actor=None, team=world.team_a, user=newcomer, role="member", organisation=world.gp_a)
    on_the_page = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/my-work/"}
    refreshed = client.get("/my-work/?part=list", **on_the_page)
    assert refreshed.status_code != 302, "htmx follows a redirect inside the page"
    assert refreshed["HX-Redirect"] == "/accounts/2fa/totp/activate/"
    assert client.session["wv_after_second_factor"] == "/my-work/"  # the page, not its fragment
    # An answer sent in place the same; a page from another site is not where it goes on to.
    sent = client.post(
        "/t/oost/my-work/confirm/1/1/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://elders.example/phish/",
    )
    assert sent["HX-Redirect"] == "/accounts/2fa/totp/activate/"
    assert client.session["wv_after_second_factor"] == "/my-work/"
    # Without htmx, a page is where it goes on to, as before.
    assert client.get("/t/oost/")["Location"] == "/accounts/2fa/totp/activate/"
    assert client.session["wv_after_second_factor"] == "/t/oost/"
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
