"""Client data that got into a message before the guard: the author or a coordinator removes it
from the message and every earlier version of it; readers see it go live; the audit log says
who, when and why, never what. The privacy officer's scan finds where such data is."""

import html
import re
import uuid
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tests.realtime.helpers import connect, signed_in_session, sync
from tests.realtime.loop import run
from tests.threads.helpers import topic
from wijkverband.audit.models import AuditEvent
from wijkverband.core.clientdata import mask_client_data
from wijkverband.core.errors import ActionRefused
from wijkverband.threads import selectors, services
from wijkverband.threads.models import Event, Message, MessageRevision

BSN = "111222333"


def _leaked(world, thread):
    """A message that held a BSN from before the guard, edited once (the BSN in its history too)."""
    message = services.message_post(actor=world.maarten, thread=thread, body="Mevrouw belt", client_id=uuid.uuid4())
    message = message.message
    Message.objects.filter(pk=message.pk).update(body=f"Cliënt BSN {BSN} mist medicatie")  # as if before the guard
    message.refresh_from_db()
    MessageRevision.objects.create(team=thread.team, message=message, body=f"BSN {BSN}", body_html=f"<p>BSN {BSN}</p>")
    return message


@pytest.fixture
def leaked(world):
    thread = topic(world, title="Medicatie")
    return thread, _leaked(world, thread)


def test_the_author_removes_client_data_from_the_message_and_its_history(world, leaked, client_for):
    thread, message = leaked
    seq = thread.__class__.objects.get(pk=thread.pk).seq
    client = client_for("maarten")
    form = client.get(f"/t/oost/threads/{thread.pk}/messages/{message.pk}/redact/").content.decode()
    assert BSN not in form and "•••" in form  # the person starts from their own text, blotted out
    response = client.post(
        f"/t/oost/threads/{thread.pk}/messages/{message.pk}/redact/",
        {"body": "Cliënt mist medicatie", "reason": "Er stond een BSN in"},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.body == "Cliënt mist medicatie" and message.redacted_at is not None
    assert [r.body for r in MessageRevision.objects.filter(message=message)] == [""]
    history = client_for("carla").get(f"/t/oost/threads/{thread.pk}/messages/{message.pk}/history/").content.decode()
    assert BSN not in history and "zijn cliëntgegevens uit dit bericht" in history
    assert BSN not in client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    # Readers catching up get the new text; the event log replays no old text.
    replay = selectors.thread_events_after(thread=thread, after=0)
    assert BSN not in str(replay.events) and replay.head == seq + 1
    assert Event.objects.get(thread=thread, seq=seq + 1).kind == Event.Kind.MESSAGE_EDITED


def test_the_audit_row_says_who_when_and_why_never_what(world, leaked):
    thread, message = leaked
    services.message_redact(actor=world.carla, message=message, body="Zonder gegevens", reason="Er stond een BSN in")
    row = AuditEvent.objects.filter(action="message.redacted").get()
    assert row.actor == world.carla and row.object_id == str(message.pk) and row.team_id == world.team_a.pk
    assert row.data == {"reason": "Er stond een BSN in"}
    assert BSN not in str(row.data) and "Zonder gegevens" not in str(row.data)


def test_only_the_author_and_coordinators_remove_client_data(world, leaked):
    _thread, message = leaked
    for person in (world.pieter, world.olga, world.rosa):
        with pytest.raises(PermissionDenied):
            services.message_redact(actor=person, message=message, body="x", reason="y")
    assert BSN in Message.objects.get(pk=message.pk).body


def test_the_new_text_and_the_reason_pass_the_guard_too(world, leaked):
    _thread, message = leaked
    with pytest.raises(ActionRefused) as refused:
        services.message_redact(actor=world.maarten, message=message, body=f"Nog steeds {BSN}", reason="BSN weg")
    assert refused.value.field == "body"
    with pytest.raises(ActionRefused) as refused:
        services.message_redact(actor=world.maarten, message=message, body="Weg", reason=f"Het was {BSN}")
    assert refused.value.field == "reason"
    with pytest.raises(ActionRefused) as refused:
        services.message_redact(actor=world.maarten, message=message, body="Weg", reason=" ")
    assert refused.value.field == "reason"
    assert MessageRevision.objects.filter(message=message, redacted_at__isnull=True).count() == 1  # nothing changed


@pytest.mark.django_db(transaction=True)
def test_readers_see_the_text_go_live(world):
    thread = topic(world, title="Medicatie")
    message = _leaked(world, thread)
    session_key = signed_in_session(world.carla)

    async def scenario():
        reader = await connect(world.carla, session_key=session_key)
        await reader.subscribe(thread.pk, after=None)
        await sync(services.message_redact, actor=world.maarten, message=message, body="Weg", reason="BSN")
        event = await reader.recv()
        while event["type"] != "event" or event["kind"] != "message.edited":
            event = await reader.recv()
        assert event["data"]["redacted"] is True and BSN not in str(event) and "Weg" in event["data"]["html"]
        await reader.close()

    run(scenario)


def test_the_privacy_officers_scan_says_where_never_what(world, leaked):
    _thread, message = leaked
    out = StringIO()
    call_command("client_data_scan", stdout=out)
    report = out.getvalue()
    assert f"threads.Message\t{message.pk}\tbody\tbsn" in report
    assert "threads.MessageRevision" in report
    assert BSN not in report
    assert AuditEvent.objects.filter(action="client_data.scanned", data__found=2).exists()
    services.message_redact(actor=world.maarten, message=message, body="Weg", reason="BSN")
    out = StringIO()
    call_command("client_data_scan", stdout=out)
    assert "0 place(s)" in out.getvalue()


@pytest.mark.parametrize(
    "written", ["bsn 111 2 22-333", "BSN 12345672", "BSN-nummer 1234 5672", "BSN 111\u200b222\u200b333"]
)
def test_the_masked_text_offered_is_accepted_as_it_is(world, leaked, client_for, written):
    """Found: the form offered "BSN 12345672" and "bsn 111 2 22-333" as written (masking knew
    only the numbers the guard finds without a label), and sending it was refused."""
    thread, message = leaked
    Message.objects.filter(pk=message.pk).update(body=f"Cliënt {written} mist medicatie, bel 030 123 4567")
    url = f"/t/oost/threads/{thread.pk}/messages/{message.pk}/redact/"
    client = client_for("maarten")
    form = client.get(url).content.decode()
    [offered] = re.findall(r"<textarea[^>]*name=\"body\"[^>]*>(.*?)</textarea>", form, flags=re.S)
    offered = html.unescape(offered).strip()
    assert "mist medicatie, bel 030 123 4567" in offered
    response = client.post(url, {"body": offered, "reason": "Er stond een BSN in"})
    assert response.status_code == 302, offered
    message.refresh_from_db()
    assert message.body == offered and message.redacted_at is not None


def test_masking_blots_out_the_number_and_keeps_the_rest():
    assert mask_client_data(f"Cliënt BSN {BSN} mist medicatie, bel 030 123 4567") == (
        "Cliënt BSN ••••••••• mist medicatie, bel 030 123 4567"
    )
