"""The notifications page: marking one notice read, on the newest page or an older one, comes back
with the focus on the word that it is done, so a screen reader reads it and the keyboard goes on
from there; without JavaScript the page comes back at that word."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from wijkverband.work.models import Notice, NoticeKind, SubjectKind

DONE = "De melding is als gelezen gemarkeerd."


class NotificationsPage(BrowserTestCase):
    def notices(self, count: int) -> None:
        """Maarten has `count` unread notices, a minute apart (the page shows 100)."""
        now = timezone.now()
        Notice.objects.bulk_create(
            Notice(
                team=self.world.team_a,
                user=self.world.maarten,
                kind=NoticeKind.OWNERSHIP_ASKED,
                actor=self.world.carla,
                subject_kind=SubjectKind.BOTTLENECK,
                subject_id=i + 1,
                title=f"Knelpunt {i + 1}",
                path=f"/t/oost/bottlenecks/{i + 1}/",
                key=f"test:{i}",
                created_at=now - timedelta(minutes=i),
            )
            for i in range(count)
        )

    def mark_first_read(self, page) -> None:
        page.locator(".wv-notification__read button").first.click()
        expect(page.locator("#messages .utrecht-alert")).to_have_text(DONE)

    def test_marking_read_on_an_older_page_puts_the_focus_on_the_word_that_it_is_done(self):
        """Found by an exploratory test: on an older page (…?before=236#notices, as every pager link
        goes) the redirect kept the browser's #notices, which moved the page there after app.js had
        put the focus on the word: the focus was on the page's body, and nothing was read out."""
        self.notices(130)
        self.sign_in(self.world.maarten)
        page = self.page
        page.goto(self.url("/notifications/"))
        self.mark_first_read(page)
        expect(page.locator("#messages .utrecht-alert")).to_be_focused()

        page.get_by_role("link", name="Oudere meldingen").click()
        expect(page).to_have_url(re.compile(r"\?before=\d+#notices$"))
        expect(page.get_by_role("link", name="Knelpunt 101", exact=True)).to_be_visible()
        self.mark_first_read(page)
        expect(page.locator("#messages .utrecht-alert")).to_be_focused()
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # the browser's own move to a fragment comes after the load
        expect(page.locator("#messages .utrecht-alert")).to_be_focused()
        assert "before=" in page.url  # still the older page
        expect(page.get_by_role("link", name="Knelpunt 102", exact=True)).to_be_visible()
        self.assert_accessible("older notifications, one marked read")

    def test_without_javascript_the_page_comes_back_at_the_word_that_it_is_done(self):
        self.notices(130)
        context, page = self.second_browser(self.world.maarten, java_script_enabled=False)
        try:
            page.goto(self.url("/notifications/"))
            page.get_by_role("link", name="Oudere meldingen").click()
            self.mark_first_read(page)
            assert page.url.endswith("#done"), page.url
            assert "before=" in page.url
            # The word has the focus (the browser's move to #done): the keyboard goes on from it,
            # not from below the list of notices.
            expect(page.locator("#messages .utrecht-alert")).to_be_focused()
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="Alles als gelezen markeren")).to_be_focused()
        finally:
            context.close()
