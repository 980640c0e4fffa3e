"""The signals' list as a representative reads it: which status filter is on (not by colour
alone), filter links a thumb can hit on a 390×844 phone, and a table that fits however long a word
in a title (axe, WCAG 2.1 A/AA and 2.2's target size)."""

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from wijkverband.signals import services

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _style(locator) -> dict:
    return locator.evaluate(
        """a => { const s = getComputedStyle(a); const box = a.getBoundingClientRect();
        return {weight: Number(s.fontWeight), bar: parseFloat(s.borderBottomWidth),
                line: s.textDecorationLine, height: box.height}; }"""
    )


class SignalStatusFilters(BrowserTestCase):
    def test_the_current_status_filter_shows_itself_and_every_filter_is_a_big_enough_target(self):
        """Found by an exploratory test: the current filter (aria-current) looked like the others,
        and the links were 16 px tall with 8 px between the rows on a phone."""
        world = self.world
        services.signal_file(actor=world.rosa, team=world.team_a, title="Lange wachttijd", text="Drie weken.")
        self.page.set_viewport_size(PHONE)
        self.sign_in(world.rosa, second_factor=False)
        page = self.page
        filters = page.get_by_role("navigation", name="Signalen per status")
        for address, current_name in (("/t/oost/signals/", "Alle (1)"), ("/t/oost/signals/?status=new", None)):
            page.goto(self.url(address))
            current = filters.locator("[aria-current=page]")
            expect(current).to_have_count(1)
            if current_name:
                expect(current).to_have_text(current_name)
            others = filters.locator("a:not([aria-current])")
            mark, plain = _style(current), _style(others.first)
            # Not by colour alone: bold, with a bar under it, where the others are neither.
            assert mark["weight"] >= 700 > plain["weight"], (mark, plain)
            assert mark["bar"] >= 2 and plain["bar"] == 0, (mark, plain)
            for link in filters.get_by_role("link").all():
                assert _style(link)["height"] >= 24, link.text_content()
            self.assert_accessible(f"signals {address}", target_size=True)


class ALongWordInATitle(BrowserTestCase):
    """Found by an exploratory test: a signal titled with one word of 200 letters made the signals'
    table 2,932 px wide on a desktop, and cut it off on a phone."""

    WORD = "Ö" * 200

    def fits(self, viewport: dict, address: str, what: str) -> None:
        page = self.page
        page.set_viewport_size(viewport)
        page.goto(self.url(address))
        expect(page.get_by_text(self.WORD).first).to_be_visible()
        widths = page.evaluate(
            """sel => ({page: document.documentElement.scrollWidth,
                box: document.querySelector('main').getBoundingClientRect().width,
                widest: Math.max(0, ...[...document.querySelectorAll(sel)].map(e => e.scrollWidth))})""",
            what,
        )
        assert widths["page"] <= viewport["width"], (address, viewport, widths)
        assert widths["widest"] <= widths["box"], (address, viewport, widths)

    def test_the_signals_table_and_the_bottlenecks_table_fit_on_a_desktop_and_a_phone(self):
        from wijkverband.bottlenecks import services as bottlenecks
        from wijkverband.bottlenecks.models import Category, Impact

        world = self.world
        signal = services.signal_file(actor=world.rosa, team=world.team_a, title=self.WORD, text="Te lang.")
        bottlenecks.bottleneck_report(
            actor=world.maarten,
            team=world.team_a,
            title=self.WORD,
            description="Een woord zonder einde.",
            category=Category.objects.get(team=None, key="medicatie"),
            impact=Impact.HIGH,
            affected_kinds=["apotheek"],
        )
        self.sign_in(world.carla)
        for viewport in (DESKTOP, PHONE):
            self.fits(viewport, "/t/oost/signals/", "table, .utrecht-table-container")
            self.fits(viewport, f"/t/oost/signals/{signal.pk}/", "h1")
            self.fits(viewport, "/t/oost/bottlenecks/", "table, .utrecht-table-container")
        self.assert_accessible("a long word")
