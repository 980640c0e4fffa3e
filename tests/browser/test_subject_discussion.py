"""The discussion on an agreement's page: a message posted there by one person appears live on
another person's open page; without JavaScript the same form posts and comes back to the
discussion. axe checks both pages with the discussion on them."""

from playwright.sync_api import expect

from tests.agreements.conftest import version_data
from tests.bottlenecks.helpers import report
from tests.browser.harness import BrowserTestCase
from wijkverband.agreements import services as agreement_services
from wijkverband.threads.models import Message, SubjectKind, Thread

LIVE = "Live: nieuwe berichten verschijnen vanzelf."


class SubjectDiscussionJourneys(BrowserTestCase):
    def test_a_message_on_an_agreement_page_appears_live_on_another_open_page(self):
        world = self.world
        agreement = agreement_services.agreement_create(
            actor=world.carla, team=world.team_a, data=version_data(world, title="Medicatiebeoordeling thuis")
        )
        thread = Thread.objects.get(subject_kind=SubjectKind.AGREEMENT, subject_id=agreement.pk)
        url = self.url(f"/t/oost/agreements/{agreement.pk}/")

        self.sign_in(world.carla)
        maarten_context, maarten = self.second_browser(world.maarten)
        try:
            page = self.page
            page.goto(url)
            expect(page.get_by_role("heading", name="Gesprek")).to_be_visible()
            expect(page.get_by_text(LIVE)).to_be_visible()
            self.assert_accessible("agreement-discussion")

            maarten.goto(url)
            expect(maarten.get_by_text(LIVE)).to_be_visible()
            discussion = maarten.locator("#discussion")
            discussion.get_by_label("Bericht", exact=True).fill("Ik neem de **medicatielijst** mee.")
            discussion.get_by_role("button", name="Versturen").click()

            log = page.get_by_role("log", name="Berichten in het gesprek")
            expect(log.get_by_text("Ik neem de medicatielijst mee.")).to_be_visible()
            expect(log.locator("strong", has_text="medicatielijst")).to_be_visible()
            # The poster's own page shows it too, without a reload, and the outbox empties.
            expect(
                maarten.get_by_role("log", name="Berichten in het gesprek").get_by_text("Ik neem de")
            ).to_be_visible()
            expect(maarten.locator("[data-outbox] li")).to_have_count(0)
            assert Message.objects.filter(thread=thread).count() == 1
            assert page.url == url  # nobody left the agreement's page
            self.assert_accessible("agreement-discussion-live")
        finally:
            maarten_context.close()

    def test_without_javascript_a_post_from_a_bottleneck_page_returns_to_the_discussion(self):
        world = self.world
        b = report(world, title="Medicatieoverdracht na ontslag")
        url = self.url(f"/t/oost/bottlenecks/{b.pk}/")
        context, page = self.second_browser(world.carla, java_script_enabled=False)
        try:
            first, self.page = self.page, page
            page.goto(url)
            discussion = page.locator("#discussion")
            expect(discussion.get_by_text("Nog geen berichten.")).to_be_visible()
            discussion.get_by_label("Bericht", exact=True).fill("Ik bel het ziekenhuis.")
            discussion.get_by_role("button", name="Versturen").click()
            expect(page).to_have_url(url + "#discussion")
            expect(
                page.get_by_role("log", name="Berichten in het gesprek").get_by_text("Ik bel het ziekenhuis.")
            ).to_be_visible()
        finally:
            self.page = first
            context.close()
        # axe needs JavaScript: check the same page, message and all, in a browser that has it.
        self.sign_in(world.maarten)
        self.page.goto(url)
        expect(self.page.get_by_text("Live: nieuwe berichten verschijnen vanzelf.")).to_be_visible()
        expect(self.page.locator("#discussion").get_by_text("Ik bel het ziekenhuis.")).to_be_visible()
        self.assert_accessible("bottleneck-discussion")
