"""The public postcode lookup in a browser: a visitor (not signed in) enters a postcode and finds
the team; an invalid postcode shows its error linked to the field, where the focus lands; both on a
desktop and on a 390×844 phone, with JavaScript and without, every page passing axe (WCAG 2.1 A/AA).
"""

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from wijkverband.tenancy import services


class LookupJourney(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def visitor(self, *, javascript: bool = True):
        context = self.browser.new_context(locale="nl-NL", viewport=self.viewport, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        return context, page

    def check(self, page, name: str) -> None:
        first = self.page
        self.page = page
        try:
            self.assert_accessible(name)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= self.viewport["width"], f"{name}: the page scrolls sideways ({width}px)"
        finally:
            self.page = first

    def test_a_visitor_finds_the_team_by_postcode_and_an_invalid_one_is_explained(self):
        services.team_postcode_areas_set(actor=None, team=self.world.team_b, postcode_areas="3521, 3581 AB")
        context, page = self.visitor()

        # From the sign-in page, without signing in.
        page.goto(self.url("/accounts/login/"))
        page.get_by_role("link", name="Zoeken op postcode").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Welk wijkverband werkt in jouw buurt?")
        self.check(page, "empty")

        # Typed the way people do: the team of the area, its organisations.
        field = page.get_by_label("Postcode", exact=True)
        field.fill("3581 cd")
        page.get_by_role("button", name="Zoeken", exact=True).click()
        expect(page.get_by_role("heading", level=2, name="Het wijkverband voor 3581 CD")).to_be_visible()
        team = page.get_by_role("article", name="Utrecht Oost")
        expect(team.get_by_role("heading", level=3)).to_have_text("Utrecht Oost")
        expect(team.get_by_text("Apotheek Linde")).to_be_visible()
        expect(page.get_by_text("Carla")).to_have_count(0)
        self.check(page, "found")

        # The full postcode a wijk border gave to the other team.
        field = page.get_by_label("Postcode", exact=True)
        expect(field).to_have_value("3581 CD")
        field.fill("3581AB")
        field.press("Enter")
        expect(page.get_by_role("article", name="Utrecht Zuid")).to_be_visible()
        expect(page.get_by_role("article", name="Utrecht Oost")).to_have_count(0)

        # An invalid postcode: the error is the field's description, and the focus is on the field.
        field = page.get_by_label("Postcode", exact=True)
        field.fill("35x1")
        field.press("Enter")
        field = page.get_by_label("Postcode", exact=True)
        expect(field).to_have_accessible_description(
            "Bijvoorbeeld 3581 AB, of alleen de vier cijfers: 3581. “35x1” is geen Nederlandse postcode. "
            "Een postcode heeft vier cijfers en twee letters, zoals 3581 AB; alleen de vier cijfers (3581) kan ook."
        )
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_be_focused()
        expect(page).to_have_title("Fout: Welk wijkverband werkt in jouw buurt? · Wijkverband")
        self.check(page, "invalid")

        # Unknown.
        field.fill("9999 ZZ")
        field.press("Enter")
        expect(page.get_by_role("heading", level=2)).to_have_text("Geen wijkverband gevonden voor 9999 ZZ")
        self.check(page, "unknown")
        context.close()

    def test_it_works_without_javascript(self):
        context, page = self.visitor(javascript=False)
        page.goto(self.url("/postcode/"))
        page.get_by_label("Postcode", exact=True).fill("3521")
        page.get_by_role("button", name="Zoeken", exact=True).click()
        expect(page.get_by_role("article", name="Utrecht Zuid")).to_be_visible()
        expect(page).to_have_url(self.url("/postcode/?postcode=3521"))
        context.close()


class LookupJourneyOnAPhone(LookupJourney):
    viewport = {"width": 390, "height": 844}
