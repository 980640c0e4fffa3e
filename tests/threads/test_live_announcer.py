"""What a screen reader hears when several messages of others arrive together (threads.js announce).

Found by a tester: each message overwrote the one polite announcer, so of the eight replayed after a
reconnect only some were read. Messages that arrive together are said as one line now, which
counts them and names who wrote them ("8 nieuwe berichten van Sofie en Carla"), in the reader's
language and with the right plural."""

import json
import shutil

import pytest
from django.utils import translation

from tests.realtime.test_lifecycle import _run_client_check
from wijkverband.threads.live import live_strings

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

BURST_CHECK = """
globalThis.document = { getElementById: () => null, addEventListener() {}, visibilityState: "visible" };
globalThis.location = { protocol: "http:", host: "testserver" };
const timers = [];
globalThis.setTimeout = (fn) => { timers.push(fn); return timers.length; };
const { ThreadClient } = await import(process.argv[2]);
const announcer = { textContent: "" };
const root = { querySelector: (selector) => (selector === "[data-announce]" ? announcer : null) };
const client = new ThreadClient({ live: { thread: 1, seq: 0 }, strings: STRINGS, root });
const said = [];
for (const authors of BURSTS) {
  for (const name of authors) client.announce({ author: { name }, html: "<p>geheim</p>" });
  const pending = timers.length;
  timers.splice(0).forEach((fn) => fn());
  said.push({ said: announcer.textContent, timers: pending });
}
console.log(JSON.stringify(said));
"""

BURSTS = [
    ["Sofie Welzijn", *["Carla Coördinator"] * 7],
    ["Carla Coördinator", "Carla Coördinator"],
    ["Anna", "Bram", "Carla"],
    ["Anna", "Bram", "Carla", "Daan", "Eva"],
]

SAID = {
    "nl": [
        "8 nieuwe berichten van Sofie Welzijn en Carla Coördinator",
        "2 nieuwe berichten van Carla Coördinator",
        "3 nieuwe berichten van Anna, Bram en Carla",
        "5 nieuwe berichten van Anna, Bram, Carla en nog 2",
    ],
    "en": [
        "8 new messages from Sofie Welzijn and Carla Coördinator",
        "2 new messages from Carla Coördinator",
        "3 new messages from Anna, Bram and Carla",
        "5 new messages from Anna, Bram, Carla and 2 others",
    ],
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_burst_of_messages_is_said_as_one_line_that_counts_them_and_names_who_wrote(tmp_path, language):
    with translation.override(language):
        strings = live_strings()
    script = BURST_CHECK.replace("STRINGS", json.dumps(strings)).replace("BURSTS", json.dumps(BURSTS))
    out = _run_client_check(tmp_path, script)
    # One line per burst (one timer for the whole burst, not one per message), never the text.
    assert [entry["said"] for entry in out] == SAID[language]
    assert [entry["timers"] for entry in out] == [1, 1, 1, 1]
