"""Back, then send again (core.once): the question instead of a second signal, on a phone, with
and without JavaScript (tests/work/test_sent_again.py holds the rules)."""

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase

PHONE = {"width": 390, "height": 844}
TITLE = "Lang wachten op de wijkverpleging"


class SentAgainQuestion(BrowserTestCase):
    def _send_back_and_again(self, page):
        from wijkverband.signals.models import Signal

        for _ in range(2):
            page.goto(self.url("/t/oost/signals/new/"))
            page.get_by_label("In een paar woorden").fill(TITLE)
            page.get_by_label("Waar cliënten tegenaan lopen").fill("Na ontslag uit het ziekenhuis duurt het dagen.")
            page.get_by_role("button", name="Signaal versturen").click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Nog een keer opslaan?")
        expect(page.locator("main")).to_contain_text("Je hebt precies dit om")
        assert Signal.objects.filter(title=TITLE).count() == 1

    def test_the_question_on_a_phone_and_yes_saves_a_second(self):
        from wijkverband.signals.models import Signal

        self.sign_in(self.world.rosa, second_factor=False)
        page = self.page
        page.set_viewport_size(PHONE)
        self._send_back_and_again(page)
        self.assert_accessible("sent-again-question", target_size=True)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"the question scrolls sideways on a phone: {width}"
        page.get_by_role("button", name="Ja, sla het een tweede keer op").click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Nog een keer opslaan?")
        assert Signal.objects.filter(title=TITLE).count() == 2

    def test_a_referral_record_sent_again_without_javascript_and_no_shows_what_was_saved(self):
        from tests.referrals.conftest import last_month
        from wijkverband.referrals.models import Referral

        context, page = self.second_browser(self.world.sofie, java_script_enabled=False)
        try:
            for _ in range(2):
                page.goto(self.url("/t/oost/welzijn-op-recept/records/new/"))
                page.locator("#id_referred_on").fill(last_month().replace(day=12).isoformat())
                page.locator("#id_referrer").select_option(str(self.world.gp_a.pk))
                page.locator("#id_offer").fill("Taalcafé")
                page.get_by_role("button", name="Verwijzing opslaan").click()
                expect(page.get_by_role("heading", level=1)).to_be_visible()
            expect(page.get_by_role("heading", level=1)).to_have_text("Nog een keer opslaan?")
            assert Referral.objects.filter(offer="Taalcafé").count() == 1
            page.get_by_role("link", name="Nee, laat zien wat is opgeslagen").click()
            expect(page.get_by_role("heading", level=1)).not_to_have_text("Nog een keer opslaan?")
            assert Referral.objects.filter(offer="Taalcafé").count() == 1
        finally:
            context.close()
