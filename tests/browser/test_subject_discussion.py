"""The discussion on an agreement's page: a message posted there by one person appears live on
another person's open page; without JavaScript the same form posts and comes back to the
discussion. axe checks both pages with the discussion on them."""

from playwright.sync_api import expect

from tests.agreements.conftest import version_data
from tests.bottlenecks.helpers import report
from tests.browser.harness import BrowserTestCase
from tests.threads.helpers import post
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

    def test_offline_the_discussion_on_a_bottleneck_page_says_so_at_its_composer(self):
        """Noticed with the chat's own page: offline, only the status line above the messages said
        "Geen netwerk", and on a phone the messages of a subject's discussion push it off the screen
        above the composer where the person writes. It shows between the messages and the form too
        now, and is said once (the copy is no live region); back online it goes."""
        world = self.world
        b = report(world, title="Medicatieoverdracht na ontslag")
        thread = Thread.objects.get(subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk)
        for n in range(12):
            post(thread, world.maarten, f"Bericht {n} over de overdracht.")
        context = self.browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
        context.set_default_timeout(10_000)
        first, self.page = self.page, context.new_page()
        try:
            self.sign_in(world.carla)
            page = self.page
            page.goto(self.url(f"/t/oost/bottlenecks/{b.pk}/#discussion"))
            expect(page.get_by_text(LIVE)).to_be_visible()
            box = page.locator("#discussion").get_by_label("Bericht", exact=True)
            box.scroll_into_view_if_needed()

            context.set_offline(True)
            note = page.locator("#discussion [data-connection]")
            expect(note).to_contain_text(
                "Geen netwerk: wat je verstuurt wacht hier en wordt verstuurd zodra je weer online bent."
            )
            expect(note).to_be_in_viewport()
            assert note.evaluate("e => e.closest('[aria-live], [role=status], [role=alert]')") is None
            assert note.evaluate(
                "e => !!(e.compareDocumentPosition(document.querySelector('#discussion [data-thread-log]'))"
                " & Node.DOCUMENT_POSITION_PRECEDING)"
                " && !!(e.compareDocumentPosition(document.querySelector('#discussion [data-post-form]'))"
                " & Node.DOCUMENT_POSITION_FOLLOWING)"
            )
            self.assert_accessible("bottleneck-discussion-offline")

            context.set_offline(False)
            expect(page.get_by_text(LIVE)).to_be_visible()
            expect(note).to_be_hidden()
        finally:
            self.page = first
            context.close()
