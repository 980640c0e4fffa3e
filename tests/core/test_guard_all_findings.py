"""The guard says everything it found in one refusal (found by an exploratory walk: "Mevrouw de Vries,
geboren 12-03-1950, BSN 123456782" was refused for the BSN only, and once that was removed, the next
save was refused for the date of birth)."""

import re
import uuid

import pytest
from django.utils import translation

from wijkverband.core.clientdata import find_client_data
from wijkverband.core.guard import ClientDataRefused, check_text

TEXT = "Mevrouw de Vries, geboren 12-03-1950, BSN 123456782"


def test_one_refusal_names_the_bsn_and_the_date_of_birth():
    with translation.override("nl"), pytest.raises(ClientDataRefused) as refused:
        check_text(TEXT, field="body", label="bericht")
    message = str(refused.value.message)
    assert message.startswith("Bericht lijkt cliëntgegevens te bevatten: een nummer dat de elfproef voor een BSN")
    assert "(••••••782) en iets wat lijkt op een geboortedatum met een naam (12-03-1950)." in message
    assert "123456782" not in message  # the BSN is never repeated
    logged = str(refused.value)  # what a log or a traceback holds: the kinds, nothing of what was found
    assert "elfproef" in logged and "geboortedatum" in logged
    assert "782" not in logged and "12-03-1950" not in logged


def test_several_of_a_kind_are_named_together():
    with translation.override("en"), pytest.raises(ClientDataRefused) as refused:
        check_text("BSN 123456782 en BSN 111222333", field="body", label="message")
    assert "numbers that pass the BSN eleven-test (••••••782, ••••••333)" in str(refused.value.message)


def test_what_markup_hides_is_found_together_with_what_it_does_not():
    """A date of birth read only without Markdown's marks was looked for only when nothing else was
    found: it came as a second refusal."""
    kinds = [f.kind for f in find_client_data("BSN 123456782, mevrouw Jansen geb. **12**-03-1950")]
    assert kinds == ["bsn", "birth_date"]


def test_a_form_shows_both_at_the_field(world, client_for):
    response = client_for("maarten").post(
        "/t/oost/bottlenecks/new/", {"title": "Wachttijd", "description": TEXT, "impact": 2, "category": ""}
    )
    assert response.status_code == 400
    error = re.search(r'id="id_description_error">(.*?)</div>', response.content.decode(), re.S).group(1)
    assert "••••••782" in error and "12-03-1950" in error


@pytest.mark.django_db(transaction=True)
def test_the_socket_refuses_a_post_with_both(world):
    from channels.testing import WebsocketCommunicator
    from django.conf import settings
    from django.test import Client

    from config.asgi import application
    from tests.realtime.loop import run
    from tests.threads.helpers import topic

    thread = topic(world)
    client = Client()
    client.force_login(world.maarten)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    async def scenario():
        socket = WebsocketCommunicator(
            application, "/ws/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
        )
        connected, _code = await socket.connect(timeout=3)
        assert connected
        client_id = str(uuid.uuid4())
        await socket.send_json_to({"type": "post", "thread": thread.pk, "client_id": client_id, "body": TEXT})
        while (frame := await socket.receive_json_from())["type"] != "error":
            pass
        assert frame["code"] == "invalid"
        assert "••••••782" in frame["detail"] and "12-03-1950" in frame["detail"]
        await socket.disconnect()

    run(scenario)
