"""Two people on one thread: each sees the other in "who is here", a live message gets the same
actions as a server-rendered one, "read by" and confirmations update live and read exactly as
after a reload, and the thread list's unread count follows by itself."""

import re

from playwright.sync_api import expect

from tests.browser.harness import TEST_SETS_VISIBILITY, BrowserTestCase
from wijkverband.threads import services


class ThreadPresenceJourney(BrowserTestCase):
    def test_two_people_see_each_other_and_read_by_and_confirmations_follow_live(self):
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Medicatieoverdracht")
        thread_url = self.url(f"/t/oost/threads/{thread.pk}/")
        carla_name, maarten_name = world.carla.name, world.maarten.name

        self.sign_in(world.carla)
        maarten_context, maarten = self.second_browser(world.maarten)
        try:
            page = self.page
            page.goto(thread_url)
            presence = page.locator("[data-presence-line]")
            expect(presence).to_have_text("Er is nu niemand anders in dit gesprek.")
            maarten.goto(thread_url)
            expect(maarten.locator("[data-presence-line]")).to_have_text(f"Nu ook in dit gesprek: {carla_name}.")
            expect(presence).to_have_text(f"Nu ook in dit gesprek: {maarten_name}.")

            # Carla asks for confirmation; the message arrives live on both pages.
            page.get_by_label("Bericht", exact=True).fill("Wil iedereen het nieuwe protocol lezen?")
            page.get_by_label("Vraag om bevestiging").check()
            page.get_by_role("button", name="Versturen").click()
            mine = page.locator("article.wv-message").filter(has_text="Wil iedereen het nieuwe protocol lezen?")
            # A screen reader hears whose message an action is for, and when, as the page says it.
            of_carlas = re.escape(f" (bericht van {carla_name}, vandaag ") + r"\d\d:\d\d\)$"
            expect(mine.get_by_role("link", name=re.compile("^Verwijderen" + of_carlas))).to_be_visible()
            expect(mine.get_by_role("link", name=re.compile("^Bewerken" + of_carlas))).to_be_visible()
            expect(mine.get_by_role("button", name=re.compile("^Bevestigen"))).to_have_count(0)  # not for the author
            theirs = maarten.locator("article.wv-message").filter(has_text="Wil iedereen het nieuwe protocol lezen?")
            expect(theirs.get_by_role("button", name=re.compile("^Bevestigen" + of_carlas))).to_be_visible()
            expect(theirs.get_by_role("link", name=re.compile("^Verwijderen"))).to_have_count(0)

            # Maarten's page has read it: Carla sees "Gelezen door" appear without reloading.
            expect(mine.locator("[data-read-by]")).to_contain_text(maarten_name, timeout=15_000)
            expect(mine.locator("[data-ack-line]")).to_contain_text("0 bevestigd.")
            expect(mine.locator("[data-not-yet]")).to_contain_text(maarten_name)
            self.assert_accessible("thread-live")

            # Maarten confirms (a plain form post: his page reloads); Carla's line follows live.
            theirs.get_by_role("button", name=re.compile("^Bevestigen" + of_carlas)).click()
            expect(maarten.get_by_text("Bevestigd.")).to_be_visible()
            expect(mine.locator("[data-ack-line]")).to_contain_text(f"1 bevestigd: {maarten_name}.")
            expect(mine.locator("[data-not-yet]")).not_to_contain_text(maarten_name)
            # After his reload he is there again.
            expect(presence).to_have_text(f"Nu ook in dit gesprek: {maarten_name}.")

            # What the live page shows is what the server renders.
            live_ack = mine.locator("[data-ack-line]").inner_text()
            live_read = mine.locator("[data-read-by]").inner_text()
            live_actions = mine.locator(".wv-message__actions a").all_text_contents()
            page.reload()
            mine = page.locator("article.wv-message").filter(has_text="Wil iedereen het nieuwe protocol lezen?")
            assert mine.locator("[data-ack-line]").inner_text() == live_ack
            assert mine.locator("[data-read-by]").inner_text() == live_read
            assert [" ".join(a.split()) for a in mine.locator(".wv-message__actions a").all_text_contents()] == [
                " ".join(a.split()) for a in live_actions
            ]

            # Maarten leaves: Carla is alone again.
            maarten.goto(self.url("/t/oost/threads/"))
            expect(presence).to_have_text("Er is nu niemand anders in dit gesprek.")

            # On the thread list, Maarten's unread count follows a new post by itself.
            unread = maarten.locator(f'tr[data-thread="{thread.pk}"] td').nth(3)
            expect(unread).to_have_text("0")
            page.get_by_label("Bericht", exact=True).fill("Nog een vraag.")
            page.get_by_role("button", name="Versturen").click()
            expect(unread).to_have_text("1", timeout=15_000)
            self.page = maarten
            self.assert_accessible("thread-list")
        finally:
            maarten_context.close()

    def test_a_page_left_in_the_background_for_a_minute_is_not_shown_as_here_until_it_is_in_view(self):
        """ "Who is here" names the people who have the thread in front of them: a quick look at another
        tab changes nothing, a minute in the background and the others no longer see the person, and
        they see them again as soon as the page is in view (threads.js, AWAY_AFTER_MS)."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Weekendoverdracht")
        thread_url = self.url(f"/t/oost/threads/{thread.pk}/")
        self.sign_in(world.carla)
        maarten_context, maarten = self.second_browser(world.maarten)
        try:
            # Maarten's page: its visibility as the test says, and a clock the test can move on.
            maarten.add_init_script(TEST_SETS_VISIBILITY)
            maarten.clock.install()
            presence = self.page.locator("[data-presence-line]")
            self.page.goto(thread_url)
            maarten.goto(thread_url)
            here = f"Nu ook in dit gesprek: {world.maarten.name}."
            expect(presence).to_have_text(here)

            maarten.evaluate("window.wvTestSetHidden(true)")  # another tab in front, for a moment
            maarten.clock.run_for(20_000)
            maarten.evaluate("window.wvTestSetHidden(false)")
            maarten.evaluate("window.wvTestSetHidden(true)")  # and again, this time for a while
            self.page.wait_for_timeout(1500)  # a presence change reaches the others within a second or so
            expect(presence).to_have_text(here)
            maarten.clock.run_for(61_000)
            expect(presence).to_have_text("Er is nu niemand anders in dit gesprek.")

            # Still live in the background: a message arrives there without a reload.
            self.page.get_by_label("Bericht", exact=True).fill("Wie neemt de weekenddienst?")
            self.page.get_by_role("button", name="Versturen").click()
            expect(
                maarten.get_by_role("log", name="Berichten").get_by_text("Wie neemt de weekenddienst?")
            ).to_be_attached()

            maarten.evaluate("window.wvTestSetHidden(false)")  # in view again
            expect(presence).to_have_text(here)
            expect(maarten.locator("[data-presence-line]")).to_have_text(f"Nu ook in dit gesprek: {world.carla.name}.")
            self.page = maarten
            self.assert_accessible("thread back in view")
        finally:
            maarten_context.close()
