"""Two people changing the same wijk card entry at the same moment, in separate connections."""

import pytest
from django.db import connection

from tests.postgres import second_waits_for_first
from tests.wijkcard.conftest import add_entry
from wijkverband.wijkcard import services
from wijkverband.wijkcard.models import ContactEntry


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_confirmation_that_waited_for_an_edit_of_the_organisation_confirms_the_entry(world):
    """Carla moves an entry to the right organisation while Maarten ticks "still right" on it. The
    confirmation waits for the edit and then confirms the entry as Carla left it. Locked and read
    with its organisation in one statement, the entry came back as not there at all (PostgreSQL
    reads the locked row again after the wait, not the organisation joined to it, whose id no
    longer matched), and Maarten was told it had been removed."""
    entry = add_entry(world, contact_point="Triagelijn")
    data = services.EntryData(organisation=world.social_a, contact_point="Triagelijn", day_phone="030 123 4567")

    def edit():
        return services.entry_edit(actor=world.carla, entry=entry, data=data, version=entry.version)

    def confirm():
        return services.entry_confirm(actor=world.maarten, entry=entry)

    results = second_waits_for_first(edit, confirm)
    assert isinstance(results["first"], ContactEntry), results
    assert isinstance(results["second"], ContactEntry), results
    assert results["second"].organisation == world.social_a
    entry = ContactEntry.objects.get(pk=entry.pk)
    assert entry.organisation_id == world.social_a.pk and entry.confirmed_by == world.maarten
