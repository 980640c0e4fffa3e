"""Browser tests: real Chromium (Debian's) driven by Playwright against a live ASGI server.

No test tool downloads a browser: CHROMIUM (default Debian's chromium-headless-shell, the same Blink
and V8 as its chromium without the browser's window; about a quarter quicker through the suite) is
launched directly.
Every page a test visits can be checked with assert_accessible() (axe-core, WCAG 2.1 A/AA).
"""

import collections
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from channels.testing import ChannelsLiveServerTestCase
from channels.testing.live import make_application, set_database_connection
from daphne.testing import DaphneProcess
from django.conf import settings
from django.test import Client, override_settings
from playwright.sync_api import expect, sync_playwright

from tests import snapshot
from tests.personas import PASSWORD, totp_code

#: An init script (page.add_init_script, before the page loads) that makes the page's visibility
#: the test's to set: `window.wvTestSetHidden(true)` puts it in the background (another tab in front),
#: `false` shows it again; each change fires `visibilitychange`, as the browser does.
TEST_SETS_VISIBILITY = """
let hidden = false;
Object.defineProperty(Document.prototype, "visibilityState", {
  configurable: true, get() { return hidden ? "hidden" : "visible"; } });
Object.defineProperty(Document.prototype, "hidden", { configurable: true, get() { return hidden; } });
window.wvTestSetHidden = (value) => {
  hidden = value;
  document.dispatchEvent(new Event("visibilitychange"));
};
"""

#: How long an expect() waits for what it asserts, as long as an action may (set_default_timeout
#: below): Playwright's 5 s was too short on a slow CI host with two browsers running, where a
#: message took longer to go round (a check that holds returns as soon as it does).
expect.set_options(timeout=10_000)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")
#: Debian's chromium itself, for what the headless shell lacks: notices on the device (there
#: Notification.permission is always "denied"). A class sets `chromium = CHROMIUM_FULL`.
CHROMIUM_FULL = os.environ.get("CHROMIUM_FULL", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

#: The words, in the elements `selector` finds, that the browser broke over two lines ("Bewerk / en",
#: "Tweestapsverific / atie"): a word whose text lies in more than one box. Text only for screen
#: readers (.wv-visually-hidden, one pixel wide) is left out.
_BROKEN_WORDS = """
(selector) => [...document.querySelectorAll(selector)].flatMap((element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (text.parentElement.closest(".wv-visually-hidden")) continue;
    for (const word of text.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      if ([...range.getClientRects()].filter((box) => box.width > 0).length > 1) broken.push(word[0]);
    }
  }
  return broken;
})
"""


def follow_team_tab(page, name: str) -> None:
    """Follows one of a team's tabs: on a phone they are one line (a <details>) that opens first."""
    tabs = page.get_by_role("navigation", name=re.compile("^Pagina’s van"))
    folded = tabs.locator("summary")
    if folded.is_visible():
        folded.click()
    tabs.get_by_role("link", name=name).click()


def broken_words(page, selector: str) -> list[str]:
    """The words in `selector`'s elements broken over two lines (_BROKEN_WORDS), once the page's
    stylesheets are in (see BrowserTestCase.assert_accessible)."""
    page.wait_for_load_state("load")
    return page.evaluate(_BROKEN_WORDS, selector)


#: Where a page ended, for a failed test's report: its main text and, on a thread, the live client.
_PAGE_STATE = """() => {
  const thread = window.wijkverbandThread;
  return {
    main: (document.querySelector("main")?.innerText || "").slice(0, 1500),
    thread: thread && {
      subscribed: thread.subscribed, seq: thread.seq, outbox: [...thread.outbox.keys()].length,
      box: thread.textarea?.value, signedOut: thread.signedOut, accessEnded: thread.accessEnded,
    },
  };
}"""


class _ServerKeeper(multiprocessing.Process):
    """Starts and stops live server processes on request, for tests that restart the server."""

    def __init__(self, host: str, port: int, static_wrapper):
        super().__init__()
        self.host, self.port, self.static_wrapper = host, port, static_wrapper
        self.here, self.there = multiprocessing.Pipe()

    def ask(self, command: str, timeout: float = 60):
        self.here.send(command)
        return self.here.recv() if self.here.poll(timeout) else None

    def run(self):
        server = None
        while True:
            command = self.there.recv()
            if command == "start":
                server = DaphneProcess(
                    self.host,
                    partial(make_application, static_wrapper=self.static_wrapper),
                    setup=set_database_connection,
                    port=self.port,
                )
                server.start()
                self.there.send(server.ready.wait(timeout=30))
            elif command in {"stop", "exit"}:
                if server is not None and server.is_alive():
                    server.terminate()
                    server.join()
                self.there.send(True)
                if command == "exit":
                    return


@pytest.mark.browser
class BrowserTestCase(ChannelsLiveServerTestCase):
    """One live server process (and one Chromium) per class; a class holds several journeys.

    Between tests the database is put back to the world with the same ids (tests/snapshot.py), so
    what the server process keeps in memory (content types, the world's rows) stays true. The
    cache is shared with the server and emptied before each test (tests/conftest.py): Redis in CI;
    without Redis a directory instead of the per-process local memory, which the test process
    could not empty (allauth's used TOTP codes would refuse the next test's sign-in)."""

    serve_static = True
    #: True: the test may stop_server() and start_server() (a helper process starts the new one).
    restartable = False
    #: The browser the class drives: the headless shell, or CHROMIUM_FULL.
    chromium = CHROMIUM

    @classmethod
    def setUpClass(cls):
        # Checked before the live server starts: raising after it left its process running and
        # the run hung instead of failing.
        if not Path(cls.chromium).exists():
            package = "chromium" if cls.chromium == CHROMIUM_FULL else "chromium-headless-shell"
            raise RuntimeError(f"Chromium not found at {cls.chromium}: install Debian's {package} (make browser)")
        cls._cache_dir = None
        if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
            cls._cache_dir = tempfile.mkdtemp(prefix="wv-browser-cache-")
            cls._shared_cache = override_settings(
                CACHES={
                    "default": {
                        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                        "LOCATION": cls._cache_dir,
                    }
                }
            )
            cls._shared_cache.enable()
        super().setUpClass()
        if cls.restartable:
            # Forked now, before Playwright runs in this process: a server forked later from here
            # would inherit Playwright's event loop and pipes, and the test hung.
            cls._keeper = _ServerKeeper(cls.host, cls._port, cls.static_wrapper if cls.serve_static else None)
            cls._keeper.start()
        cls._playwright = sync_playwright().start()
        cls.browser = cls._playwright.chromium.launch(executable_path=cls.chromium, headless=True, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls._playwright.stop()
        if cls.restartable:
            cls._keeper.ask("exit")
            cls._keeper.join(timeout=10)
        super().tearDownClass()
        if cls._cache_dir is not None:
            cls._shared_cache.disable()
            shutil.rmtree(cls._cache_dir, ignore_errors=True)

    #: The browser window of each test; a test case on a phone says {"width": 390, "height": 844}.
    viewport = {"width": 1280, "height": 900}

    def setUp(self):
        super().setUp()
        self.world = snapshot.world_copy()
        self.context = self.browser.new_context(locale="nl-NL", viewport=self.viewport)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.console_errors = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.failed_resources = []
        self.page.on(
            "response",
            lambda r: r.status >= 400 and r.request.resource_type != "document" and self.failed_resources.append(r.url),
        )
        self.watch(self.page)

    def watch(self, page) -> None:
        """Keeps what a failed test's report shows of `page` (_report_failure): its last console
        lines, script errors, requests and socket frames. A test that failed once in CI and never
        here then says what the page did (was the message sent, answered, refused?)."""
        if not hasattr(self, "_seen"):
            self._seen = collections.deque(maxlen=80)
            self._watched = []
            self._watch_started = time.monotonic()  # one clock for all the test's pages
        seen, start = self._seen, self._watch_started
        self._watched.append(page)

        def note(text: str) -> None:
            seen.append(f"{time.monotonic() - start:7.2f}s page {self._watched.index(page)} {text[:240]}")

        page.on("console", lambda m: note(f"console.{m.type}: {m.text}"))
        page.on("pageerror", lambda error: note(f"script error: {error}"))
        asked = {"document", "fetch", "xhr"}  # not the page's own files (styles, scripts, images)
        page.on("requestfinished", lambda r: r.resource_type in asked and note(f"{r.method} {r.url} {r.resource_type}"))
        page.on("requestfailed", lambda r: note(f"failed: {r.method} {r.url} {r.failure}"))

        def socket(ws) -> None:
            note(f"socket opened {ws.url}")
            ws.on("framesent", lambda payload: note(f"-> {payload}"))
            ws.on("framereceived", lambda payload: note(f"<- {payload}"))
            ws.on("close", lambda _ws: note("socket closed"))

        page.on("websocket", socket)

    def _report_failure(self) -> None:
        """What the watched pages did, and where each ended, for a failed test's report."""
        print(f"--- what the browser did ({type(self).__name__}.{self._testMethodName}) ---")
        print("\n".join(self._seen))
        for number, page in enumerate(self._watched):
            if page.is_closed():
                continue
            try:
                where = page.evaluate(_PAGE_STATE)
            except Exception as error:  # noqa: BLE001 - a report of a failure must not fail itself
                where = repr(error)
            print(f"page {number} at {page.url}: {where}")

    def _callTestMethod(self, method):
        # Where the test itself failed (not its setUp): unittest's own record of it is not kept
        # under pytest, which takes the failure as it happens.
        try:
            super()._callTestMethod(method)
        except BaseException:
            self._report_failure()
            raise

    def tearDown(self):
        self.context.close()
        super().tearDown()

    def url(self, path: str) -> str:
        return self.live_server_url + path

    def stop_server(self) -> None:
        """Stop the live server (a crash, a deploy): every socket drops, nothing answers.
        Needs `restartable = True` on the class."""
        cls = type(self)
        if cls._server_process.is_alive():
            cls._server_process.terminate()
            cls._server_process.join()
        else:
            cls._keeper.ask("stop")

    def start_server(self) -> None:
        """Start a new live server process on the same address, after stop_server()."""
        if not type(self)._keeper.ask("start"):
            raise RuntimeError("the live server did not start again")

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.__class__.__name__}-{name}.png"), full_page=True)

    def sign_in(self, user, *, second_factor: bool = True) -> None:
        """Signs `user` in through allauth's own flow (the password, then the code), posted by a test
        client in this process to the database the live server reads, and gives this browser the
        cookies that flow set; then opens the start page. What the sign-in leaves is the same as
        through the pages (the session and its authentication records, the used code, the account's
        language, the "signed in" message on the next page), while the browser loads one page
        instead of five. The sign-in pages themselves are walked by sign_in_through_pages (the
        first journey) and by the tests of the second factor's pages."""
        client = Client(HTTP_ACCEPT_LANGUAGE="nl")
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        if second_factor:
            assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/", response
            response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
        assert response.status_code == 302, f"{user.email} was not signed in: {response.status_code}"
        host = urlsplit(self.live_server_url).hostname
        self.page.context.add_cookies(
            [
                {
                    "name": cookie.key,
                    "value": cookie.value,
                    "domain": host,
                    "path": cookie["path"] or "/",
                    "httpOnly": bool(cookie["httponly"]),
                    "sameSite": (cookie["samesite"] or "Lax").capitalize(),
                }
                for cookie in client.cookies.values()
                if cookie.value
            ]
        )
        self.page.goto(self.url(response["Location"]))
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    def sign_in_through_pages(self, user, *, second_factor: bool = True) -> None:
        """Signs `user` in as a person does: the sign-in page, then the code's page."""
        page = self.page
        page.goto(self.url("/accounts/login/"))
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        if second_factor:
            expect(page).to_have_url(self.url("/accounts/2fa/authenticate/"))
            page.get_by_label("Code").fill(totp_code())
            page.get_by_role("button", name="Aanmelden").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    def second_browser(self, user, **options):
        """A second person in their own browser context, signed in; self.page stays the first person's.

        Returns (context, page); close the context when done. `options` go to new_context (for
        example java_script_enabled=False)."""
        first_page = self.page
        context = self.browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(10_000)
        self.page = context.new_page()
        self.watch(self.page)
        try:
            self.sign_in(user)
            return context, self.page
        finally:
            self.page = first_page

    def assert_accessible(self, name: str = "", *, target_size: bool = False) -> None:
        """axe-core with the WCAG 2.1 A/AA rules; target_size adds WCAG 2.2's target size (2.5.8,
        axe's only rule tagged wcag22aa): every control at least 24 × 24 px or that far apart."""
        tags = [*WCAG_TAGS, "wcag22aa"] if target_size else WCAG_TAGS
        # A click that sends a form returns once the answer's document is there, not its stylesheets:
        # axe measured unstyled controls (a 13 px checkbox, 17 px links) on a slow CI host.
        self.page.wait_for_load_state("load")
        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": tags}})
        if results.violations_count:
            self.screenshot(f"axe-{name}")
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        assert not self.failed_resources, self.failed_resources
        assert not [e for e in self.console_errors if "Failed to load resource" not in e], self.console_errors
