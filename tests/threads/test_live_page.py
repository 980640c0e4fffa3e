"""The thread page's paging (?before=) and what it tells threads.js; the thread list's live table."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.threads.helpers import post, topic
from wijkverband.threads import selectors, services
from wijkverband.threads.live import live_strings
from wijkverband.threads.models import Message, ReadMarker

pytestmark = pytest.mark.django_db

MESSAGE_ID = re.compile(r'id="message-(\d+)"')


def _links(html: str, rel: str) -> list[str]:
    return re.findall(rf'href="([^"]*)" rel="{rel}"', html)


def _thread_with_messages(world, n: int):
    """n messages, with acknowledgements and edits in between (sequence numbers that are not messages)."""
    thread = topic(world)
    for i in range(n):
        result = post(thread, world.carla if i % 3 else world.maarten, f"bericht {i}", asks_ack=i % 4 == 0)
        if i % 4 == 0 and i % 3:
            services.message_acknowledge(actor=world.maarten, message=result.message)
        if i % 5 == 0:
            services.message_edit(actor=result.message.author, message=result.message, body=f"bericht {i} (bijgewerkt)")
    services.message_delete(actor=world.carla, message=Message.objects.filter(thread=thread).order_by("seq")[3])
    return thread


def test_older_messages_pages_reach_every_message_and_newer_links_lead_back(world, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_MESSAGES", 5)
    thread = _thread_with_messages(world, 23)
    client = client_for("maarten")
    url = f"/t/oost/threads/{thread.pk}/"
    html = client.get(url).content.decode()
    assert "Only the newest messages are shown." in html or "Alleen de nieuwste berichten" in html
    seen, pages = [], 0
    while True:
        pages += 1
        ids = [int(i) for i in MESSAGE_ID.findall(html)]
        assert ids, "an empty page"
        seen = ids + seen
        older = _links(html, "prev")
        if not older:
            break
        html = client.get(url + older[0].replace("&amp;", "&")).content.decode()
        assert 'id="thread-live"' not in html  # an earlier page is not live
    assert pages == 5
    assert sorted(set(seen)) == sorted(Message.objects.filter(thread=thread).values_list("pk", flat=True))
    # From the oldest page, "Newer messages" walks forward again without skipping anything.
    forward = [int(i) for i in MESSAGE_ID.findall(html)]
    while newer := _links(html, "next"):
        html = client.get(url + newer[0]).content.decode()
        forward += [int(i) for i in MESSAGE_ID.findall(html)]
    newest = [int(i) for i in MESSAGE_ID.findall(client.get(url).content.decode())]
    assert set(forward) | set(newest) == set(seen)


def test_an_earlier_page_moves_the_read_marker_only_to_what_it_shows(world, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_MESSAGES", 3)
    thread = topic(world)
    messages = [post(thread, world.carla, f"m{i}").message for i in range(7)]
    client = client_for("maarten")
    response = client.get(f"/t/oost/threads/{thread.pk}/?before={messages[3].seq}")
    assert [int(i) for i in MESSAGE_ID.findall(response.content.decode())] == [m.pk for m in messages[:3]]
    assert ReadMarker.objects.get(thread=thread, user=world.maarten).seq == messages[2].seq


@pytest.mark.parametrize("before", ["abc", "-1", "1" * 19, ""])
def test_a_bad_before_is_refused(world, client_for, before):
    thread = topic(world)
    status = client_for("maarten").get(f"/t/oost/threads/{thread.pk}/?before={before}").status_code
    assert status == (200 if before == "" else 400)


def test_earlier_pages_use_a_constant_number_of_queries(world, client_for, monkeypatch):
    small_thread = _thread_with_messages(world, 6)
    large_thread = _thread_with_messages(world, 30)
    client = client_for("carla")
    monkeypatch.setattr(selectors, "PAGE_MESSAGES", 4)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/t/oost/threads/{small_thread.pk}/?before=6")
    monkeypatch.setattr(selectors, "PAGE_MESSAGES", 40)
    with CaptureQueriesContext(connection) as large:
        client.get(f"/t/oost/threads/{large_thread.pk}/?before=1000")
    assert len(large.captured_queries) <= len(small.captured_queries)


def _live(html: str) -> dict:
    found = re.search(r'<script id="thread-live" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_the_page_tells_the_client_what_it_needs_to_build_live_messages(world, client_for):
    thread = topic(world, open_to_representatives=True)
    post(thread, world.carla, "een")
    services.read_marker_set(actor=world.pieter, thread=thread, seq=1)
    live = _live(client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode())
    assert live["user"] == world.carla.pk and live["can_post"] and live["can_moderate"]
    assert live["csrf_token"]
    assert live["urls"]["delete"] == f"/t/oost/threads/{thread.pk}/messages/MESSAGE_ID/delete/"
    assert {p["id"] for p in live["professionals"]} >= {world.maarten.pk, world.carla.pk}
    assert world.rosa.pk not in {p["id"] for p in live["professionals"]}
    assert {"id": world.pieter.pk, "name": world.pieter.name, "seq": 1} in live["markers"]
    rosa = _live(client_for("rosa").get(f"/t/oost/threads/{thread.pk}/").content.decode())
    assert not rosa["can_post"] and not rosa["can_moderate"] and rosa["professionals"] == []
    assert set(rosa["urls"]) == {"history"}  # no edit, delete or confirm patterns for readers


def test_offline_the_page_says_what_waits_is_sent_once_back_online(world, client_for):
    """ "wacht hier en gaat weg zodra je weer online bent" read as "disappears"."""
    thread = topic(world)
    html = client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert "Geen netwerk: wat je verstuurt wacht hier en wordt verstuurd zodra je weer online bent." in html
    assert "gaat weg" not in html
    with translation.override("en"):
        assert live_strings()["offline"] == (
            "No network: what you send waits here and is sent as soon as you are back online."
        )


def test_the_read_by_and_acknowledgement_lines_mark_each_person_for_the_client(world, client_for):
    thread = topic(world)
    message = post(thread, world.carla, "Graag bevestigen", asks_ack=True).message
    services.message_acknowledge(actor=world.maarten, message=message)
    services.read_marker_set(actor=world.maarten, thread=thread, seq=thread.seq + 5)
    html = client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    article = html[html.index(f'id="message-{message.pk}"') :]
    article = article[: article.index("</article>")]
    assert f'data-author="{world.carla.pk}"' in html
    assert f'<span data-acked>: <span data-user="{world.maarten.pk}">{world.maarten.name}</span></span>.' in article
    assert f'<span data-user="{world.sofie.pk}">{world.sofie.name}</span>' in article  # not yet (author's view)
    assert re.search(rf'data-read-by>(Gelezen door|Read by) <span data-user="{world.maarten.pk}">', article)


def test_the_thread_list_gives_its_table_as_a_fragment_and_the_threads_to_follow(world, client_for):
    thread = topic(world)
    post(thread, world.carla, "een")
    client = client_for("maarten")
    page = client.get("/t/oost/threads/").content.decode()
    live = json.loads(re.search(r'id="thread-list-live" type="application/json">(.*?)</script>', page).group(1))
    # The team too: it watches the team for activity in threads it does not show (other pages).
    assert live == {"user": world.maarten.pk, "team": world.team_a.pk, "threads": [{"id": thread.pk, "seq": 1}]}
    fragment = client.get("/t/oost/threads/?part=table").content.decode()
    assert fragment.lstrip().startswith("<div data-thread-table>")
    assert '<strong class="wv-unread">1</strong>' in fragment and "<html" not in fragment
    # Representatives only follow the threads they may read.
    rosa = client_for("rosa").get("/t/oost/threads/").content.decode()
    assert (
        json.loads(re.search(r'id="thread-list-live" type="application/json">(.*?)</script>', rosa).group(1))["threads"]
        == []
    )


def test_read_by_names_five_and_counts_the_rest(world, client_for):
    """Found by an exploratory test with 120 readers: every message named them all, a page of
    1.5 MB, and a screen reader read 120 names after each message."""
    from tests.personas import make_user
    from wijkverband.tenancy import services as tenancy
    from wijkverband.threads.selectors import READ_BY_NAMES

    thread = topic(world)
    message = post(thread, world.carla, "Voor iedereen").message
    for i in range(8):
        user = make_user(f"lezer{i}", f"Lezer {i}")
        tenancy.membership_create(actor=None, team=world.team_a, user=user, role="member", organisation=world.nursing_a)
        services.read_marker_set(actor=user, thread=thread, seq=thread.seq + 1, announce=False)
    html = client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    article = html[html.index(f'id="message-{message.pk}"') :]
    line = article[article.index("data-read-by>") : article.index("</p>", article.index("data-read-by>"))]
    assert line.count("data-user=") == READ_BY_NAMES == 5
    assert line.endswith("en nog 3")


def _read_by_lines(html: str) -> dict[int, list[int]]:
    """Message id → the people its "Gelezen door" line names, as the page renders them."""
    lines = {}
    for match in re.finditer(r'<article [^>]*id="message-(\d+)"(.*?)</article>', html, re.S):
        read = re.search(r"data-read-by>(.*?)</p>", match.group(2), re.S)
        lines[int(match.group(1))] = [int(pk) for pk in re.findall(r'data-user="(\d+)"', read.group(1))] if read else []
    return lines


def test_read_by_names_each_reader_once_under_the_last_message_they_read(world, client_for):
    """Found on a phone: with everyone's name under every message they had read, each message was a
    line taller, and the person viewing read their own name under all of them. Now each reader is
    named once, under the last message of someone else's they have read (read markers only move
    forward: that says they read all above it), never the person viewing."""
    thread = topic(world)
    een = post(thread, world.carla, "een").message
    twee = post(thread, world.sofie, "twee").message
    drie = post(thread, world.maarten, "drie").message
    vier = post(thread, world.carla, "vier").message
    vijf = post(thread, world.sofie, "vijf").message
    services.read_marker_set(actor=world.pieter, thread=thread, seq=twee.seq, announce=False)
    services.read_marker_set(actor=world.maarten, thread=thread, seq=drie.seq, announce=False)  # his own
    services.read_marker_set(actor=world.carla, thread=thread, seq=vijf.seq, announce=False)
    services.read_marker_set(actor=world.sofie, thread=thread, seq=vijf.seq, announce=False)  # her own
    services.message_delete(actor=world.carla, message=vier)
    # (Opening the page reads the thread: Carla's first, whose marker is at the end already.)
    assert _read_by_lines(client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()) == {
        een.pk: [],
        twee.pk: [world.maarten.pk, world.pieter.pk],  # Maarten's own "drie" came after it
        # Sofie wrote "vijf", and "vier" is deleted: she is named under the last message of someone
        # else's she read. Carla is not named on her own page.
        drie.pk: [world.sofie.pk],
        vier.pk: [],
        vijf.pk: [],
    }
    lines = _read_by_lines(client_for("maarten").get(f"/t/oost/threads/{thread.pk}/").content.decode())
    assert lines == {
        een.pk: [],
        twee.pk: [world.pieter.pk],  # read up to here
        drie.pk: [world.sofie.pk],
        vier.pk: [],
        vijf.pk: [world.carla.pk],  # not Maarten, whose page it is
    }


def test_an_older_page_names_only_the_readers_who_stopped_on_it(world, client_for):
    """A page of older messages ("?before="): who read past its end is named on a newer page."""
    thread = topic(world)
    een = post(thread, world.carla, "een").message
    twee = post(thread, world.carla, "twee").message
    drie = post(thread, world.carla, "drie").message
    services.read_marker_set(actor=world.pieter, thread=thread, seq=een.seq, announce=False)
    services.read_marker_set(actor=world.maarten, thread=thread, seq=drie.seq, announce=False)
    older = client_for("sofie").get(f"/t/oost/threads/{thread.pk}/?before={drie.seq}").content.decode()
    assert _read_by_lines(older) == {een.pk: [world.pieter.pk], twee.pk: []}
    newest = client_for("sofie").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert _read_by_lines(newest) == {een.pk: [world.pieter.pk], twee.pk: [], drie.pk: [world.maarten.pk]}


def _continued(html: str) -> dict[int, bool]:
    """Message id → whether the page shows it as continuing the one before it."""
    return {
        int(pk): "wv-message--continued" in classes
        for classes, pk in re.findall(r'<article class="([^"]*)" id="message-(\d+)"', html)
    }


def test_a_run_of_messages_of_one_person_shows_their_name_once(world, client_for):
    """As a chat app groups them: on a phone every message of a run took a line more for the same
    name and time. The name and time stay in the page for a screen reader."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    thread = topic(world)
    een = post(thread, world.carla, "een").message
    twee = post(thread, world.carla, "twee").message  # a minute later: continues
    drie = post(thread, world.sofie, "drie").message  # someone else
    vier = post(thread, world.sofie, "vier").message  # six minutes later: a run of its own
    vijf = post(thread, world.sofie, "vijf").message  # edited: its "bewerkt" link is in that line
    zes = post(thread, world.sofie, "zes").message  # after an edited one: continues it
    zeven = post(thread, world.sofie, "zeven").message  # deleted
    acht = post(thread, world.sofie, "acht").message  # after a deleted one: not
    start = een.created_at
    for message, minutes in [(twee, 1), (drie, 2), (vier, 8), (vijf, 9), (zes, 10), (zeven, 11), (acht, 12)]:
        Message.objects.filter(pk=message.pk).update(created_at=start + timedelta(minutes=minutes))
    services.message_edit(actor=world.sofie, message=Message.objects.get(pk=vijf.pk), body="vijf, bewerkt")
    services.message_delete(actor=world.sofie, message=Message.objects.get(pk=zeven.pk))
    services.read_marker_set(actor=world.maarten, thread=thread, seq=thread.seq + 99, announce=False)
    html = client_for("maarten").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert _continued(html) == {
        een.pk: False,
        twee.pk: True,
        drie.pk: False,
        vier.pk: False,
        vijf.pk: False,
        zes.pk: True,
        zeven.pk: False,
        acht.pk: False,
    }
    at = html.index(f'id="message-{twee.pk}"')
    twee_html = html[at : html.index("</article>", at)]
    assert f'<strong class="wv-message__author">{world.carla.name}</strong>' in twee_html  # said, not shown
    # Its clock is shown (threads.css: only where a message continues a run), its day is its run's.
    clock = (start + timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M")
    assert f'<span class="wv-message__clock" aria-hidden="true">{clock}</span>' in twee_html
    # The same on an agreement's or bottleneck's discussion (the same selector and template).
    assert selectors.thread_page(thread=thread, user=world.maarten).messages[1].continues


def test_the_new_messages_line_ends_a_run(world, client_for):
    """ "Nieuw sinds je vorige bezoek" stands between two messages of one person: the one after it
    shows its name again."""
    thread = topic(world)
    een = post(thread, world.carla, "een").message
    twee = post(thread, world.carla, "twee").message
    services.read_marker_set(actor=world.maarten, thread=thread, seq=een.seq, announce=False)
    html = client_for("maarten").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert "Nieuw sinds je vorige bezoek" in html
    assert _continued(html) == {een.pk: False, twee.pk: False}
