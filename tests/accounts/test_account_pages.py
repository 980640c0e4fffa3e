"""Your account's pages (allauth's): the header's "Account" leads to them, and each links to the
others, so a password is changed from the app, not from a typed address."""

import re

import pytest

PAGES = {
    "/accounts/2fa/": "Tweestapsverificatie",
    "/accounts/password/change/": "Wachtwoord wijzigen",
    "/accounts/email/": "E-mailadres",
    "/accounts/name/": "Je naam",
}
SIGNED_IN = ["carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines"]


def _nav(html: str) -> str:
    """The account pages' tabs (on a phone they fold into one line that opens to the same links)."""
    found = re.search(
        r'<nav class="wv-team-nav wv-team-nav--folds wv-account-nav" aria-label="Accountinstellingen">\s*'
        r'<ul class="wv-team-nav__list wv-team-nav__tabs">(.*?)</ul>',
        html,
        flags=re.DOTALL,
    )
    assert found, "the account pages' navigation is missing"
    return found.group(1)


@pytest.mark.parametrize("name", SIGNED_IN)
def test_every_persona_reaches_each_account_page_from_the_header_and_the_others(client_for, name):
    client = client_for(name)
    home = client.get("/", follow=True).content.decode()
    assert re.search(r'<a class="utrecht-link" href="/accounts/2fa/"[^>]*>Account</a>', home)
    for url, current in PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        nav = _nav(html)
        for other, label in PAGES.items():
            assert f'href="{other}"' in nav and label in nav
        assert re.search(rf'href="{re.escape(url)}" aria-current="page">{current}<', nav), url
        assert nav.count('aria-current="page"') == 1
        # The notification e-mails are set on the notifications page: linked from here too.
        assert re.search(r'href="/notifications/#notification-emails">Meldingen per e-mail</a>', nav)
        # The header's "Account" is the current place on each.
        assert re.search(r'href="/accounts/2fa/" aria-current="page">Account</a>', html), url


def test_the_account_pages_ask_a_visitor_to_sign_in(client_for):
    client = client_for("anonymous")
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_other_pages_show_no_account_navigation(client_for):
    html = client_for("carla").get("/t/oost/").content.decode()
    assert "wv-account-nav" not in html
    assert 'href="/accounts/2fa/" aria-current' not in html


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/accounts/reauthenticate/", "password"),
        ("/accounts/password/change/", "oldpassword"),
        ("/accounts/login/", "password"),
    ],
)
def test_the_forgotten_password_link_comes_after_the_password_box(client, client_for, url, field):
    """Found by a keyboard and screen-reader test: "Wachtwoord vergeten?" sat in the password's
    help text, before the box: Tab reached the link before the box, and a screen reader read it as
    the box's description."""
    from bs4 import BeautifulSoup

    browser = client if url == "/accounts/login/" else client_for("carla")
    page = BeautifulSoup(browser.get(url).content.decode(), "html.parser")
    box = page.select_one(f'input[name="{field}"]')
    assert box is not None
    links = page.select('main a[href="/accounts/password/reset/"]')
    assert links, "the link to a new password is missing"
    assert all(link in box.find_all_next("a") for link in links)
    for ref in (box.get("aria-describedby") or "").split():
        assert page.find(id=ref).select('a[href="/accounts/password/reset/"]') == []
    assert "Wachtwoord vergeten?" in links[0].get_text()
