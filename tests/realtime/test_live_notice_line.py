"""What an open page says of a new notice (threads.js noticeText, the status line a screen reader
reads) is what the notice says on the notifications page, in the reader's language.

Found: a "still waiting" notice about a bottleneck escalated to the region was read out live as
"Nieuwe melding over “…”", while the notifications page said "Wacht na twee herinneringen nog
steeds op de regio · …": the client knew only its kind's sentence or a general phrase. A notice
without a sentence of its own reads by its label now, which the frame carries (written in the
reader's language, as the page writes it), and never more than the label and the item's title."""

import json
import re
import shutil

import pytest
from django.test import TestCase
from django.utils import translation

from tests.bottlenecks.helpers import report
from tests.realtime.test_lifecycle import _run_client_check
from wijkverband.bottlenecks.notices import subject as bottleneck_subject
from wijkverband.realtime import publish
from wijkverband.threads.live import live_strings
from wijkverband.work.models import NoticeKind
from wijkverband.work.serialise import WAITS_ON_ORGANISATION, WAITS_ON_REGION
from wijkverband.work.services import notices_create

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

TITLE = "Overdracht vanuit het ziekenhuis komt laat"

LINE_CHECK = """
globalThis.document = { getElementById: () => null, addEventListener() {}, visibilityState: "visible" };
globalThis.location = { protocol: "http:", host: "testserver" };
const { ThreadClient } = await import(process.argv[2]);
const client = new ThreadClient({ live: { thread: 0, seq: 0 }, strings: STRINGS, root: { querySelector: () => null } });
console.log(JSON.stringify(client.noticeText(FRAME)));
"""


def _live_line(tmp_path, frame: dict, language: str) -> str:
    """What the page in `language` says of the frame, with the page's own strings."""
    with translation.override(language):
        strings = live_strings()
    script = LINE_CHECK.replace("STRINGS", json.dumps(strings)).replace("FRAME", json.dumps(frame))
    return _run_client_check(tmp_path, script)


def _page_lines(client) -> list[str]:
    page = client.get("/notifications/").content.decode()
    items = re.findall(r'<li class="[^"]*"[^>]*>(.*?)</li>', page, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


#: (kind, actor persona or None, params, what the notice says in Dutch and in English).
CASES = {
    "still waiting on the region": (
        NoticeKind.STILL_WAITING,
        None,
        {"waits_on": WAITS_ON_REGION},
        {
            "nl": "Wacht na twee herinneringen nog steeds op de regio",
            "en": "Still waiting on the region after two reminders",
        },
    ),
    "reminder waiting on the region": (
        NoticeKind.REMINDER,
        None,
        {"waits_on": WAITS_ON_REGION},
        {"nl": "Herinnering: wacht nog op de regio", "en": "Reminder: still waiting on the region"},
    ),
    "still waiting on an organisation": (
        NoticeKind.STILL_WAITING,
        None,
        {"waits_on": WAITS_ON_ORGANISATION, "name": "Thuiszorg Oost"},
        {
            "nl": "Wacht na twee herinneringen nog steeds op Thuiszorg Oost",
            "en": "Still waiting on Thuiszorg Oost after two reminders",
        },
    ),
    "overdue": (
        NoticeKind.OVERDUE,
        None,
        None,
        {"nl": "Te laat", "en": "Overdue"},
    ),
    "a person asks to own it": (
        NoticeKind.OWNERSHIP_ASKED,
        "maarten",
        None,
        {"nl": "Vraagt je eigenaar te worden", "en": "Asks you to own it"},
    ),
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_live_line_says_what_the_notice_says_in_the_readers_language(
    world, client_for, monkeypatch, tmp_path, case, language
):
    kind, actor_name, params, says = CASES[case]
    pushed = []
    monkeypatch.setattr(publish, "user_push", lambda *, user_id, frame: pushed.append((user_id, json.loads(frame))))
    carla = client_for("carla")
    carla.post("/i18n/setlang/", {"language": language, "next": "/"})
    b = report(world, title=TITLE)
    actor = world.persona(actor_name) if actor_name else None
    other = "en" if language == "nl" else "nl"
    # The hourly job or the one who acted may have the other language: the reader's is what counts.
    with translation.override(other), TestCase.captureOnCommitCallbacks(execute=True):
        notices_create(
            kind=kind,
            subject=bottleneck_subject(b),
            recipients=[world.carla.pk],
            actor=actor,
            key=f"test:{case}",
            params=params,
        )
    [frame] = [f for user_id, f in pushed if user_id == world.carla.pk and f["type"] == "notification"]

    [line] = [line for line in _page_lines(carla) if TITLE in line]
    label = says[language]
    assert f"{label} · {TITLE}" in line, line
    assert frame["label"] == label
    expected = f"{label} · “{TITLE}”"
    if actor:
        expected = f"{actor.name} · {expected}"
    assert _live_line(tmp_path, frame, language) == expected
    # Only the label and the item's title: never more words than the page shows.
    assert set(frame) <= {"type", "kind", "label", "actor", "team", "title", "url", "subject"}


def test_a_notice_that_reads_as_a_sentence_still_says_its_sentence_live(world, monkeypatch, tmp_path):
    """A mention names who and which thread ("Carla noemde je in “…”"), as on the page."""
    from tests.threads.helpers import post, topic

    pushed = []
    monkeypatch.setattr(publish, "user_push", lambda *, user_id, frame: pushed.append((user_id, json.loads(frame))))
    thread = topic(world, title="Medicatieoverdracht")
    post(thread, world.carla, "Kun jij dit oppakken @maarten?")
    [frame] = [f for user_id, f in pushed if user_id == world.maarten.pk and f["type"] == "notification"]
    assert "oppakken" not in json.dumps(frame) and "label" not in frame
    line = _live_line(tmp_path, frame, "nl")
    assert line == f"{world.carla.name} noemde je in “Medicatieoverdracht”."
