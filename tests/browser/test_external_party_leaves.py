"""An external party (Ines, the insurer's account) leaves the team itself, from its agreements list,
on a phone and without JavaScript; the question says that the insurer's consent is a coordinator's to
record after her (tests/tenancy/test_external_party_leaving.py and
tests/agreements/test_external_party_consent_falls.py hold the words and the notices)."""

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase

PHONE = {"width": 390, "height": 844}


class ExternalPartyLeaves(BrowserTestCase):
    def _waiting_for_the_insurer(self):
        from tests.agreements.conftest import version_data
        from wijkverband.agreements import services
        from wijkverband.agreements.models import PartyKind

        world = self.world
        agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
        services.party_add_external(
            actor=world.carla, agreement=agreement, kind=PartyKind.INSURER, name=world.insurer.name
        )
        services.agreement_propose(actor=world.carla, agreement=agreement)

    def _ask(self, page):
        page.goto(self.url("/t/oost/agreements/"))
        page.get_by_role("link", name="Utrecht Oost verlaten", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht Oost verlaten?")
        expect(page.locator("main")).to_contain_text("die daarna een coördinator vastlegt")

    def _still_in(self) -> bool:
        from wijkverband.tenancy.models import Membership

        return Membership.objects.filter(team=self.world.team_a, user=self.world.ines).exists()

    def test_the_question_on_a_phone(self):
        self._waiting_for_the_insurer()
        self.sign_in(self.world.ines)
        page = self.page
        page.set_viewport_size(PHONE)
        self._ask(page)
        self.assert_accessible("external-party-leave-question", target_size=True)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"the question scrolls sideways on a phone: {width}"
        # "Nee, blijven" leads back to her agreements, not to the members page (a 404 to her).
        page.get_by_role("link", name="Nee, blijven").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Samenwerkingsafspraken")
        assert self._still_in()

    def test_leaving_works_without_javascript(self):
        self._waiting_for_the_insurer()
        context, page = self.second_browser(self.world.ines, java_script_enabled=False)
        try:
            self._ask(page)
            page.get_by_role("button", name="Ja, het wijkverband verlaten").click()
            expect(page.locator("main")).to_contain_text("Je hebt Utrecht Oost verlaten.")
            assert not self._still_in()
        finally:
            context.close()
