"""A member made client representative: the question before says what he lets go, on a phone, with
and without JavaScript (tests/tenancy/test_role_change.py holds the words)."""

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase

PHONE = {"width": 390, "height": 844}


class RoleChangeQuestion(BrowserTestCase):
    def _maarten_owns_a_bottleneck(self):
        from tests.bottlenecks.helpers import report
        from wijkverband.bottlenecks import services as bottlenecks

        b = report(self.world, title="Van Maarten")
        bottlenecks.bottleneck_ask_owner(
            actor=self.world.maarten, bottleneck=b, version=b.version, candidate=self.world.maarten
        )

    def _ask_and_answer(self, page):
        from wijkverband.tenancy.models import Membership

        maarten = Membership.objects.get(team=self.world.team_a, user=self.world.maarten)
        page.goto(self.url("/t/oost/members/"))
        page.locator(f"#role-{maarten.pk}").select_option("client_representative")
        page.get_by_role("button", name="Rol wijzigen van Maarten Lid").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Maarten Lid cliëntvertegenwoordiger maken?")
        expect(page.locator("main")).to_contain_text("Eigenaar van 1 open knelpunt")
        assert Membership.objects.get(pk=maarten.pk).role == Membership.Role.MEMBER
        return maarten

    def test_the_question_before_a_role_that_owns_nothing_on_a_phone(self):
        from wijkverband.tenancy.models import Membership

        self._maarten_owns_a_bottleneck()
        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        maarten = self._ask_and_answer(page)
        self.assert_accessible("role-change-question", target_size=True)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"the question scrolls sideways on a phone: {width}"
        page.get_by_role("button", name="Ja, rol wijzigen").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert Membership.objects.get(pk=maarten.pk).role == Membership.Role.CLIENT_REPRESENTATIVE

    def test_the_question_works_without_javascript(self):
        from wijkverband.tenancy.models import Membership

        self._maarten_owns_a_bottleneck()
        context, page = self.second_browser(self.world.carla, java_script_enabled=False)
        try:
            maarten = self._ask_and_answer(page)
            page.get_by_role("button", name="Ja, rol wijzigen").click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert Membership.objects.get(pk=maarten.pk).role == Membership.Role.CLIENT_REPRESENTATIVE
        finally:
            context.close()
