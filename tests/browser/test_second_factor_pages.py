"""The sign-in and second-factor pages an exploratory test walked on a 390×844 phone: the way back
on every confirmation page, the word when a link bounces to the setup,
what to do without phone and codes, "Overal afmelden", and a reset link opened where another
account is signed in. Each page fits the phone and passes axe. Every step is a link or a plain
form (the account pages have no script of their own; tests/accounts walks them without a browser)."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase, totp_code
from tests.personas import PASSWORD, make_user

PHONE = {"width": 390, "height": 844}


class SecondFactorPagesOnAPhone(BrowserTestCase):
    viewport = PHONE

    def _fits(self, name: str) -> None:
        page = self.page
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url}: the page scrolls sideways ({width}px)"
        self.assert_accessible(name, target_size=True)

    def _password(self, user) -> None:
        page = self.page
        page.goto(self.url("/accounts/login/"))
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()

    def test_the_confirmation_pages_have_a_way_back_and_the_setup_page_leads_to_the_overview(self):
        RecoveryCodes.activate(self.world.carla)
        page = self.page
        self._password(self.world.carla)
        self._fits("code-page")
        expect(page.get_by_text("Geen telefoon en geen herstelcodes meer?")).to_be_visible()
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Aanmelden").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
        # Back to the setup page of an app that exists: the overview, with the word.
        page.goto(self.url("/accounts/2fa/totp/activate/"))
        expect(page).to_have_url(self.url("/accounts/2fa/"))
        expect(page.get_by_text("Je authenticator-app is al ingesteld.")).to_be_visible()
        self._fits("overview")
        for path, name in [
            ("/accounts/2fa/totp/deactivate/", "remove-app"),
            ("/accounts/2fa/recovery-codes/generate/", "new-codes"),
        ]:
            page.goto(self.url(path))
            if name == "remove-app":
                expect(page.get_by_text("en je herstelcodes ook niet")).to_be_visible()
            self._fits(name)
            page.get_by_role("link", name="Annuleren").click()
            expect(page).to_have_url(self.url("/accounts/2fa/"))
        page.goto(self.url("/accounts/2fa/recovery-codes/"))
        self._fits("recovery-codes")
        page.goto(self.url("/accounts/password/change/"))
        expect(page.get_by_text("meld je je overal af")).to_be_visible()
        page.goto(self.url("/accounts/2fa/"))
        page.get_by_role("button", name="Overal afmelden").click()
        expect(page.get_by_text("Je bent afgemeld op je andere apparaten.")).to_be_visible()
        self._fits("signed-out-elsewhere")
        page.goto(self.url("/accounts/logout/"))
        self._fits("sign-out")
        page.get_by_role("link", name="Annuleren").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    def test_a_link_that_bounces_to_the_setup_says_why(self):
        newcomer = make_user("nieuw", "Nieuwe Collega", second_factor=False)
        from wijkverband.tenancy import services

        services.membership_create(
            actor=None, team=self.world.team_a, user=newcomer, role="member", organisation=self.world.gp_a
        )
        page = self.page
        self._password(newcomer)
        expect(page).to_have_url(self.url("/accounts/2fa/totp/activate/"))
        word = page.get_by_text("Stel eerst je tweestapsverificatie in; daarna kun je verder.")
        expect(word).to_have_count(0)
        page.goto(self.url("/my-work/"))
        expect(page).to_have_url(self.url("/accounts/2fa/totp/activate/"))
        expect(word).to_be_visible()
        self._fits("setup-bounced")
        page.get_by_label("Code").fill("000000")
        page.get_by_role("button", name="App toevoegen").click()
        expect(page.locator("#id_code_error")).to_contain_text("klok van je telefoon")
        self._fits("setup-wrong-code")

    def test_a_reset_link_where_a_colleague_is_signed_in(self):
        carla = self.world.carla
        link = f"/accounts/password/reset/key/{user_pk_to_url_str(carla)}-{default_token_generator.make_token(carla)}/"
        page = self.page
        self._password(self.world.rosa)  # a client representative: no second factor needed
        page.goto(self.url(link))
        expect(page.get_by_text("Deze link is voor een ander account")).to_be_visible()
        self._fits("reset-link-another-account")
        page.get_by_role("button", name="Afmelden").click()
        expect(page.get_by_text("carla@example.nl")).to_be_visible()
        self._fits("reset-link-form")
