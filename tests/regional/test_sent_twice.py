"""A regional item or a regional agreement sent twice (a double tap without JavaScript) is made
once, and the second send lands on it as the first did (core.once)."""

import pytest

from tests.regional.helpers import medication_pattern
from tests.sent_twice import assert_second_lands_where_the_first_went, send_twice
from wijkverband.regional.models import RegionalAgreement, RegionalItem


def _item(world):
    bottleneck = medication_pattern(world)[0]
    data = {"title": "Tweemaal verstuurd", "owner": world.olga.pk, "bottlenecks": [bottleneck.pk]}
    return "/r/utrecht/regional/items/new/", data, RegionalItem.objects.filter(title="Tweemaal verstuurd")


def _offer(world):
    data = {"title": "Tweemaal verstuurd", "body": "Wie doet wat.", "provider_kinds": ["apotheek"]}
    return (
        "/r/utrecht/regional/agreements/new/",
        data,
        RegionalAgreement.objects.filter(title="Tweemaal verstuurd"),
    )


@pytest.mark.parametrize("form", [_item, _offer])
def test_a_form_sent_twice_makes_one_and_both_sends_land_on_it(world, client_for, form):
    url, data, made = form(world)
    first, again = send_twice(client_for("olga"), url, data)
    assert made.count() == 1
    assert_second_lands_where_the_first_went(first, again)
