"""The thread list shows the newest message of each thread, as a chat app does: who wrote it and the
start of its text, plain text on one line, cut with "…". Found by a tester on a phone: the list
named the threads only, and to see what was said last each had to be opened.

Only on the team's own list (a notice or e-mail never carries a message's text), only of threads the
person may read (the list shows no others), and never a deleted message's text, nor what a
redaction replaced: the list says what the thread page says."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.threads.helpers import post, topic
from wijkverband.threads import services

PREVIEW_CHARACTERS = 80  # selectors.PREVIEW_CHARACTERS

pytestmark = pytest.mark.django_db


def rows(client, path="/t/oost/threads/") -> dict[str, str]:
    """Each listed thread's title → the words of its preview line (none: "")."""
    page = client.get(path).content.decode()
    found = {}
    for row in re.findall(r"<tr class=\"utrecht-table__row\" data-thread=.*?</tr>", page, flags=re.S):
        title = re.search(r'<a class="utrecht-link" href="[^"]*">([^<]*)</a>', row)[1]
        preview = re.search(r"<span class=\"wv-threads__preview\"[^>]*>(.*?)</span>\s*</td>", row, flags=re.S)
        found[title] = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", preview[1])).strip()) if preview else ""
    return found


def test_each_thread_shows_its_newest_message_in_plain_text_cut_to_one_line(world, client_for):
    thread = topic(world, title="Medicatieoverdracht")
    post(thread, world.maarten, "Eerst dit.")
    post(thread, world.carla, "**Wie** belt [de apotheek](https://apotheek.example.nl)?\n\n- morgen\n- & vandaag")
    long = topic(world, title="Lang verhaal")
    post(long, world.maarten, "Woord " * 60)
    topic(world, title="Nog leeg")

    listed = rows(client_for("maarten"))
    assert listed["Medicatieoverdracht"] == "Carla Coördinator: Wie belt de apotheek? morgen & vandaag"
    preview = listed["Lang verhaal"]
    assert preview.startswith("Maarten Lid: Woord Woord") and preview.endswith("…")
    assert len(preview.removeprefix("Maarten Lid: ")) <= PREVIEW_CHARACTERS + 1
    assert listed["Nog leeg"] == ""


def test_a_deleted_or_redacted_newest_message_does_not_show_its_old_text(world, client_for):
    thread = topic(world, title="Weggehaald")
    gone = post(thread, world.maarten, "Geheim plan voor morgen").message
    services.message_delete(actor=world.maarten, message=gone)
    by_coordinator = topic(world, title="Door de coördinator")
    removed = post(by_coordinator, world.maarten, "Nog een geheim plan").message
    services.message_delete(actor=world.carla, message=removed)
    redacted = topic(world, title="Opgeschoond")
    message = post(redacted, world.maarten, "Bel mevrouw Jansen op Dorpsstraat 12").message
    services.message_redact(actor=world.carla, message=message, body="Bel mevrouw [weggehaald]", reason="adres")

    page = client_for("sofie").get("/t/oost/threads/").content.decode()
    assert "Geheim plan" not in page and "geheim plan" not in page and "Dorpsstraat" not in page
    listed = rows(client_for("sofie"))
    assert listed["Weggehaald"] == "Maarten Lid: Dit bericht is verwijderd door de schrijver."
    assert listed["Door de coördinator"] == "Maarten Lid: Dit bericht is verwijderd door een coördinator."
    assert listed["Opgeschoond"] == "Maarten Lid: Bel mevrouw [weggehaald]"


def test_a_client_representative_sees_previews_of_the_threads_opened_to_them_only(world, client_for):
    opened = topic(world, title="Voor iedereen", open_to_representatives=True)
    post(opened, world.carla, "Vrijdag is de bijeenkomst.")
    closed = topic(world, title="Alleen het team")
    post(closed, world.carla, "Intern overleg over de wachtlijst.")

    page = client_for("rosa").get("/t/oost/threads/").content.decode()
    assert "Vrijdag is de bijeenkomst." in page
    assert "Intern overleg" not in page and "Alleen het team" not in page
    assert client_for("bram").get("/t/oost/threads/").status_code == 404


def test_the_previews_do_not_cost_a_query_per_thread(world, client_for):
    client = client_for("maarten")
    for i in range(2):
        post(topic(world, title=f"Eerste {i}"), world.carla, f"bericht {i}")
    client.get("/t/oost/threads/")  # the session and caches warm
    with CaptureQueriesContext(connection) as few:
        assert len(rows(client)) == 2
    for i in range(8):
        thread = topic(world, title=f"Later {i}")
        post(thread, world.carla, f"eerste {i}")
        post(thread, world.pieter, f"tweede {i}")
    with CaptureQueriesContext(connection) as many:
        listed = rows(client)
    assert len(listed) == 10 and listed["Later 7"] == "Pieter Apotheker: tweede 7"
    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"] for q in many.captured_queries]
