"""A new team sent twice (a double tap without JavaScript) is made once, and the second send lands
where the first went (inviting its coordinator), not on "the web address is already taken", which
sent people to make it again under another address (core.once)."""

from tests.sent_twice import assert_second_lands_where_the_first_went, send_twice
from wijkverband.tenancy.models import Team


def test_a_team_sent_twice_is_made_once_and_both_sends_land_on_inviting_its_coordinator(world, client_for):
    data = {"name": "Utrecht West", "slug": "west", "municipality": "Utrecht", "postcode_areas": "3531"}
    first, again = send_twice(client_for("ada"), "/r/utrecht/teams/new/", data)
    assert Team.objects.filter(region=world.region, name="Utrecht West").count() == 1
    assert first["Location"] == "/t/west/members/invite/?role=coordinator"
    assert_second_lands_where_the_first_went(first, again)
