"""An entry or a suggested correction sent twice (a double tap without JavaScript), on a team's kaart
or the region's, is made once, and the second send lands where the first went (core.once)."""

import pytest

from tests.sent_twice import assert_second_lands_where_the_first_went, send_twice
from tests.socialmap.helpers import add, form_data
from wijkverband.socialmap.models import Entry, Suggestion


def _team_entry(world):
    made = Entry.objects.filter(name="Tweemaal verstuurd")
    return "maarten", "/t/oost/sociale-kaart/new/", None, form_data(name="Tweemaal verstuurd"), made


def _region_entry(world):
    made = Entry.objects.filter(name="Tweemaal verstuurd")
    return "ada", "/r/utrecht/sociale-kaart/new/", None, form_data(name="Tweemaal verstuurd"), made


def _team_suggestion(world):
    entry = add(world)
    page = f"/t/oost/sociale-kaart/{entry.pk}/"
    return "rosa", page, page + "suggest/", {"body": "Op vrijdag is het dicht."}, Suggestion.objects.filter(entry=entry)


def _region_suggestion(world):
    entry = add(world, team=None)
    page = f"/r/utrecht/sociale-kaart/{entry.pk}/"
    data = {"body": "Nieuw telefoonnummer: 030 765 4321."}
    return "rik", page, page + "suggest/", data, Suggestion.objects.filter(entry=entry)


@pytest.mark.parametrize("form", [_team_entry, _region_entry, _team_suggestion, _region_suggestion])
def test_a_form_sent_twice_makes_one_and_both_sends_land_where_the_first_went(world, client_for, form):
    persona, page, to, data, made = form(world)
    first, again = send_twice(client_for(persona), page, data, to=to)
    assert made.count() == 1
    assert_second_lands_where_the_first_went(first, again)
