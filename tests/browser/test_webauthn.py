import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from tests.personas import PASSWORD


class SecurityKeyJourney(BrowserTestCase):
    def _virtual_authenticator(self):
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("WebAuthn.enable")
        cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )

    def test_a_professional_adds_a_security_key_and_signs_in_with_it(self):
        page = self.page
        self._virtual_authenticator()
        self.sign_in(self.world.maarten)
        page.goto(self.url("/accounts/2fa/webauthn/add/"))
        if "/accounts/reauthenticate/" in page.url:
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name=re.compile("Bevestig|Confirm")).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        self.screenshot("webauthn-add")
        self.assert_accessible("webauthn-add")
        page.get_by_label("Naam van de beveiligingssleutel").fill("Werksleutel")
        page.get_by_role("button", name=re.compile("Toevoegen|Add")).click()
        # On to the page after the key was added (the add page's own address matched the old
        # pattern at once, and the screenshot raced the navigation: "Unable to capture screenshot").
        page.wait_for_url(lambda url: "/accounts/2fa/" in url and not url.endswith("/add/"))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        self.screenshot("webauthn-added")
        # The list of keys names it, with a way to rename or remove it (it answered 500 before).
        page.goto(self.url("/accounts/2fa/webauthn/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Beveiligingssleutels")
        expect(page.get_by_role("rowheader", name="Werksleutel")).to_be_visible()
        expect(page.get_by_role("link", name="Werksleutel Verwijderen")).to_be_visible()
        self.assert_accessible("webauthn-list")

        # Sign out, then sign in with the password and the security key instead of a code.
        page.get_by_role("button", name="Afmelden").click()
        page.goto(self.url("/accounts/login/"))
        page.get_by_label("E-mail").fill(self.world.maarten.email)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        expect(page).to_have_url(self.url("/accounts/2fa/authenticate/"))
        self.screenshot("webauthn-authenticate")
        page.get_by_role("button", name=re.compile("beveiligingssleutel|security key", re.I)).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
