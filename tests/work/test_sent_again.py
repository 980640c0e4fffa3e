"""Back, then send again (core.once): the browser fetches the form anew (our pages are no-store),
fills in what was typed, and the form carries a new token. The same content from the same person,
a moment after it was saved, is answered with a question instead of a second record; "yes" saves it
again (two identical referral records are two clients referred to one offer on one day)."""

import re

import pytest

from tests.referrals.conftest import last_month
from tests.sent_twice import token
from wijkverband.core import once
from wijkverband.referrals.models import Referral
from wijkverband.signals.models import Signal

W = "/t/oost/welzijn-op-recept/records/new/"
QUESTION = "Je hebt precies dit om"
SECOND_TIME = "een tweede keer opgeslagen"


def _record(world, offer="Taalcafé") -> dict:
    return {
        "referred_on": last_month().replace(day=12).isoformat(),
        "referrer": world.gp_a.pk,
        "offer": offer,
        "status": "referred",
        "feedback_on": "",
    }


def _send(client, page: str, data: dict):
    """Open the form's page and send it, as a person does (a new token each time the page is made)."""
    return client.post(page, {**data, once.FIELD: token(client.get(page).content.decode())})


def _hidden(page: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def test_back_and_send_again_asks_first_and_yes_saves_a_second_record(world, client_for):
    sofie = client_for("sofie")
    first = _send(sofie, W, _record(world))
    assert first.status_code == 302
    again = _send(sofie, W, _record(world))
    assert again.status_code == 200
    page = again.content.decode()
    assert QUESTION in page and SECOND_TIME in page
    assert f'href="{first["Location"]}"' in page  # "Nee, laat zien wat is opgeslagen"
    assert Referral.objects.filter(offer="Taalcafé").count() == 1
    # "Ja": the same fields once more, with a token of its own and the mark that she confirmed.
    fields = _hidden(page)
    assert fields["offer"] == "Taalcafé" and fields[once.AGAIN] == "1"
    yes = sofie.post(W, fields)
    assert yes.status_code == 302
    assert Referral.objects.filter(offer="Taalcafé").count() == 2
    # A double tap on "Ja" still saves once.
    assert sofie.post(W, fields, follow=True).redirect_chain[0][0] == yes["Location"]
    assert Referral.objects.filter(offer="Taalcafé").count() == 2


def test_other_content_or_another_person_is_saved_without_a_question(world, client_for):
    assert _send(client_for("sofie"), W, _record(world)).status_code == 302
    assert _send(client_for("sofie"), W, _record(world, offer="Wandelgroep")).status_code == 302
    assert _send(client_for("maarten"), W, _record(world)).status_code == 302
    assert Referral.objects.count() == 3


def test_a_signal_sent_again_after_back_asks_first(world, client_for):
    rosa = client_for("rosa")
    data = {"title": "Terugbellen duurt lang", "text": "Cliënten wachten lang op een terugbelverzoek."}
    assert _send(rosa, "/t/oost/signals/new/", data).status_code == 302
    again = _send(rosa, "/t/oost/signals/new/", data)
    assert again.status_code == 200 and QUESTION in again.content.decode()
    assert Signal.objects.filter(title="Terugbellen duurt lang").count() == 1


def test_the_question_is_english_on_english_pages(world, client_for):
    sofie = client_for("sofie")
    sofie.cookies["django_language"] = "en"
    assert _send(sofie, W, _record(world)).status_code == 302
    page = _send(sofie, W, _record(world)).content.decode()
    assert "You already sent exactly this at" in page and "Yes, save it a second time" in page


@pytest.mark.parametrize("name", ["bram"])
def test_another_teams_member_saying_yes_gets_404_and_nothing_is_saved(world, client_for, name):
    """The question is only ever shown to whoever saved the content; a "yes" sent to another
    team's form is that form's send, refused as any other."""
    fields = {**_record(world), once.FIELD: once.new_token(), once.AGAIN: "1"}
    assert client_for(name).post(W, fields).status_code == 404
    assert not Referral.objects.exists()
