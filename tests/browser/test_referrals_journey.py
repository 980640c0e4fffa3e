"""Welzijn op Recept in a real browser, on a desktop and on a 390×844 phone, every page passing axe
(WCAG 2.1 A/AA) and none scrolling sideways: the welzijnscoach adds a referral (client data refused
at the field first), the GP's coordinator enters a month's counts, both show in the monthly table
and chart, and a client representative reads the figures without the records.
"""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase, follow_team_tab
from wijkverband.referrals.models import Referral, ReferralMonth
from wijkverband.referrals.months import add_months, this_month


class ReferralsJourney(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def check(self, name: str) -> None:
        self.assert_accessible(name)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{name}: the page scrolls sideways ({width}px)"

    def sign_out(self):
        menu = self.page.locator("details.wv-menu summary")  # on a phone, "Afmelden" is in the header's menu
        if menu.is_visible():
            menu.click()
        self.page.get_by_role("button", name="Afmelden").click()
        expect(self.page).to_have_url(re.compile(r"/accounts/login/"))

    def test_enter_a_referral_and_counts_and_read_them_as_a_representative(self):
        world, page = self.world, self.page
        last_month = add_months(this_month(), -1)
        two_months_ago = add_months(this_month(), -2)
        self.sign_in(world.sofie)
        page.goto(self.url("/t/oost/"))
        follow_team_tab(page, "Welzijn op Recept")
        expect(page.get_by_role("heading", level=1)).to_have_text("Welzijn op Recept")
        self.check("referrals-empty")

        page.get_by_role("link", name="Verwijzing toevoegen").click()
        page.get_by_label("Datum van verwijzing").fill(last_month.replace(day=4).isoformat())
        page.get_by_label("Verwijzende organisatie").select_option(label="Huisarts Oost")
        page.get_by_label("Aanbod").fill("mevrouw Jansen geb. 12-03-1948")
        page.get_by_label("Status").select_option(label="intake gehad")
        page.get_by_role("button", name="Verwijzing opslaan").click()
        expect(page.locator("[data-error-summary]")).to_be_focused()
        expect(page.locator("#id_offer_error")).to_contain_text("cliëntgegevens")
        self.check("referral-refused")
        assert not Referral.objects.exists()
        page.get_by_label("Aanbod").fill("Wandelgroep Oost")
        page.get_by_label("Terugkoppeling aan de verwijzer gestuurd op").fill(last_month.replace(day=18).isoformat())
        page.get_by_role("button", name="Verwijzing opslaan").click()
        expect(page.locator(".wv-messages")).to_contain_text("is opgeslagen")
        expect(page.get_by_role("heading", level=1)).to_have_text("Losse verwijzingen")
        expect(page.get_by_role("cell", name="Wandelgroep Oost")).to_be_visible()
        self.check("referral-records")
        assert Referral.objects.get().status == "intake_held"

        self.sign_out()
        self.sign_in(world.carla)
        page.goto(self.url("/t/oost/welzijn-op-recept/"))
        page.get_by_role("link", name="Maandaantallen invoeren").click()
        page.get_by_label("Maand").select_option(f"{two_months_ago:%Y-%m}")
        page.get_by_label("Verwijzende organisatie").select_option(label="Huisarts Oost")
        page.get_by_label("Verwijzingen naar welzijn").fill("6")
        page.get_by_label("Intakes gehouden").fill("7")
        page.get_by_label("Terugkoppeling aan de verwijzer").fill("3")
        page.get_by_role("button", name="Aantallen opslaan").click()
        expect(page.locator("#id_intakes_error")).to_be_visible()  # more intakes than referrals
        self.check("counts-refused")
        page.get_by_label("Intakes gehouden").fill("5")
        page.get_by_role("button", name="Aantallen opslaan").click()
        expect(page.locator(".wv-messages")).to_contain_text("zijn opgeslagen")
        assert ReferralMonth.objects.count() == 2
        table = page.get_by_role("table", name="Alle verwijzende organisaties samen, per maand")
        expect(table.get_by_role("row", name=re.compile(r"^Totaal"))).to_contain_text("7")
        expect(page.get_by_role("img", name=re.compile("Staafdiagram"))).to_be_visible()
        self.check("referrals-overview")
        self.screenshot(f"referrals-overview-{self.viewport['width']}")

        self.sign_out()
        self.sign_in(world.rosa, second_factor=False)
        page.goto(self.url("/t/oost/welzijn-op-recept/"))
        expect(page.get_by_text("Alleen lezen")).to_be_visible()
        expect(page.get_by_role("link", name="Losse verwijzingen")).to_have_count(0)
        expect(page.get_by_role("heading", name="Verwezen door Huisarts Oost")).to_be_visible()
        self.check("referrals-representative")


class ReferralsJourneyOnAPhone(ReferralsJourney):
    viewport = {"width": 390, "height": 844}
