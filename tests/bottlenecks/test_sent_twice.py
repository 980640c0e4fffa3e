"""A category sent twice (a double tap without JavaScript) is added once, and the second send lands
on the settings page as the first did: it said "There already is a category" (core.once)."""

from tests.sent_twice import assert_second_lands_where_the_first_went, send_twice
from wijkverband.bottlenecks.models import Category


def test_a_category_sent_twice_is_added_once_and_both_sends_land_on_the_settings(world, client_for):
    first, again = send_twice(
        client_for("carla"),
        "/t/oost/bottlenecks/settings/",
        {"name": "Mantelzorg"},
        to="/t/oost/bottlenecks/settings/categories/",
    )
    assert Category.objects.filter(team=world.team_a, name="Mantelzorg").count() == 1
    assert_second_lands_where_the_first_went(first, again)
    assert "Er is al een categorie" not in again.content.decode()
