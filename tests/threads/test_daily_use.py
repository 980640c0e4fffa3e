"""Issue 14, "Discussions": message times, editing in place, deleting after a question, mention
suggestions, the composer, and notices that name the thread (never the message)."""

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import translation

from tests.threads.helpers import post, topic
from wijkverband.realtime import presence
from wijkverband.threads import selectors
from wijkverband.threads.live import live_strings
from wijkverband.threads.mentions import mentioned_users
from wijkverband.threads.models import Message
from wijkverband.threads.times import message_time_label, message_time_parts
from wijkverband.work.models import Notice
from wijkverband.work.services import mail as outbox

ROOT = Path(__file__).resolve().parents[2]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(message, action=""):
    base = f"/t/oost/threads/{message.thread_id}/"
    return base + (f"messages/{message.pk}/{action}/" if action else "")


# --- times ----------------------------------------------------------------------------------------


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "now", "dutch", "english"),
    [
        # 16:44 UTC is 17:44 in Amsterdam in winter.
        (utc(2026, 11, 30, 16, 44), utc(2026, 11, 30, 22, 0), "vandaag 17:44", "today 17:44"),
        # Past midnight in Amsterdam (23:30 UTC) it is "yesterday", though still the same day in UTC.
        (utc(2026, 11, 30, 16, 44), utc(2026, 11, 30, 23, 30), "gisteren 17:44", "yesterday 17:44"),
        (utc(2026, 11, 28, 8, 5), utc(2026, 11, 30, 9, 0), "28 november, 09:05", "28 November, 09:05"),
        # Summer time: UTC+2.
        (utc(2026, 7, 1, 22, 30), utc(2026, 11, 30, 9, 0), "2 juli, 00:30", "2 July, 00:30"),
        (utc(2025, 3, 30, 1, 30), utc(2026, 11, 30, 9, 0), "30 maart 2025, 03:30", "30 March 2025, 03:30"),
    ],
)
def test_message_times_are_amsterdam_time_with_today_and_yesterday(moment, now, dutch, english):
    with translation.override("nl"):
        assert message_time_label(moment, now=now) == dutch
    with translation.override("en"):
        assert message_time_label(moment, now=now) == english


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs threads.js's timeLabel")
def test_live_messages_get_the_same_time_text_as_server_rendered_ones():
    """threads.js's timeParts (live messages) and times.py (the page) give identical parts (what is
    for a screen reader before the clock time, the clock time, after it) for the same instants,
    across midnight, summer time and years, in both languages."""
    moments = [utc(2026, 11, 30, 16, 44) - timedelta(hours=7 * n, minutes=13 * n) for n in range(60)]
    moments += [utc(2026, 3, 29, 0, 59), utc(2026, 3, 29, 1, 0), utc(2026, 10, 25, 0, 59), utc(2026, 10, 25, 1, 0)]
    nows = [utc(2026, 11, 30, 22, 59), utc(2026, 11, 30, 23, 1), utc(2026, 1, 1, 0, 30), utc(2026, 3, 29, 12, 0)]
    for language in ("nl", "en"):
        with translation.override(language):
            strings = live_strings()
            cases = [(m.isoformat(), n.isoformat()) for m in moments for n in nows]
            expected = [list(message_time_parts(m, now=n)) for m in moments for n in nows]
        script = (
            f"import {{timeParts}} from {json.dumps((ROOT / 'frontend/static/wijkverband/js/threads.js').as_uri())};"
            f"const strings = {json.dumps(strings)}; const cases = {json.dumps(cases)};"
            "console.log(JSON.stringify(cases.map(([m, n]) => timeParts(m, strings, new Date(n)))));"
        )
        result = subprocess.run(
            ["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, timeout=60
        )
        assert json.loads(result.stdout) == expected


def test_the_thread_page_writes_times_the_one_way(world):
    """The clock time shown, under the day's heading ("Vandaag"); "vandaag " for a screen reader only,
    as it was said twice on the screen ("Vandaag" over the message, "vandaag 20:39" beside it)."""
    thread = topic(world, title="Wondzorg")
    message = post(thread, world.maarten, "Vandaag geschreven").message
    page = client_for(world.carla).get(_url(message)).content.decode()
    clock = message_time_label(message.created_at)[8:]
    assert f'data-time><span class="wv-visually-hidden">vandaag </span>{clock}</time>' in page
    assert "data-time" in page


# --- deleting: a question first ------------------------------------------------------------------


def test_delete_is_a_link_to_a_question_never_a_one_click_form(world):
    thread = topic(world)
    message = post(thread, world.maarten, "Weg ermee").message
    client = client_for(world.maarten)
    page = client.get(_url(message)).content.decode()
    assert f'action="{_url(message, "delete")}"' not in page  # no form that deletes at once
    assert f'href="{_url(message, "delete")}" data-delete' in page
    question = client.get(_url(message, "delete"))
    assert question.status_code == 200
    text = question.content.decode()
    assert "Dit bericht verwijderen?" in text and "Ja, verwijder het bericht" in text and "Weg ermee" in text
    assert Message.objects.get(pk=message.pk).deleted_at is None
    answer = client.post(_url(message, "delete"))
    assert answer.status_code == 302
    assert Message.objects.get(pk=message.pk).deleted_at is not None
    # Asking again about a deleted message goes back to the thread.
    assert client.get(_url(message, "delete")).status_code == 302


def test_delete_in_place_answers_with_the_tombstone(world):
    message = post(topic(world), world.maarten, "Weg ermee").message
    response = client_for(world.carla).post(_url(message, "delete"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    data = response.json()["message"]
    assert data["deleted"] is True and data["html"] == "" and data["deleted_by_author"] is False
    again = client_for(world.carla).post(_url(message, "delete"), HTTP_ACCEPT="application/json")
    assert again.status_code == 400 and again.json()["detail"]


def test_the_coordinator_is_told_the_author_sees_who_deleted(world):
    message = post(topic(world), world.maarten, "Weg ermee").message
    text = client_for(world.carla).get(_url(message, "delete")).content.decode()
    assert "een coördinator een bericht heeft verwijderd" in text


# --- editing in place ---------------------------------------------------------------------------------


def test_edit_in_place_reads_the_text_and_answers_with_the_new_message(world):
    message = post(topic(world), world.maarten, "Eerste *versie*").message
    client = client_for(world.maarten)
    got = client.get(_url(message, "edit"), HTTP_ACCEPT="application/json")
    assert got.json() == {"message": message.pk, "body": "Eerste *versie*"}
    saved = client.post(_url(message, "edit"), {"body": "Tweede **versie**"}, HTTP_ACCEPT="application/json")
    assert saved.status_code == 200
    data = saved.json()["message"]
    assert "<strong>versie</strong>" in data["html"] and data["edited_at"]
    assert Message.objects.get(pk=message.pk).body == "Tweede **versie**"
    empty = client.post(_url(message, "edit"), {"body": "  "}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 400 and empty.json()["errors"]["body"]
    assert Message.objects.get(pk=message.pk).body == "Tweede **versie**"
    # The page stays for browsers without JavaScript.
    assert client.get(_url(message, "edit")).status_code == 200


def test_only_the_author_edits_in_place(world):
    message = post(topic(world), world.maarten, "Van Maarten").message
    client = client_for(world.carla)
    assert client.get(_url(message, "edit"), HTTP_ACCEPT="application/json").status_code == 403
    refused = client.post(_url(message, "edit"), {"body": "Van Carla"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 403
    assert Message.objects.get(pk=message.pk).body == "Van Maarten"


def test_a_refused_edit_in_place_says_why_at_the_field(world):
    message = post(topic(world), world.maarten, "Over de overdracht").message
    response = client_for(world.maarten).post(
        _url(message, "edit"), {"body": "BSN 111222333"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["body"]
    assert Message.objects.get(pk=message.pk).body == "Over de overdracht"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ("Mevrouw met BSN 111222333 belt.", 400, "BSN"),
        ("é" * 10_001, 413, "at most 10,000 characters, this one has 10,001"),
    ],
)
def test_a_post_refused_over_http_for_the_page_says_why_in_json(world, body, status, says):
    """The page's outbox posts over HTTP while its socket is away (threads.js): a refusal answers
    with the reason as JSON, as an edit in place does, and nothing is stored."""
    thread = topic(world)
    client = client_for(world.maarten)
    client.cookies["django_language"] = "en"
    form = {"body": body, "client_id": "0b6f8f3e-6b8e-4d3c-9d7e-3b9e0f2a1c55"}
    response = client.post(f"/t/oost/threads/{thread.pk}/post/", form, HTTP_ACCEPT="application/json")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    (reason,) = response.json()["errors"]["body"]
    assert says in reason
    assert not Message.objects.filter(thread=thread).exists()
    # Without JSON asked for, the thread page as before: the error and the text kept.
    page = client.post(f"/t/oost/threads/{thread.pk}/post/", form)
    assert page.status_code == status and page["Content-Type"].startswith("text/html")


# --- mentions ----------------------------------------------------------------------------------------


def _suggested(world, thread, user):
    return selectors.mention_suggestions(thread=thread, user=user)


def test_suggestions_are_the_threads_readers_organisation_kinds_and_roles(world):
    thread = topic(world, title="Medicatie")
    suggestions = _suggested(world, thread, world.maarten)
    people = {s["label"] for s in suggestions if s["kind"] == "person"}
    assert people == {"Carla Coördinator", "Pieter Apotheker", "Sofie Welzijn"}  # not Maarten himself, not Rosa
    tokens = {s["token"] for s in suggestions}
    assert {"apotheek", "sociaal_domein", "huisarts", "coördinator", "iedereen"} <= tokens
    assert "wijkverpleging" not in tokens  # Maarten, who writes, is the team's only district nurse
    pharmacy = next(s for s in suggestions if s["token"] == "apotheek")
    assert "Apotheek Linde" in pharmacy["detail"]
    # Never people of another team (Bram), nor the region's (Olga): a mention cannot reach them.
    assert not {"Bram Zuid", "Olga Overseer", "Rosa Vertegenwoordiger"} & people


def test_client_representatives_are_suggested_only_where_they_read(world):
    closed = topic(world, title="Intern")
    opened = topic(world, title="Open", open_to_representatives=True)
    assert "Rosa Vertegenwoordiger" not in {s["label"] for s in _suggested(world, closed, world.carla)}
    assert "Rosa Vertegenwoordiger" in {s["label"] for s in _suggested(world, opened, world.carla)}


def test_each_suggested_person_is_mentioned_by_their_token_and_nobody_else(world):
    thread = topic(world, title="Open", open_to_representatives=True)
    memberships = [m for m in selectors.mention_memberships(thread=thread) if m.user_id != world.carla.pk]
    for suggestion in _suggested(world, thread, world.carla):
        if suggestion["kind"] == "person":
            found = mentioned_users("@" + suggestion["token"], memberships)
            assert [m.user.name for m in memberships if m.user_id in found] == [suggestion["label"]]


def test_a_shared_first_name_is_suggested_by_email_name(world):
    world.sofie.name = "Maarten Welzijn"
    world.sofie.save(update_fields=["name"])
    tokens = {s["label"]: s["token"] for s in _suggested(world, topic(world), world.carla)}
    # "@maarten" would reach both: Sofie's e-mail name, and the whole name for the other Maarten.
    assert tokens["Maarten Welzijn"] == "sofie"
    assert tokens["Maarten Lid"] == "Maarten.Lid"
    thread = topic(world, title="Tweede")
    post(thread, world.carla, "@Maarten.Lid kijk je mee?")
    assert set(Notice.objects.filter(kind="mention").values_list("user__name", flat=True)) == {"Maarten Lid"}


def test_the_page_passes_suggestions_only_to_those_who_may_post(world):
    thread = topic(world, title="Open", open_to_representatives=True)
    for user, expected in [(world.maarten, True), (world.rosa, False)]:
        page = client_for(user).get(f"/t/oost/threads/{thread.pk}/").content.decode()
        live = json.loads(re.search(r'<script id="thread-live" type="application/json">(.*?)</script>', page).group(1))
        assert bool(live["mentions"]) is expected


# --- the composer -------------------------------------------------------------------------------


def test_the_composer_is_not_marked_invalid_before_a_send(world):
    thread = topic(world)
    client = client_for(world.maarten)
    page = client.get(f"/t/oost/threads/{thread.pk}/").content.decode()
    box = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", page).group(0)
    assert "aria-invalid" not in box
    assert "wv-composer--sticky" in page and 'href="#id_body"' in page
    refused = client.post(
        f"/t/oost/threads/{thread.pk}/post/", {"body": "", "client_id": "00000000-0000-4000-8000-000000000001"}
    )
    box = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", refused.content.decode()).group(0)
    assert 'aria-invalid="true"' in box


def test_threads_css_does_not_paint_an_untouched_required_box_red():
    css = (ROOT / "frontend/static/wijkverband/css/threads.css").read_text()
    assert '.utrecht-textarea--html-textarea:invalid:not([aria-invalid="true"])' in css


# --- notices name the thread, and mail links are absolute ------------------------------------------


def test_a_mention_mail_names_the_thread_not_the_message_with_absolute_links(world, settings):
    settings.SITE_URL = "https://wv.example"
    thread = topic(world, title="Medicatieoverdracht")
    # The demo seed's mention: a nurse mentions the pharmacy; the pharmacist is not online.
    post(thread, world.maarten, "@apotheek bij mevrouw ontbrak gisteren de rol")
    [sent] = [m for m in mail.outbox if m.to == ["pieter@example.nl"]]
    assert sent.subject.endswith("Maarten Lid noemde je in “Medicatieoverdracht” (Utrecht Oost)")
    assert "mevrouw" not in sent.subject + sent.body
    links = re.findall(r"(?:https?://|/)\S*t/oost/threads/\S*", sent.body)
    assert links and all(link.startswith("https://wv.example/") for link in links)
    assert all(word.startswith("https://") for word in re.findall(r"\S*/unsubscribe/\S*", sent.body))


def test_mail_links_are_never_relative_whatever_site_url_says(settings):
    for broken in ("", "wijkverband.example.nl", "/"):
        settings.SITE_URL = broken
        with pytest.raises(ImproperlyConfigured):
            outbox.absolute("/t/oost/threads/1/")
        assert "work.E001" in {problem.id for problem in run_checks()}
    settings.SITE_URL = "https://wv.example/"
    assert outbox.absolute("/t/oost/") == "https://wv.example/t/oost/"
    assert "work.E001" not in {problem.id for problem in run_checks()}


def test_the_notification_list_and_live_push_name_the_thread(world):
    thread = topic(world, title="Medicatieoverdracht")
    presence.users_mark_online([world.pieter.pk])
    post(thread, world.maarten, "@pieter kijk je even?")
    notice = Notice.objects.get(user=world.pieter, kind="mention")
    with translation.override("nl"):
        assert notice.sentence == "Maarten Lid noemde je in “Medicatieoverdracht”"
    page = client_for(world.pieter).get("/notifications/").content.decode()
    assert "Maarten Lid noemde je in “Medicatieoverdracht”</a>" in page
    assert "kijk je even" not in page
    with translation.override("nl"):
        strings = live_strings()
    assert strings["notification_mention"] == "%(actor)s noemde je in “%(title)s”."


def test_the_threads_catalogue_says_je_never_u():
    po = (ROOT / "wijkverband/threads/locale/nl/LC_MESSAGES/django.po").read_text()
    translations = " ".join(re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', po, re.M))
    assert not re.findall(r"\b(u|uw|U|Uw|alstublieft)\b", translations)
    assert re.search(r"\bje\b", translations)
