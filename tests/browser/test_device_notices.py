"""Notices on the device: the notifications page turns them on for this browser, and the service
worker (/sw.js) then shows "Je hebt 3 ongelezen meldingen" while no Wijkverband window is in front
of the person, follows the count, and takes the notice away once everything is read, when it is
turned off and when the person signs out.

Debian's chromium itself (CHROMIUM_FULL): its headless shell has no notices at all (there
Notification.permission is always "denied", which tests/browser/test_notifications_page.py uses for
the page's "not allowed" state). The notices a test reads are the browser's own
(`registration.getNotifications()`), shown by the real worker. What makes a notice is real too:
Pieter takes on, in his own browser, a bottleneck Maarten reported. The one thing made up is the
person looking elsewhere (`looking_elsewhere`): headless Chromium gives every page the focus."""

import re
import time

from playwright.sync_api import expect

from tests.bottlenecks.helpers import report
from tests.browser.harness import CHROMIUM_FULL, BrowserTestCase
from tests.threads.helpers import topic
from tests.work.notices import unread_notices
from wijkverband.bottlenecks import services as bottlenecks
from wijkverband.work.models import Notice

#: The notices the page's service worker shows now, as [title, body, tag, data].
SHOWN = """() => navigator.serviceWorker.getRegistration("/").then((registration) => registration
  ? registration.getNotifications().then((all) => all.map((n) => [n.title, n.body, n.tag, n.data]))
  : [])"""

#: In the service worker: its windows' `focused` is false while the person looks elsewhere.
AWAY = """(away) => {
  self.wvAway = away;
  if (self.wvAwayPatched) return;
  self.wvAwayPatched = true;
  const matchAll = self.clients.matchAll.bind(self.clients);
  self.clients.matchAll = async (options) => (await matchAll(options)).map((client) => new Proxy(client, {
    get: (target, name) => name === "focused" ? target.focused && !self.wvAway
      : typeof target[name] === "function" ? target[name].bind(target) : target[name],
  }));
}"""

TITLES = ["Wachtlijst wijkverpleging", "Geen avondzorg", "Medicatierol ontbreekt", "Geen plek in dagbesteding"]


class DeviceNotices(BrowserTestCase):
    chromium = CHROMIUM_FULL

    def unread(self) -> int:
        return Notice.objects.across_teams().filter(user=self.world.maarten, read_at__isnull=True).count()

    def shown(self) -> list:
        return self.page.evaluate(SHOWN)

    def expect_shown(self, body: str | None) -> None:
        """The one notice on the screen says `body`; None: there is none."""
        want = (
            []
            if body is None
            else [["Wijkverband", body, "wv-unread", {"unread": self.unread(), "url": "/notifications/"}]]
        )
        # Asked again until it is so (page.wait_for_function would take the promise an async check
        # returns for a yes, and pass at once whatever is shown).
        deadline = time.monotonic() + 10
        while (shown := self.shown()) != want:
            assert time.monotonic() < deadline, f"shown {shown}, expected {want}"
            self.page.wait_for_timeout(100)

    def expect_none_shown(self) -> None:
        """No notice comes: the worker, which answers a page within milliseconds, has had the time."""
        self.page.wait_for_timeout(700)
        assert self.shown() == []

    def looking_elsewhere(self, away: bool) -> None:
        """The person works in another window (the HIS in front): no Wijkverband window has the focus.

        Headless Chromium gives every page the focus, always (`document.hasFocus()` stays true with
        CDP's focus emulation off, or another page brought to the front), so the service worker
        would never find a window without it. Here the worker's view of its windows says so: the
        one thing a headless browser cannot do is made up; the worker's code, the pages and the
        notices are real. Set again before each step, as a browser may stop an idle worker."""
        worker = (
            self.context.service_workers[0]
            if self.context.service_workers
            else self.context.wait_for_event("serviceworker")
        )
        worker.evaluate(AWAY, away)

    def pieter_takes_on(self, title: str) -> None:
        """Pieter, in his own browser, accepts the bottleneck he was asked to own: Maarten, who
        reported it, gets a notice (pushed to his sockets)."""
        if not hasattr(self, "pieter"):
            context, self.pieter = self.second_browser(self.world.pieter)  # signed in once: a code is used once
            self.addCleanup(context.close)
        self.pieter.goto(self.url("/my-work/"))
        self.pieter.get_by_role("button", name=re.compile(f"^Accepteren.*{title}")).click()
        expect(self.pieter.locator("#messages [data-work-answer]")).to_be_visible()

    def test_a_notice_on_the_device_says_how_many_wait_and_goes_once_they_are_read(self):
        world = self.world
        for title in TITLES:
            reported = report(world, title=title)  # Maarten's
            bottlenecks.bottleneck_ask_owner(
                actor=world.carla, bottleneck=reported, version=reported.version, candidate=world.pieter
            )
        self.context.grant_permissions(["notifications"], origin=self.live_server_url)
        self.sign_in(world.maarten)
        page = self.page
        page.goto(self.url("/notifications/"))

        # Off until the person turns it on, on this device.
        section = page.locator("#device-notices")
        expect(section.get_by_role("heading", name="Op dit apparaat")).to_be_visible()
        expect(section.get_by_text("Staat uit op dit apparaat.")).to_be_visible()
        self.assert_accessible("device-notices-off")
        section.get_by_role("button", name="Aanzetten op dit apparaat").click()
        expect(section.get_by_text("Staat aan op dit apparaat.")).to_be_visible()
        expect(section.get_by_role("button", name="Uitzetten op dit apparaat")).to_be_focused()
        expect(section.get_by_role("button", name="Aanzetten op dit apparaat")).to_be_hidden()
        worker = page.evaluate("() => navigator.serviceWorker.ready.then((r) => [r.scope, r.active.scriptURL])")
        assert worker == [self.url("/"), self.url("/sw.js")]
        self.assert_accessible("device-notices-on")
        page.wait_for_function("() => window.wijkverbandUserSocket && window.wijkverbandUserSocket.readyState === 1")
        header = page.locator("[data-unread-notifications] [data-count]")

        # With Wijkverband in front of them the header says it: no notice on the device.
        before = self.unread()
        self.pieter_takes_on(TITLES[0])
        expect(header).to_have_text(str(before + 1))
        self.expect_none_shown()

        # Working in another window: the device says how many wait, and nothing of who or what.
        self.looking_elsewhere(True)
        self.pieter_takes_on(TITLES[1])
        expect(header).to_have_text(str(before + 2))
        self.expect_shown(f"Je hebt {before + 2} ongelezen meldingen.")
        for word in [*TITLES, "Pieter", "Visser", "eigenaar", "Utrecht"]:
            assert word not in str(self.shown())

        # One read (in place, on this page): the notice follows, quietly. (Once the list has followed
        # the new notice: a read clicked while the list is being replaced answers into a card that
        # is gone, which htmx reports as an error.)
        expect(page.locator(".wv-notification__read button")).to_have_count(before + 2)
        page.locator(".wv-notification__read button").first.click()
        expect(header).to_have_text(str(before + 1))
        self.expect_shown(f"Je hebt {before + 1} ongelezen {'melding' if before == 0 else 'meldingen'}.")

        # All read (the page loads again, without a frame of the socket): the notice goes.
        page.get_by_role("button", name="Alles als gelezen markeren").click()
        expect(page.locator("#notices-summary")).to_contain_text("0 ongelezen meldingen")
        self.expect_shown(None)

        # Turned off: the notice on the screen goes, and no new one comes.
        self.pieter_takes_on(TITLES[2])
        self.expect_shown("Je hebt 1 ongelezen melding.")
        section.get_by_role("button", name="Uitzetten op dit apparaat").click()
        expect(section.get_by_text("Staat uit op dit apparaat.")).to_be_visible()
        expect(section.get_by_role("button", name="Aanzetten op dit apparaat")).to_be_focused()
        self.expect_shown(None)
        page.reload()
        expect(section.get_by_text("Staat uit op dit apparaat.")).to_be_visible()

        # On again, and signed out: a notice of this person's stays on no shared screen.
        section.get_by_role("button", name="Aanzetten op dit apparaat").click()
        expect(section.get_by_text("Staat aan op dit apparaat.")).to_be_visible()
        self.looking_elsewhere(True)
        page.reload()
        self.expect_none_shown()  # the count a page comes with (1) is not news, even looking elsewhere
        self.pieter_takes_on(TITLES[3])
        self.expect_shown("Je hebt 2 ongelezen meldingen.")
        page.get_by_role("button", name="Afmelden").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
        self.expect_shown(None)
        assert not self.console_errors, self.console_errors

    def notices_without_a_push(self, count: int) -> None:
        """`count` notices for Maarten written while his page's socket was down: no push reaches it."""
        unread_notices(self.world, count, first=Notice.objects.across_teams().filter(user=self.world.maarten).count())

    def test_what_came_while_the_socket_was_down_is_counted_once_it_is_back(self):
        """A laptop that slept, a release: what was pushed while a page's socket was down never came.
        Once the socket is back the page asks the server, and the header's count, the title and the
        notice on the device follow: on a page with only the person's socket (app.js), on a
        discussion's page (threads.js) and on the discussions list (thread_list.js), which have their own."""
        self.context.grant_permissions(["notifications"], origin=self.live_server_url)
        self.sign_in(self.world.maarten)
        page = self.page
        page.goto(self.url("/notifications/"))
        page.get_by_role("button", name="Aanzetten op dit apparaat").click()
        expect(page.get_by_text("Staat aan op dit apparaat.")).to_be_visible()
        header = page.locator("[data-unread-notifications] [data-count]")

        thread = topic(self.world)
        for unread, path, socket in (
            (2, "/my-work/", "window.wijkverbandUserSocket"),
            (3, f"/t/oost/threads/{thread.pk}/", "window.wijkverbandThread?.socket"),
            (4, "/t/oost/threads/", "window.wijkverbandThreadList?.socket"),
        ):
            page.goto(self.url(path))
            page.wait_for_function(f"() => {socket}?.readyState === 1")
            self.looking_elsewhere(True)
            self.notices_without_a_push(1 if unread > 2 else 2)
            page.evaluate(f"() => {socket}.close()")
            expect(header).to_have_text(str(unread))
            expect(page).to_have_title(re.compile(rf"^\({unread}\) "))
            self.expect_shown(f"Je hebt {unread} ongelezen meldingen.")
        assert not self.console_errors, self.console_errors

    def test_on_is_the_persons_choice_on_a_shared_browser_and_their_notice_goes_with_them(self):
        """A practice's shared computer: Maarten turned the notices on, and his session ran out
        without signing out, a notice of his on the screen. Carla signs in on the same browser: his
        notice goes at her first page, and for her they are off until she turns them on."""
        world = self.world
        self.context.grant_permissions(["notifications"], origin=self.live_server_url)
        self.sign_in(world.maarten)
        page = self.page
        page.goto(self.url("/notifications/"))
        page.get_by_role("button", name="Aanzetten op dit apparaat").click()
        expect(page.get_by_text("Staat aan op dit apparaat.")).to_be_visible()
        page.goto(self.url("/my-work/"))
        page.wait_for_function("() => window.wijkverbandUserSocket?.readyState === 1")
        self.looking_elsewhere(True)
        self.notices_without_a_push(2)
        page.evaluate("() => window.wijkverbandUserSocket.close()")  # back at once, it asks: 2 unread
        self.expect_shown("Je hebt 2 ongelezen meldingen.")

        self.context.clear_cookies()  # his session ran out; nobody signed out
        self.sign_in(world.carla)
        self.expect_shown(None)
        page.goto(self.url("/notifications/"))
        expect(page.get_by_text("Staat uit op dit apparaat.")).to_be_visible()
        expect(page.get_by_role("button", name="Aanzetten op dit apparaat")).to_be_visible()
        assert not self.console_errors, self.console_errors
