"""Two people acting on one message at the same moment, in separate connections."""

import pytest
from django.db import connection

from tests.postgres import second_waits_for_first
from tests.threads.helpers import post, topic
from wijkverband.core.errors import ActionRefused
from wijkverband.threads import services
from wijkverband.threads.models import Acknowledgement, Message


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_message_deleted_while_it_is_confirmed_is_not_confirmed(world):
    """Maarten deletes his message that asked for confirmation while Carla, on the page opened
    before, confirms it. The confirmation checked the message as the page had read it (not
    deleted), waited for the deletion on the thread's lock and was added after it: Carla was told
    it was confirmed, and a confirmation of a deleted message went to everyone's page and the
    audit log. It is now checked once the thread is locked, and refused."""
    thread = topic(world)
    message = post(thread, world.maarten, "Graag bevestigen: nieuwe belafspraak", asks_ack=True).message
    page = Message.objects.select_related("thread").get(pk=message.pk)  # as Carla's page read it

    def delete():
        return services.message_delete(actor=world.maarten, message=message)

    def confirm():
        return services.message_acknowledge(actor=world.carla, message=page)

    results = second_waits_for_first(delete, confirm)
    assert isinstance(results["first"], Message), results
    assert isinstance(results["second"], ActionRefused), results
    assert not Acknowledgement.objects.filter(message=message).exists()
