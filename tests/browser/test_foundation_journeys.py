import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase, totp_code
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Invitation, Membership


class FoundationJourneys(BrowserTestCase):
    def test_coordinator_signs_in_with_totp_switches_team_and_invites_a_member(self):
        world = self.world
        # Carla also serves team B, so she has two teams to switch between.
        services.membership_create(
            actor=None, team=world.team_b, user=world.carla, role="member", organisation=world.nursing_b
        )
        page = self.page
        page.goto(self.url("/"))
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        self.assert_accessible("login")
        self.sign_in_through_pages(world.carla)
        self.assert_accessible("home")

        page.get_by_role("link", name="Utrecht Oost").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht Oost")
        expect(page.get_by_text("Alle vier kernpartijen doen mee")).to_be_visible()
        self.assert_accessible("team-home")

        # Switch team with the switcher in the header.
        # The switcher names the team once ("Utrecht Oost", not "Wijkverband: Utrecht Oost").
        switcher = page.locator(".wv-switcher summary")
        expect(switcher).to_have_text("Wisselen, nu in: Utrecht Oost")
        switcher.click()
        page.get_by_role("navigation", name="Je wijkverbanden en regio’s").get_by_role(
            "link", name=re.compile("Utrecht Zuid")
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht Zuid")
        expect(page.get_by_text("Ontbreekt:")).to_be_visible()
        self.assert_accessible("team-b-home")

        # Back to team A and invite a member.
        page.locator(".wv-switcher summary").click()
        page.get_by_role("navigation", name="Je wijkverbanden en regio’s").get_by_role(
            "link", name=re.compile("Utrecht Oost")
        ).click()
        page.get_by_role("link", name="Leden", exact=True).click()
        self.assert_accessible("members")
        page.get_by_role("link", name="Lid uitnodigen").click()
        self.assert_accessible("invite")
        page.get_by_role("button", name="Uitnodiging versturen").click()
        # Empty form: nothing sent, and focus on the error summary, whose links lead to the fields.
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Er zijn problemen met dit formulier")
        summary.get_by_role("link", name=re.compile("E-mailadres")).click()
        expect(page.get_by_label("E-mailadres")).to_be_focused()
        self.assert_accessible("invite-errors")
        assert not Invitation.objects.exists()
        page.get_by_label("E-mailadres").fill("nieuwe.collega@example.nl")
        page.get_by_label("Rol", exact=True).select_option("member")
        page.get_by_label("Organisatie van het wijkverband", exact=True).select_option(label="Welzijn Oost")
        page.get_by_role("button", name="Uitnodiging versturen").click()
        # Back at the open invitations (below every member), the word there and focused: the page
        # came back at its top, 3,000 px above them on a phone.
        expect(page).to_have_url(re.compile(r"/t/oost/members/#invitations$"))
        done = page.locator("#invitations-done")
        expect(done).to_contain_text("De uitnodiging voor nieuwe.collega@example.nl staat klaar en wordt zo gemaild.")
        expect(done).to_be_focused()
        expect(page.get_by_role("heading", name="Openstaande uitnodigingen")).to_be_in_viewport()
        self.assert_accessible("members-after-invite")
        # Withdrawing asks first, and comes back there too.
        page.get_by_role(
            "link", name=re.compile(r"^Intrekken ?: uitnodiging voor nieuwe\.collega@example\.nl$")
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "De uitnodiging voor nieuwe.collega@example.nl intrekken?"
        )
        self.assert_accessible("invitation-withdraw")
        page.get_by_role("link", name="Nee, uitnodiging laten staan").click()
        expect(page).to_have_url(re.compile(r"/t/oost/members/#invitations$"))
        assert Invitation.objects.get().revoked_at is None
        self.screenshot("team-home-after-invite")
        invitation = Invitation.objects.get()
        assert invitation.team == world.team_a and invitation.organisation == world.social_a

    def test_invitee_creates_an_account_sets_up_totp_and_reaches_the_team(self):
        world = self.world
        _invitation, token = services.invitation_create(
            actor=world.carla,
            team=world.team_a,
            email="nina@example.nl",
            role="member",
            organisation=world.social_a,
            site_url=self.live_server_url,
        )
        page = self.page
        page.goto(self.url(f"/invitations/{token}/"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Utrecht Oost")
        self.assert_accessible("invitation")
        page.get_by_label("Je naam").fill("Nina Nieuw")
        page.get_by_label("Kies een wachtwoord").fill("een-sterk-wachtwoord-7")
        page.get_by_label("Wachtwoord (bevestigen)").fill("een-sterk-wachtwoord-7")
        page.get_by_role("button", name="Account aanmaken en lid worden").click()

        # A professional must set up a second factor before reaching any team page.
        expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
        self.assert_accessible("totp-activate")
        secret = page.locator("#authenticator_secret").input_value()
        # The key stays the same when the page is shown again (it changed on every showing, and
        # the app's codes never counted); it can be reached with Tab; on the phone itself the app
        # opens from a link; the QR code says what it is.
        page.reload()
        assert page.locator("#authenticator_secret").input_value() == secret
        expect(page.get_by_label("Of typ deze sleutel in de app")).to_be_editable(editable=False)
        expect(page.get_by_label("Of typ deze sleutel in de app")).to_be_enabled()
        link = page.get_by_role("link", name="open je authenticator-app met Wijkverband erin")
        assert link.get_attribute("href").startswith("otpauth://totp/") and secret in link.get_attribute("href")
        expect(page.get_by_role("img", name="QR-code om te scannen met je authenticator-app")).to_be_visible()
        page.get_by_label("Code uit de authenticator-app").fill(totp_code(secret))
        page.get_by_role("button", name="App toevoegen").click()
        # No second password: the recovery codes, and the way on into the team.
        expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
        self.assert_accessible("recovery-codes")
        page.get_by_role("link", name="Ga verder").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht Oost")
        page.get_by_role("link", name="Leden", exact=True).click()
        expect(page.locator("#main").get_by_text("Nina Nieuw")).to_be_visible()
        assert Membership.objects.filter(team=world.team_a, user__email="nina@example.nl").exists()

    def test_overseer_sees_every_team_of_the_region_with_completeness(self):
        self.sign_in(self.world.olga)
        page = self.page
        page.get_by_role("link", name="ROSE Utrecht").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("ROSE Utrecht")
        table = page.get_by_role("table")
        expect(table.get_by_role("link", name="Utrecht Oost")).to_be_visible()
        expect(table.get_by_role("link", name="Utrecht Zuid")).to_be_visible()
        expect(table).to_contain_text("ontbreekt:")
        self.assert_accessible("region-home")
        # Read-only on a team page: no member management.
        table.get_by_role("link", name="Utrecht Oost").click()
        expect(page.get_by_text("Alleen lezen")).to_be_visible()
        expect(page.get_by_role("link", name="Lid uitnodigen")).to_have_count(0)
        self.assert_accessible("team-home-read-only")

    def test_switching_to_english_and_back(self):
        self.sign_in(self.world.olga)
        page = self.page
        page.get_by_label("Taal").select_option("en")
        page.get_by_role("button", name="Wissel").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        self.assert_accessible("english")
        page.get_by_label("Language").select_option("nl")
        page.get_by_role("button", name="Switch").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
