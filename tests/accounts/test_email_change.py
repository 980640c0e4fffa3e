"""Everyone changes their own e-mail address ("E-mailadres" under Account): the password first,
then a link to the new address, which counts only once that link is followed; the old address is
told. Until then the account signs in and resets its password by the old address only."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.ladder import Rung, climb, ladder_params
from tests.personas import PASSWORD, totp_code
from tests.work.helpers import send_outbox

NEW = "carla.nieuw@voorbeeld.nl"


def _signed_in(email, *, second_factor=True) -> Client:
    """A real sign-in (password, then the code), as a person's browser has it."""
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    if second_factor:
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
        assert response.status_code == 302
    return client


def _ask_for(client, address):
    """Ask for `address`; the password is asked again first (once within five minutes), and the
    request goes on once it is given. Then the worker sends the mail the request put in the outbox."""
    response = client.post("/accounts/email/", {"email": address, "action_add": ""})
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        response = client.post(response["Location"], {"password": PASSWORD})
    send_outbox()
    return response


def _link(message) -> str:
    found = re.search(r"(https?://\S+/accounts/confirm-email/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def _address(user) -> str:
    return get_user_model().objects.get(pk=user.pk).email


EVERYONE = ["anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga", "ines"]

#: The link of a new address (accounts.views.EmailConfirmView, before allauth's own): opening one
#: changes nothing for anybody, and a key that is no link's confirms nothing (404).
LADDER = [
    # The page of one's own address (accounts.views.EmailView, before allauth's own): everyone's own.
    Rung("account_email", lambda world: "/accounts/email/", {"anonymous": 302, **dict.fromkeys(EVERYONE[1:], 200)}),
    Rung(
        "account_email",
        lambda world: "/accounts/email/",
        {"anonymous": 302, **dict.fromkeys(EVERYONE[1:], 302)},
        method="POST",
        data=lambda world: {"email": NEW, "action_send": ""},
    ),
    Rung("account_confirm_email", lambda world: "/accounts/confirm-email/geen-sleutel/", dict.fromkeys(EVERYONE, 200)),
    Rung(
        "account_confirm_email",
        lambda world: "/accounts/confirm-email/geen-sleutel/",
        dict.fromkeys(EVERYONE, 404),
        method="POST",
        data=lambda world: {},
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)


def test_a_professional_with_a_second_factor_changes_their_address_by_its_link(world):
    client = _signed_in(world.carla.email)
    old = world.carla.email
    page = client.get("/accounts/email/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="utrecht-heading-1">E-mailadres</h1>' in html and old in html
    mail.outbox.clear()

    response = _ask_for(client, NEW)
    assert response.status_code == 302
    # Nothing changed yet: one mail, to the new address, with an absolute link and no one's data.
    assert _address(world.carla) == old
    assert [m.to for m in mail.outbox] == [[NEW]]
    message = mail.outbox[0]
    assert message.subject == "[Wijkverband] Bevestig je nieuwe e-mailadres"
    link = _link(message)
    assert link.startswith("http://testserver/accounts/confirm-email/")
    assert "Volg dan deze link" in message.body
    page = client.get("/accounts/email/").content.decode()
    assert f"We hebben een link gemaild naar {NEW}: volg die om je nieuwe adres te bevestigen." in page
    assert "Wijziging wacht op bevestiging" in page and NEW in page

    # Opening the link changes nothing (a mail scanner may open it); its button does.
    path = link.removeprefix("http://testserver")
    confirm = client.get(path)
    assert confirm.status_code == 200 and "Bevestig je nieuwe e-mailadres" in confirm.content.decode()
    assert _address(world.carla) == old
    mail.outbox.clear()
    assert client.post(path).status_code == 302
    send_outbox()
    assert _address(world.carla) == NEW
    assert f"Je e-mailadres is nu {NEW}." in client.get("/accounts/email/").content.decode()
    assert list(EmailAddress.objects.filter(user=world.carla).values_list("email", "verified", "primary")) == [
        (NEW, True, True)
    ]
    # The old address is told, with neither link nor message text.
    assert [m.to for m in mail.outbox] == [[old]]
    told = mail.outbox[0]
    assert told.subject == "[Wijkverband] Je e-mailadres is gewijzigd"
    assert f"gewijzigd van {old} in {NEW}" in told.body and "http" not in told.body

    # The new address signs in (on to the second factor); the old one no longer does.
    assert Client().post("/accounts/login/", {"login": old, "password": PASSWORD}).status_code == 200
    signed = Client().post("/accounts/login/", {"login": NEW, "password": PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == "/accounts/2fa/authenticate/"


def test_the_change_asks_for_the_password_first_and_a_wrong_one_changes_nothing(world):
    client = _signed_in(world.maarten.email)
    mail.outbox.clear()
    response = client.post("/accounts/email/", {"email": "maarten.elders@voorbeeld.nl", "action_add": ""})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    refused = client.post(response["Location"], {"password": "niet-het-wachtwoord"})
    assert refused.status_code == 200
    assert mail.outbox == []
    assert not EmailAddress.objects.filter(email="maarten.elders@voorbeeld.nl").exists()


def test_a_pending_address_neither_signs_in_nor_gets_a_password_reset(world):
    client = _signed_in(world.carla.email)
    _ask_for(client, NEW)
    mail.outbox.clear()
    # Someone who had the session for a moment added their own address: it opens nothing.
    assert Client().post("/accounts/login/", {"login": NEW, "password": PASSWORD}).status_code == 200
    Client().post("/accounts/password/reset/", {"email": NEW})
    send_outbox()
    assert not any("/accounts/password/reset/key/" in m.body for m in mail.outbox)
    # The account's own address still gets its reset link.
    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": world.carla.email})
    send_outbox()
    assert [m.to for m in mail.outbox] == [[world.carla.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_cancelling_a_pending_change_keeps_the_address(world):
    client = _signed_in(world.carla.email)
    _ask_for(client, NEW)
    link = _link(mail.outbox[-1]).removeprefix("http://testserver")
    response = client.post("/accounts/email/", {"email": NEW, "action_remove": ""}, follow=True)
    assert f"De wijziging naar {NEW} is geannuleerd." in response.content.decode()
    assert not EmailAddress.objects.filter(email=NEW).exists()
    client.post(link)
    assert _address(world.carla) == world.carla.email


def test_another_accounts_address_never_becomes_yours(world):
    client = _signed_in(world.carla.email)
    taken = world.maarten.email
    mail.outbox.clear()
    # The page does not say whose an address is (nobody learns who has an account): it mails the
    # link as for any address, and that link cannot make it Carla's.
    assert _ask_for(client, taken).status_code == 302
    assert [m.to for m in mail.outbox] == [[taken]]
    link = _link(mail.outbox[0]).removeprefix("http://testserver")
    page = client.get(link).content.decode()
    assert f"{taken} hoort al bij een ander account" in page and "Bevestigen</button>" not in page
    client.post(link)
    assert _address(world.carla) == world.carla.email and _address(world.maarten) == taken
    assert EmailAddress.objects.get(email=taken, verified=True).user_id == world.maarten.pk


@pytest.mark.parametrize("address", ["", "geen-adres", "a@b", "x" * 300 + "@voorbeeld.nl"])
def test_a_bad_address_is_refused_at_the_field_and_changes_nothing(world, address):
    client = _signed_in(world.carla.email)
    mail.outbox.clear()
    response = _ask_for(client, address)
    assert response.status_code == 200
    html = response.content.decode()
    assert "utrecht-form-field--invalid" in html
    assert mail.outbox == []
    assert list(EmailAddress.objects.filter(user=world.carla).values_list("email", flat=True)) == [world.carla.email]


def test_a_client_representative_changes_their_address_too(world):
    client = _signed_in(world.rosa.email, second_factor=False)
    mail.outbox.clear()
    assert _ask_for(client, "rosa.nieuw@voorbeeld.nl").status_code == 302
    client.post(_link(mail.outbox[-1]).removeprefix("http://testserver"))
    assert _address(world.rosa) == "rosa.nieuw@voorbeeld.nl"


def test_a_visitor_is_asked_to_sign_in(client_for):
    response = client_for("anonymous").get("/accounts/email/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_expired_or_unknown_link_says_so_and_leads_back(world):
    client = _signed_in(world.carla.email)
    html = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert "Deze link is verlopen of al gebruikt." in html and 'href="/accounts/email/"' in html


def test_opening_the_link_where_another_account_is_signed_in_signs_nobody_out(world):
    """Found by an exploratory test: the link opened in a browser where someone else was signed in
    signed them out ("Je bent afgemeld.") and offered to confirm the address for the other account."""
    carla = _signed_in(world.carla.email)
    mail.outbox.clear()
    _ask_for(carla, NEW)
    path = _link(mail.outbox[0]).removeprefix("http://testserver")
    colleague = Client()
    colleague.force_login(world.maarten)
    page = colleague.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Deze link is voor een ander account dan het account dat hier is aangemeld (Maarten Lid)." in html
    assert f'action="{path}"' not in html  # no button that confirms
    assert 'action="/accounts/logout/"' in html and f'name="next" value="{path}"' in html
    assert colleague.get("/t/oost/").status_code == 200  # still signed in
    # Its button, sent anyway, confirms nothing and signs nobody out.
    assert colleague.post(path).status_code == 409
    assert _address(world.carla) != NEW
    assert colleague.get("/t/oost/").status_code == 200
    # Signed out, the link confirms as before.
    colleague.post("/accounts/logout/")
    assert "Bevestig" in colleague.get(path).content.decode()
    assert colleague.post(path).status_code == 302
    assert _address(world.carla) == NEW


def test_choosing_an_address_again_within_minutes_mails_a_link_that_works(world):
    """Found by an exploratory test: A, then B, then A again within three minutes mailed nothing
    (allauth's cooldown, one link per address per 3 minutes), while the page said a link had gone
    to A; and A's first link had stopped working, as the change was made anew."""
    client = _signed_in(world.carla.email)
    other = "carla.anders@voorbeeld.nl"
    mail.outbox.clear()
    _ask_for(client, NEW)
    first = _link(mail.outbox[-1]).removeprefix("http://testserver")
    _ask_for(client, other)
    mail.outbox.clear()
    response = _ask_for(client, NEW)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[NEW]]
    page = client.get("/accounts/email/").content.decode()
    assert f"We hebben een link gemaild naar {NEW}: volg die om je nieuwe adres te bevestigen." in page
    # The first link was for a change that is gone; the new one works.
    assert "Deze link is verlopen of al gebruikt." in client.get(first).content.decode()
    assert client.post(_link(mail.outbox[-1]).removeprefix("http://testserver")).status_code == 302
    assert _address(world.carla) == NEW


def test_changing_back_and_forth_is_bounded_and_then_says_when_it_can_again(world):
    """Choosing an address anew mails it past the cooldown only a few times (ACCOUNT_RATE_LIMITS
    "new_email_link"): the page cannot be used to flood an address with links. Then the change is
    refused, says when it can be made, and the pending change and its link stay as they were."""
    client = _signed_in(world.carla.email)
    other = "carla.anders@voorbeeld.nl"
    sent = 0
    for _ in range(6):
        for address in (NEW, other):
            mail.outbox.clear()
            response = _ask_for(client, address)
            sent += len(mail.outbox)
            if response.status_code == 200:
                break
        else:
            continue
        break
    assert response.status_code == 200 and mail.outbox == []
    html = response.content.decode()
    assert re.search(r"Er is net een link naar \S+ gestuurd\. Kies dit adres over \d+ minuten? opnieuw\.", html), html
    assert sent == 8  # the first link of each address, and three more of each past the cooldown
    pending = EmailAddress.objects.get(user=world.carla, verified=False)
    # The change that waits keeps its link, and the page says so.
    assert f"We hebben een link gemaild naar {pending.email}" in html


def _send_again(client, address):
    """ "Stuur de link opnieuw" on the pending change, followed to the page it leads back to; then the
    worker sends the mail the request put in the outbox."""
    response = client.post("/accounts/email/", {"email": address, "action_send": ""}, follow=True)
    send_outbox()
    return response


def test_sending_the_link_again_at_once_mails_it_or_says_when_it_can(world):
    """Found by an exploratory test: "Stuur de link opnieuw" within allauth's cooldown (one link per
    address per 3 minutes) mailed nothing and said nothing, so the page's "We hebben een link
    gemaild" read as if it had gone again. Now it goes, a few times per address (ACCOUNT_RATE_LIMITS
    "new_email_link", as choosing the address anew), and then the page says it did not and when it
    can; the link already sent still works."""
    client = _signed_in(world.carla.email)
    _ask_for(client, NEW)
    first = _link(mail.outbox[-1]).removeprefix("http://testserver")
    for _ in range(3):
        mail.outbox.clear()
        html = _send_again(client, NEW).content.decode()
        assert [m.to for m in mail.outbox] == [[NEW]]
        assert f"We hebben een link gemaild naar {NEW}: volg die om je nieuwe adres te bevestigen." in html
    mail.outbox.clear()
    html = _send_again(client, NEW).content.decode()
    assert mail.outbox == []
    assert f"We hebben een link gemaild naar {NEW}: volg" not in html
    assert re.search(
        rf"De link naar {re.escape(NEW)} is net gestuurd en werkt nog\. Je kunt hem over \d+ minuten? opnieuw "
        r"laten sturen\.",
        html,
    ), html
    # Each link mailed works, the first one too.
    assert client.post(first).status_code == 302
    assert _address(world.carla) == NEW


def test_sending_the_link_again_for_an_address_not_yours_mails_nothing(world):
    """The page's form names the address: one that is not the account's pending change gets no
    link, and uses up nothing of that address's links."""
    client = _signed_in(world.carla.email)
    _ask_for(client, NEW)
    mail.outbox.clear()
    for _ in range(4):
        _send_again(client, "iemand.anders@voorbeeld.nl")
    assert mail.outbox == []
    _send_again(client, NEW)
    assert [m.to for m in mail.outbox] == [[NEW]]


def test_cancelling_a_pending_change_mails_nothing_about_a_removed_address(world):
    """Found by an exploratory test: "Wijziging annuleren" mailed the current address "Een
    e-mailadres is verwijderd … Heb je dit niet zelf gedaan?", though the pending address had
    never been part of the account."""
    client = _signed_in(world.carla.email)
    _ask_for(client, NEW)
    mail.outbox.clear()
    response = client.post("/accounts/email/", {"email": NEW, "action_remove": ""}, follow=True)
    assert f"De wijziging naar {NEW} is geannuleerd." in response.content.decode()
    send_outbox()
    assert [m.subject for m in mail.outbox] == []
