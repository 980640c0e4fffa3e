"""Search in a browser: a member searches from the header of their team, filters the results to
messages, opens a message 300 messages back in its thread and lands on it. On a desktop and on a
390×844 phone (where the header holds only the search button), every page passing axe (WCAG 2.1
A/AA) without sideways scrolling."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from tests.search.conftest import bottleneck, post, thread
from wijkverband.threads.models import Message, Thread


class SearchJourney(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def check(self, name: str) -> None:
        self.assert_accessible(name)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{name}: the page scrolls sideways ({width}px)"
        self.screenshot(name)

    def test_search_filter_and_land_on_a_message_far_back(self):
        world = self.world
        talk = thread(world, title="Weekenddiensten")
        target = post(talk, actor=world.carla, body="Het rooster van de dienstapotheek staat in de gedeelde map.")
        now = timezone.now()
        Message.objects.bulk_create(
            Message(team=world.team_a, thread=talk, author=world.maarten, body=f"Bericht {n}",
                    body_html=f"<p>Bericht {n}</p>", seq=target.seq + 1 + n, created_at=now)
            for n in range(300)
        )  # fmt: skip
        Thread.objects.filter(pk=talk.pk).update(seq=target.seq + 300, last_activity_at=now)
        bottleneck(world, title="Rooster dienstapotheek onduidelijk", description="Niemand weet wie dienst heeft.")

        self.context.close()
        self.context = self.browser.new_context(locale="nl-NL", viewport=self.viewport)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        page = self.page
        self.sign_in(world.maarten)
        page.goto(self.url("/t/oost/"))

        # 1. The header's search, in the current team (on a phone: its "Menu" has a link to the search page).
        header = page.get_by_role("search", name="Zoeken")
        if header.is_visible():
            header.get_by_label("Zoeken in Utrecht Oost").fill("dienstapotheek rooster")
            header.get_by_label("Zoeken in Utrecht Oost").press("Enter")
        else:
            account = page.get_by_role("navigation", name="Je account")
            account.locator("summary", has_text="Menu").click()
            account.get_by_role("link", name="Zoeken").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Zoeken")
            page.get_by_label("Zoeken naar").fill("dienstapotheek rooster")
            page.get_by_label("Zoeken naar").press("Enter")
        expect(page.get_by_role("heading", name=re.compile("Berichten"))).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("Knelpunten"))).to_be_visible()
        expect(page.locator("mark").first).to_be_visible()
        # Each result's title stands out from its snippet: what the eye goes down the page by.
        for hit in page.locator(".wv-search-hit").all():
            title, snippet = (
                hit.locator(selector).evaluate(
                    "(e) => [parseFloat(getComputedStyle(e).fontSize), Number(getComputedStyle(e).fontWeight)]"
                )
                for selector in (".wv-search-hit__title", ".wv-search-hit__snippet")
            )
            assert title[0] > snippet[0] and title[1] >= 600 > snippet[1], (title, snippet)
        assert "team=oost" in page.url
        self.check("results")

        # 2. Only messages.
        page.locator("summary", has_text="Filters").click()
        page.get_by_label("Soort").select_option("message")
        page.get_by_role("button", name="Filters toepassen").click()
        expect(page.get_by_role("heading", name=re.compile("Berichten"))).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("Knelpunten"))).to_have_count(0)
        self.check("filtered")

        # 3. The message, 300 messages back: its thread opens around it and the page lands on it.
        page.get_by_role("link", name="Weekenddiensten").click()
        expect(page).to_have_url(re.compile(rf"\?at={target.seq}#message-{target.pk}$"))
        message = page.locator(f"#message-{target.pk}")
        expect(message).to_contain_text("rooster van de dienstapotheek")
        expect(message).to_be_in_viewport()
        self.check("message")


class SearchJourneyOnAPhone(SearchJourney):
    viewport = {"width": 390, "height": 844}
