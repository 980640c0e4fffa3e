"""Found by an exploratory test: a password-reset link opened where someone else was signed in
signed them out without asking ("Je bent afgemeld.") and showed a form for a new password that did
not say whose account it was for. As the invitation's and the new address's links do, it says the
link is for another account and offers to sign out; the form names the account."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.helpers import flashed
from tests.ladder import Rung, climb, ladder_params
from tests.work.helpers import send_outbox


def _reset_link(user) -> str:
    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": user.email})
    send_outbox()
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)


def test_a_reset_link_opened_where_a_colleague_is_signed_in_signs_nobody_out(world):
    link = _reset_link(world.carla)
    colleague = Client()
    colleague.force_login(world.maarten)
    page = colleague.get(link, follow=True)
    html = page.content.decode()
    assert "Deze link is voor een ander account dan het account dat hier is aangemeld (Maarten Lid)." in html
    assert "Je bent afgemeld." not in flashed(page)
    assert 'name="password1"' not in html  # no form for a new password
    assert 'action="/accounts/logout/"' in html and f'name="next" value="{link}"' in html
    assert colleague.get("/t/oost/").status_code == 200  # still signed in
    # Signed out by that button, the same link leads to the form, which names the account.
    response = colleague.post("/accounts/logout/", {"next": link}, follow=True)
    html = response.content.decode()
    assert 'name="password1"' in html
    assert "Voor het account <strong>carla@example.nl</strong>." in html


def test_the_form_of_a_reset_link_names_the_account(world):
    html = Client().get(_reset_link(world.carla), follow=True).content.decode()
    assert "Voor het account <strong>carla@example.nl</strong>." in html


EVERYONE = ["anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga", "ines"]

#: The reset link's page (accounts.views.PasswordResetByLinkView, before allauth's own): a link that
#: is no link says so to everyone and changes nothing.
LADDER = [
    Rung(
        "account_reset_password_from_key",
        lambda world: "/accounts/password/reset/key/1-geen-sleutel/",
        dict.fromkeys(EVERYONE, 200),
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)
