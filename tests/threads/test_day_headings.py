"""A thread's messages grouped by day, as in a chat app: a heading "Vandaag", "Gisteren" or the date
("30 november 2026") above the first message of each day, the Amsterdam day and never the UTC one,
on the thread page, on its pages of earlier messages and in a subject's discussion. Live messages
get the same heading from threads.js (the Node test below; the browser test in
tests/browser/test_threads_live.py)."""

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import translation

from tests.agreements.conftest import version_data
from tests.threads.helpers import post, topic
from wijkverband.agreements import services as agreement_services
from wijkverband.core.days import clock, day_label, local_day
from wijkverband.threads import selectors
from wijkverband.threads.live import live_strings
from wijkverband.threads.models import Message, SubjectKind, Thread

ROOT = Path(__file__).resolve().parents[2]
#: A day heading on the page: its level, its datetime and what it says.
DAY = re.compile(r'<h([23]) class="wv-day"><time datetime="([\d-]+)" data-day>([^<]*)</time></h\1>')
MESSAGE_ID = re.compile(r'id="message-(\d+)"')
#: "Now" in these tests: Wednesday 2 December 2026, 15:00 in Amsterdam (14:00 UTC).
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def written_at(thread, author, body, moment):
    """A message as if written at `moment` (the clock is frozen later, at NOW)."""
    message = post(thread, author, body).message
    Message.objects.filter(pk=message.pk).update(created_at=moment)
    return message


def headings_and_messages(html: str) -> list:
    """The log in order: ("day", text) for a heading, a message's id for a message."""
    log = html.split("data-thread-log", 1)[1].split("data-announce", 1)[0]
    found = []
    for match in re.finditer(f"{DAY.pattern}|{MESSAGE_ID.pattern}", log):
        found.append(("day", match.group(3)) if match.group(3) is not None else int(match.group(4)))
    return found


@pytest.mark.parametrize(
    ("moment", "dutch", "english"),
    [
        (utc(2026, 12, 2, 9, 0), "Vandaag", "Today"),
        # 23:30 UTC on 1 December is half past midnight on 2 December in Amsterdam: today.
        (utc(2026, 12, 1, 23, 30), "Vandaag", "Today"),
        (utc(2026, 12, 1, 22, 59), "Gisteren", "Yesterday"),
        (utc(2026, 11, 30, 23, 0), "Gisteren", "Yesterday"),
        (utc(2026, 11, 30, 10, 0), "30 november 2026", "30 November 2026"),
        # Summer time: 22:30 UTC on 1 July is 2 July in Amsterdam.
        (utc(2026, 7, 1, 22, 30), "2 juli 2026", "2 July 2026"),
        (utc(2025, 12, 31, 23, 30), "1 januari 2026", "1 January 2026"),
    ],
)
def test_a_day_is_called_today_yesterday_or_by_its_date_in_amsterdam(moment, dutch, english):
    with translation.override("nl"):
        assert day_label(local_day(moment), now=NOW) == dutch
    with translation.override("en"):
        assert day_label(local_day(moment), now=NOW) == english


def test_the_thread_page_puts_a_heading_above_the_first_message_of_each_day(world, client_for):
    thread = topic(world, title="Wondzorg")
    older = written_at(thread, world.maarten, "Maandag besproken", utc(2026, 11, 30, 10, 0))
    yesterday = written_at(thread, world.carla, "Gisteren ochtend", utc(2026, 12, 1, 8, 0))
    evening = written_at(thread, world.maarten, "Gisteren avond", utc(2026, 12, 1, 22, 59))
    # In UTC still 1 December; in Amsterdam half past midnight on the 2nd: today's first message.
    night = written_at(thread, world.carla, "Na middernacht", utc(2026, 12, 1, 23, 30))
    today = written_at(thread, world.maarten, "Vanochtend", utc(2026, 12, 2, 9, 0))
    with time_machine.travel(NOW, tick=False):
        html = client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert headings_and_messages(html) == [
        ("day", "30 november 2026"),
        older.pk,
        ("day", "Gisteren"),
        yesterday.pk,
        evening.pk,
        ("day", "Vandaag"),
        night.pk,
        today.pk,
    ]
    # Headings of the page's own level (the thread's title is the h1), with the day for threads.js.
    assert [(level, day) for level, day, _ in DAY.findall(html)] == [
        ("2", "2026-11-30"),
        ("2", "2026-12-01"),
        ("2", "2026-12-02"),
    ]
    assert 'data-day-heading="h2"' in html


def test_in_english_the_headings_read_today_yesterday_and_the_date(world, client_for):
    thread = topic(world)
    written_at(thread, world.maarten, "a", utc(2026, 11, 30, 10, 0))
    written_at(thread, world.maarten, "b", utc(2026, 12, 1, 10, 0))
    written_at(thread, world.maarten, "c", utc(2026, 12, 2, 10, 0))
    client = client_for("carla")
    client.cookies["django_language"] = "en"
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert [text for *_, text in DAY.findall(html)] == ["30 November 2026", "Yesterday", "Today"]


def test_every_page_of_earlier_messages_starts_with_its_day_and_never_repeats_one(world, client_for, monkeypatch):
    """A page that starts in the middle of a day still says which day it is (its first heading), and
    within a page a day is headed once; the pages together head every day they hold."""
    monkeypatch.setattr(selectors, "PAGE_MESSAGES", 3)
    thread = topic(world)
    days = [utc(2026, 11, 28, 9), utc(2026, 11, 28, 10), utc(2026, 11, 29, 9), utc(2026, 11, 29, 10)]
    days += [utc(2026, 11, 29, 11), utc(2026, 12, 1, 9), utc(2026, 12, 2, 9)]
    messages = [written_at(thread, world.maarten, f"m{i}", moment) for i, moment in enumerate(days)]
    client = client_for("carla")
    with time_machine.travel(NOW, tick=False):
        newest = client.get(f"/t/oost/threads/{thread.pk}/").content.decode()
        middle = client.get(f"/t/oost/threads/{thread.pk}/?before={messages[4].seq}").content.decode()
        oldest = client.get(f"/t/oost/threads/{thread.pk}/?before={messages[1].seq}").content.decode()
    assert headings_and_messages(newest) == [
        ("day", "29 november 2026"),  # the page starts with the third message of the 29th
        messages[4].pk,
        ("day", "Gisteren"),
        messages[5].pk,
        ("day", "Vandaag"),
        messages[6].pk,
    ]
    assert headings_and_messages(middle) == [
        ("day", "28 november 2026"),
        messages[1].pk,
        ("day", "29 november 2026"),
        messages[2].pk,
        messages[3].pk,
    ]
    assert headings_and_messages(oldest) == [("day", "28 november 2026"), messages[0].pk]


def test_an_empty_thread_has_no_day_heading(world, client_for):
    html = client_for("carla").get(f"/t/oost/threads/{topic(world).pk}/").content.decode()
    assert DAY.findall(html) == []
    assert "Nog geen berichten." in html


def test_a_subjects_discussion_heads_its_days_one_level_below_its_own_heading(world, client_for):
    agreement = agreement_services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    thread = Thread.objects.get(team=world.team_a, subject_kind=SubjectKind.AGREEMENT, subject_id=agreement.pk)
    written_at(thread, world.maarten, "Wie neemt de lijst mee?", utc(2026, 12, 1, 23, 30))
    written_at(thread, world.carla, "Ik", utc(2026, 12, 2, 9, 0))
    with time_machine.travel(NOW, tick=False):
        html = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert DAY.findall(html) == [("3", "2026-12-02", "Vandaag")]
    assert 'data-day-heading="h3"' in html


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs threads.js's dayLabel")
def test_live_messages_get_the_same_day_and_heading_as_server_rendered_ones():
    """threads.js's amsterdamDay and dayLabel (a live message's heading), and clockLabel (the time
    beside a message that continues a run), give what times.py gives the page, across midnight in
    Amsterdam and in UTC, summer time and year ends, in both languages."""
    moments = [utc(2026, 12, 2, 16, 44) - timedelta(hours=5 * n, minutes=7 * n) for n in range(80)]
    moments += [utc(2026, 12, 1, 23, 30), utc(2026, 12, 1, 22, 59), utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0)]
    moments += [utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0), utc(2025, 12, 31, 23, 0), utc(2025, 12, 31, 22, 59)]
    nows = [NOW, utc(2026, 12, 1, 22, 59), utc(2026, 12, 1, 23, 1), utc(2026, 1, 1, 0, 30), utc(2026, 3, 29, 12, 0)]
    for language in ("nl", "en"):
        with translation.override(language):
            strings = live_strings()
            cases = [(m.isoformat(), n.isoformat()) for m in moments for n in nows]
            expected = [
                [local_day(m).isoformat(), day_label(local_day(m), now=n), clock(m)] for m in moments for n in nows
            ]
        script = (
            "import {amsterdamDay, clockLabel, dayLabel} from "
            f"{json.dumps((ROOT / 'frontend/static/wijkverband/js/threads.js').as_uri())};"
            f"const strings = {json.dumps(strings)}; const cases = {json.dumps(cases)};"
            "console.log(JSON.stringify(cases.map(([m, n]) => "
            "[amsterdamDay(m), dayLabel(amsterdamDay(m), strings, new Date(n)), clockLabel(m)])));"
        )
        result = subprocess.run(
            ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert json.loads(result.stdout) == expected
