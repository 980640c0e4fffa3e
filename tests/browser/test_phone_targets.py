"""Small targets and the footer on a 390×844 phone, measured: found by an exploratory test that
axe passed only by its spacing exception (WCAG 2.5.8's 24 px, met by the space around them)."""

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class PhoneTargets(BrowserTestCase):
    def _heights(self, locator, count: int | None = None) -> list[tuple[str, float]]:
        """(text, height) of each element `locator` finds (at least one, or exactly `count`)."""
        if count is None:
            expect(locator.first).to_be_visible()
        else:
            expect(locator).to_have_count(count)
        return [
            (" ".join(locator.nth(i).inner_text().split()), locator.nth(i).bounding_box()["height"])
            for i in range(locator.count())
        ]

    def test_links_and_disclosures_of_one_line_are_at_least_24_px_tall_on_a_phone(self):
        """Were 16 px: the members' "Verwijderen", the breadcrumb, "Naar je startpagina", the team
        home's links by status and category, the search's "Filters", an agreement's "Deze afspraak
        beëindigen"."""
        from tests.agreements.conftest import version_data
        from wijkverband.agreements import services as agreements
        from wijkverband.bottlenecks import services as bottlenecks
        from wijkverband.bottlenecks.models import Category, Impact
        from wijkverband.tenancy import services as tenancy

        world = self.world
        bottlenecks.bottleneck_report(
            actor=world.maarten,
            team=world.team_a,
            title="Geen plek bij de huisarts",
            description="Nieuwe inwoners vinden geen huisarts.",
            category=Category.objects.get(team=None, key="medicatie"),
            impact=Impact.HIGH,
            affected_kinds=["apotheek"],
        )
        agreement = agreements.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        _invitation, token = tenancy.invitation_create(
            actor=world.carla,
            team=world.team_a,
            email="sanne@example.nl",
            role="member",
            organisation=world.social_a,
            site_url=self.live_server_url,
        )
        self.sign_in(world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        main = page.locator("main")
        targets = []
        page.goto(self.url("/t/oost/members/"))
        targets += self._heights(main.locator(".wv-member").get_by_role("link", name="Verwijderen"))
        targets += self._heights(main.get_by_role("navigation", name="Kruimelpad").get_by_role("link"), 1)
        page.goto(self.url("/t/oost/"))
        panel = main.locator("section", has=page.get_by_role("heading", name="Knelpunten", level=2))
        targets += self._heights(panel.get_by_role("table", name="Per status").get_by_role("link"))
        targets += self._heights(panel.get_by_role("table", name="Open, per categorie").get_by_role("link"), 1)
        page.goto(self.url("/search/"))
        targets += self._heights(main.locator("summary", has_text="Filters"), 1)
        page.goto(self.url(f"/t/oost/agreements/{agreement.pk}/"))
        targets += self._heights(main.locator("summary", has_text="Deze afspraak beëindigen"), 1)
        self.assert_accessible("agreement", target_size=True)
        # Someone signed in opening another's invitation: sign out, or on to their start page.
        page.goto(self.url(f"/invitations/{token}/"))
        targets += self._heights(main.get_by_role("link", name="Naar je startpagina"), 1)
        self.assert_accessible("invitation-problem", target_size=True)
        small = [(text, height) for text, height in targets if height < 24]
        assert not small, small

    def test_the_footers_language_choice_lines_up_with_the_rest_of_the_footer(self):
        """Found by an exploratory test: "Taal" and its select began at 66 px on a phone, the
        footer's text at 16 px, on every page (the footer's grid centred the form)."""
        page = self.page
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            page.goto(self.url("/accounts/login/"))
            footer = page.locator("footer")
            text = footer.locator("p").first.bounding_box()
            label = footer.get_by_text("Taal", exact=True).bounding_box()
            select = footer.get_by_label("Taal").bounding_box()
            assert abs(label["x"] - text["x"]) <= 1, (viewport, label, text)
            # On one line with its select and button on a phone too (the select took a line of its own).
            assert select["y"] <= label["y"] <= select["y"] + select["height"], (viewport, label, select)
        self.assert_accessible("footer")
