"""The main pages on a 390×844 phone (and, for the screenshots, a desktop): no sideways scrolling,
the header no taller than a fifth of the screen, the page's heading and first controls within the
first screen, and axe clean. Screenshots at both sizes go to test-artifacts/PhoneLayout/ so a
reviewer can look without running anything."""

from playwright.sync_api import expect

from tests.browser.harness import ARTIFACTS, BrowserTestCase, broken_words

PAGES = [
    ("start", "/"),
    ("team-home", "/t/oost/"),
    ("members", "/t/oost/members/"),
    ("bottlenecks", "/t/oost/bottlenecks/"),
    ("agreements", "/t/oost/agreements/"),
    ("threads", "/t/oost/threads/"),
    ("my-work", "/my-work/"),
    ("wijkkaart", "/t/oost/wijkkaart/"),
    ("sociale-kaart", "/t/oost/sociale-kaart/"),
    ("welzijn-op-recept", "/t/oost/welzijn-op-recept/"),
    ("account", "/accounts/2fa/"),
    ("password", "/accounts/password/change/"),
    ("email", "/accounts/email/"),
]

PHONE = {"width": 390, "height": 844}

DESKTOP = {"width": 1280, "height": 900}


class PhoneLayout(BrowserTestCase):
    def shoot(self, name: str) -> None:
        folder = ARTIFACTS / "PhoneLayout"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def test_the_main_pages_fit_a_phone(self):
        import uuid

        from wijkverband.threads import services as threads

        # A discussion with an unread message, so the team home's panel lists it ("Algemeen (1
        # ongelezen)") and axe checks that link among text too.
        thread = threads.thread_create(actor=self.world.maarten, team=self.world.team_a, title="Algemeen")
        threads.message_post(
            actor=self.world.maarten, thread=thread, body="Goedemorgen allemaal", client_id=uuid.uuid4()
        )
        from wijkverband.tenancy.models import Membership

        maarten_in_a = Membership.objects.get(team=self.world.team_a, user=self.world.maarten)
        pages = [*PAGES, ("member-remove", f"/t/oost/members/{maarten_in_a.pk}/remove/")]
        self.sign_in(self.world.carla)
        page = self.page
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            size = "phone" if viewport is PHONE else "desktop"
            for name, path in pages:
                page.goto(self.url(path))
                expect(page.get_by_role("heading", level=1)).to_be_visible()
                self.shoot(f"{name}-{size}")
                if viewport is not PHONE:
                    continue
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], f"{path}: the page scrolls sideways ({width}px)"
                header = page.locator("header.wv-header").bounding_box()
                assert header["height"] <= PHONE["height"] / 5, f"{path}: the header is {header['height']:.0f}px tall"
                broken = broken_words(page, "h1")
                assert broken == [], f"{path}: the heading breaks inside a word: {broken}"
                heading = page.get_by_role("heading", level=1).bounding_box()
                assert heading["y"] + heading["height"] <= PHONE["height"] / 2, f"{path}: the heading starts too low"
                self.assert_accessible(f"phone-{name}")

    def test_a_role_that_needs_an_organisation_asks_for_it_on_a_phone(self):
        """The members list's role change for a client representative who becomes a member: the
        page that asks for the organisation fits a phone, passes axe, and finishes the change."""
        from wijkverband.tenancy.models import Membership

        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/t/oost/members/"))
        page.get_by_label("Rol van Rosa Vertegenwoordiger").select_option("member")
        page.get_by_role("button", name="Rol wijzigen van Rosa Vertegenwoordiger").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Rol van Rosa Vertegenwoordiger")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"
        self.shoot("member-role-phone")
        self.assert_accessible("phone-member-role")
        page.get_by_label("Organisatie").select_option(label="Welzijn Oost")
        page.get_by_role("button", name="Rol wijzigen").click()
        expect(page.locator(".wv-messages")).to_contain_text("Rosa Vertegenwoordiger")
        rosa = Membership.objects.get(team=self.world.team_a, user=self.world.rosa)
        assert (rosa.role, rosa.organisation_id) == ("member", self.world.social_a.pk)
