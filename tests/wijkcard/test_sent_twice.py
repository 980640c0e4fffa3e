"""An entry or a suggested correction sent twice (a double tap without JavaScript) is made once, and
the second send lands on the card as the first did (core.once)."""

import pytest

from tests.sent_twice import assert_second_lands_where_the_first_went, send_twice
from tests.wijkcard.conftest import add_entry, entry_post
from wijkverband.wijkcard.models import ContactEntry, Suggestion


def _entry(world):
    made = ContactEntry.objects.filter(contact_point="Tweemaal verstuurd")
    return "maarten", "/t/oost/wijkkaart/new/", entry_post(world, contact_point="Tweemaal verstuurd"), made


def _suggestion(world):
    entry = add_entry(world)
    made = Suggestion.objects.filter(entry=entry)
    return "rosa", f"/t/oost/wijkkaart/{entry.pk}/suggest/", {"text": "Het nummer klopt niet meer."}, made


@pytest.mark.parametrize("form", [_entry, _suggestion])
def test_a_form_sent_twice_makes_one_and_both_sends_land_on_the_card(world, client_for, form):
    persona, url, data, made = form(world)
    first, again = send_twice(client_for(persona), url, data)
    assert made.count() == 1
    assert_second_lands_where_the_first_went(first, again)
