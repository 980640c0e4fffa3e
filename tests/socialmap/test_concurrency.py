"""Two people changing the same entry of the social map at the same moment, in separate connections."""

import pytest
from django.db import connection

from tests.postgres import second_waits_for_first
from tests.socialmap.helpers import add
from wijkverband.core.errors import ActionRefused
from wijkverband.socialmap import services
from wijkverband.socialmap.models import Entry, Suggestion


def _remove(world, entry):
    return services.entry_remove(actor=world.carla, entry=entry)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_suggestion_answered_while_its_entry_is_removed_is_refused(world):
    """Maarten applies Rosa's suggestion while Carla removes the entry (and with it the suggestion).
    The answer waits for the removal and is refused with a message. It locked a suggestion that was
    gone once the removal committed, and the page failed (DoesNotExist, a server error)."""
    entry = add(world)
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Vrijdag dicht.")

    def handle():
        return services.suggestion_handle(actor=world.maarten, suggestion=suggestion, applied=True, answer="")

    results = second_waits_for_first(lambda: _remove(world, entry), handle)
    assert results["first"] is None, results
    assert isinstance(results["second"], ActionRefused), results
    assert "removed" in str(results["second"]) or "verwijderd" in str(results["second"])
    assert not Entry.objects.filter(pk=entry.pk).exists() and not Suggestion.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_entry_removed_twice_at_once_is_removed_once(world):
    """Two people (or one double click) remove the same entry: the second removal waits for the
    first and finds nothing left to remove, which is what it asked for. It failed (DoesNotExist, a
    server error) after the first had removed it."""
    entry = add(world)
    results = second_waits_for_first(lambda: _remove(world, entry), lambda: _remove(world, entry))
    assert results == {"first": None, "second": None}, results
    assert not Entry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_still_right_pressed_while_the_entry_is_removed_says_so(world, client_for):
    """Maarten presses "Bevestigen: klopt nog" while Carla removes the entry: his page says the entry
    was removed meanwhile and goes back to the list. It was a server error."""
    entry = add(world)
    maarten = client_for("maarten")
    results = second_waits_for_first(
        lambda: _remove(world, entry),
        lambda: maarten.post(f"/t/oost/sociale-kaart/{entry.pk}/confirm/", follow=True),
    )
    assert results["first"] is None, results
    response = results["second"]
    assert response.status_code == 200, results
    assert response.redirect_chain[-1][0] == "/t/oost/sociale-kaart/"
    assert "Deze vermelding is intussen van de sociale kaart verwijderd." in response.content.decode()
