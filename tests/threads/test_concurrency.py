"""Two people acting on one message at the same moment, in separate connections."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from tests.postgres import second_waits_for_first
from tests.threads.helpers import post, topic
from wijkverband.core.errors import ActionRefused
from wijkverband.threads import services
from wijkverband.threads.models import Acknowledgement, Message, Thread


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


def _escalated(world):
    thread = topic(world, title="Knelpunt: overdracht na ontslag")
    services.thread_set_escalated(actor=world.carla, thread=thread, escalated=True)
    return thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_overseers_post_while_the_escalation_ends_is_refused(world):
    """Olga, the region's overseer, posts in an escalated thread while Carla hands the escalation
    back. The post checked the thread as Olga's page had read it (escalated), waited for the
    hand-back on the thread's lock and went in after it: a message from the region in a thread
    it may no longer post in. It is now checked once the thread is locked, and refused."""
    thread = _escalated(world)
    page = Thread.objects.get(pk=thread.pk)  # as Olga's page read it: escalated

    def hand_back():
        return services.thread_set_escalated(actor=world.carla, thread=thread, escalated=False)

    def post_as_olga():
        return services.message_post(actor=world.olga, thread=page, body="Wij pakken dit op.", client_id=uuid.uuid4())

    results = second_waits_for_first(hand_back, post_as_olga)
    assert isinstance(results["first"], Thread), results
    assert isinstance(results["second"], PermissionDenied), results
    assert not Message.objects.filter(thread=thread, author=world.olga).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_overseers_confirmation_while_the_escalation_ends_is_refused(world):
    """The same for a confirmation: Olga confirms Maarten's message while Carla hands the escalation
    back, and it went in after the hand-back had committed."""
    thread = _escalated(world)
    message = post(thread, world.maarten, "Graag bevestigen: wie belt de huisarts?", asks_ack=True).message
    page = Message.objects.select_related("thread").get(pk=message.pk)  # as Olga's page read it

    def hand_back():
        return services.thread_set_escalated(actor=world.carla, thread=thread, escalated=False)

    def confirm():
        return services.message_acknowledge(actor=world.olga, message=page)

    results = second_waits_for_first(hand_back, confirm)
    assert isinstance(results["first"], Thread), results
    assert isinstance(results["second"], PermissionDenied), results
    assert not Acknowledgement.objects.filter(message=message).exists()


def _olgas_message(world):
    thread = _escalated(world)
    message = services.message_post(
        actor=world.olga, thread=thread, body="De regio belt morgen de wijkverpleging.", client_id=uuid.uuid4()
    ).message
    return thread, Message.objects.select_related("thread").get(pk=message.pk)  # as Olga's page read it


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda world, page: services.message_edit(actor=world.olga, message=page, body="Nieuw"), id="edit"
        ),
        pytest.param(lambda world, page: services.message_delete(actor=world.olga, message=page), id="delete"),
        pytest.param(
            lambda world, page: services.message_redact(
                actor=world.olga, message=page, body="[verwijderd]", reason="Er stond een naam in"
            ),
            id="redact",
        ),
    ],
)
def test_an_overseers_change_to_their_own_message_while_the_escalation_ends_is_refused(world, change):
    """Olga may change her own message only while she may post in the thread: while it is
    escalated. Her edit, deletion or redaction checked the thread as her page had read it, waited
    for Carla's hand-back on the thread's lock and went in after it: a changed message from the
    region in a thread it may no longer write in. Checked again once the thread is locked now."""
    thread, page = _olgas_message(world)

    def hand_back():
        return services.thread_set_escalated(actor=world.carla, thread=thread, escalated=False)

    results = second_waits_for_first(hand_back, lambda: change(world, page))
    assert isinstance(results["first"], Thread), results
    assert isinstance(results["second"], PermissionDenied), results
    after = Message.objects.get(pk=page.pk)
    assert (after.body, after.deleted_at, after.edited_at) == ("De regio belt morgen de wijkverpleging.", None, None)
