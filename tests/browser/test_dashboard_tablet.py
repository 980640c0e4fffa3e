"""The region's dashboard and its report for the board on a tablet (768×1024 in portrait, 1024×768
a small laptop or a tablet on its side) and on a 390×844 phone, as an overseer reads them: nothing
scrolls sideways, not the page and not a table in its box; each team's overview figures in sight
with their names. A desktop (1366) and paper keep the overview a table with its column headers.

Between 640 and about 1,280 px the overview (1,540 px wide) and the agreements per team (1,070 px)
scrolled sideways in their boxes, a team's last figures out of sight behind a line saying so, and
their short column names ("Voldoet niet") whole only on a mouse's hover, which a tablet has not.

Also the table boxes' tab stops without JavaScript: a box whose rows hold links is reached through
them (axe's scrollable-region-focusable asks for focusable content or a focusable box), and a box
that is no table there (each row a block) is no tab stop; with JavaScript a box is a tab stop only
while it scrolls."""

import re

from playwright.sync_api import expect

from tests.bottlenecks.helpers import report
from tests.browser.harness import ARTIFACTS, BrowserTestCase
from wijkverband.bottlenecks import services

PHONE = {"width": 390, "height": 844}
PORTRAIT = {"width": 768, "height": 1024}
LANDSCAPE = {"width": 1024, "height": 768}
DESKTOP = {"width": 1366, "height": 900}

#: The page's width, every table box that scrolls sideways, every tab stop that is a table's box
#: (with whether it scrolls), and every table cell past the window's right edge.
_LAYOUT = """
() => {
  const edge = document.documentElement.clientWidth;
  const boxes = [...document.querySelectorAll(".utrecht-table-container")];
  const scrolls = (box) => box.scrollWidth > box.clientWidth + 1;
  const name = (box) => box.querySelector("table")?.dataset.table || box.querySelector("caption")?.textContent.trim();
  return {
    page: document.documentElement.scrollWidth,
    scrolling: boxes.filter(scrolls).map((box) => `${name(box)}: ${box.scrollWidth} in ${box.clientWidth}`),
    stops: boxes.filter((box) => box.tabIndex >= 0 && box.checkVisibility())
      .map((box) => ({name: name(box), scrolls: scrolls(box), linked: !!box.querySelector("a[href]")})),
    out: [...document.querySelectorAll("main tbody th, main tbody td")]
      .filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > edge + 1)
      .map((el) => el.textContent.trim().slice(0, 40)),
  };
}
"""

#: The tab stops from the top of the page to its end that are table boxes (Tab pressed until the
#: focus comes back round).
_TAB_THROUGH_BOXES = 200


class DashboardOnATablet(BrowserTestCase):
    viewport = PORTRAIT

    def setUp(self):
        super().setUp()
        world = self.world
        report(world, title="Avonddienst wijkverpleging onderbezet")
        report(world, title="Nieuw knelpunt in Zuid", actor=world.bram, team=world.team_b)
        waiting = report(world, title="Geen vervanging bij ziekte van de praktijkondersteuner")
        services.bottleneck_escalate(
            actor=world.carla, bottleneck=waiting, version=waiting.version, reason="Wij komen er samen niet uit."
        )

    def layout(self, page=None) -> dict:
        return (page or self.page).evaluate(_LAYOUT)

    def assert_fits(self, name: str, width: int, page=None) -> None:
        found = self.layout(page)
        assert found["page"] <= width, f"{name}: the page scrolls sideways ({found['page']}px)"
        assert not found["scrolling"], f"{name}: tables scroll sideways in their boxes: {found['scrolling']}"
        assert not found["out"], f"{name}: past the window's right edge: {found['out']}"

    def assert_team_figures_read(self, name: str, width: int, page=None) -> None:
        """Utrecht Oost's overview figures in sight, each with its whole name (no hover needed)."""
        page = page or self.page
        row = page.locator("table[data-table='teams'] > tbody > tr").filter(has_text="Utrecht Oost")
        expect(row.locator("th")).to_have_text("Utrecht Oost")
        for label, value in (
            ("Gemeente", "Utrecht"),
            ("Open knelpunten", "2"),
            ("Opschalingen te laat", "0"),
            ("Voldoet niet aan een verantwoordingsregel", "0"),
        ):
            cell = row.locator("td").filter(has_text=re.compile(rf"^\s*{re.escape(label)}:\s*{value}\s*$"))
            expect(cell, f"{name}: {label}").to_be_visible()
            box = cell.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= width, (name, label, box)

    def shoot(self, name: str) -> None:
        folder = ARTIFACTS / "DashboardOnATablet"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def test_the_dashboard_and_the_report_fit_a_tablet_and_a_phone(self):
        self.sign_in(self.world.olga)
        page = self.page
        for size in (PORTRAIT, LANDSCAPE, PHONE):
            page.set_viewport_size(size)
            for path, name in (("/r/utrecht/dashboard/", "dashboard"), ("/r/utrecht/dashboard/report/", "report")):
                label = f"{name} at {size['width']}"
                page.goto(self.url(path))
                page.wait_for_timeout(300)  # app.js marks the boxes that scroll
                self.assert_fits(label, size["width"])
                self.assert_team_figures_read(label, size["width"])
                # No line says to scroll, and no box is a tab stop: none scrolls.
                for hint in page.get_by_text("Schuif de tabel opzij voor meer kolommen.").all():
                    expect(hint).to_be_hidden()
                assert self.layout()["stops"] == [], label
                self.assert_accessible(label.replace(" ", "-"))
                self.shoot(label.replace(" ", "-"))

    def test_the_tables_that_fit_a_tablet_stay_tables(self):
        """Only what is wider than a tablet turns into blocks: the age of the open bottlenecks per
        team (six columns) reads as a table with its headers at 768 px."""
        self.sign_in(self.world.olga)
        page = self.page
        page.goto(self.url("/r/utrecht/dashboard/"))
        age = page.locator("table[data-table='age']")
        assert age.evaluate("t => getComputedStyle(t).display") == "table"
        expect(age.get_by_role("columnheader", name="Ouder dan 90 dagen")).to_be_visible()

    def test_a_desktop_and_paper_keep_the_overview_a_table(self):
        self.sign_in(self.world.olga)
        page = self.page
        page.set_viewport_size(DESKTOP)
        page.goto(self.url("/r/utrecht/dashboard/"))
        teams = page.locator("table[data-table='teams']")
        assert teams.evaluate("t => getComputedStyle(t).display") == "table"
        expect(teams.get_by_role("columnheader", name="Open knelpunten", exact=True)).to_be_visible()
        # The report on a tablet's paper (its print at a tablet's width): a table, its headers above.
        page.set_viewport_size(PORTRAIT)
        page.goto(self.url("/r/utrecht/dashboard/report/"))
        page.emulate_media(media="print")
        for key in ("teams", "agreements"):
            table = page.locator(f"table[data-table='{key}']")
            assert table.evaluate("t => getComputedStyle(t).display") == "table", key
            assert table.locator("thead").evaluate("h => getComputedStyle(h).position") != "absolute", key

    def test_with_javascript_a_box_is_a_tab_stop_only_while_it_scrolls(self):
        """At 1366 the overview is still wider than the page's 1,120 px: its box scrolls, with the
        line above it, and is a tab stop; the other tables fit and their boxes are not."""
        self.sign_in(self.world.olga)
        page = self.page
        page.set_viewport_size(DESKTOP)
        page.goto(self.url("/r/utrecht/dashboard/"))
        page.wait_for_timeout(300)
        stops = self.layout()["stops"]
        assert [(stop["name"], stop["scrolls"]) for stop in stops] == [("teams", True)], stops
        page.set_viewport_size(LANDSCAPE)
        page.wait_for_timeout(400)
        assert self.layout()["stops"] == []

    def test_without_javascript_no_box_is_a_tab_stop_where_it_does_not_scroll(self):
        """Without script nothing marks the boxes that scroll: a box whose rows link to the team is
        reached through those links (Tab to one, then the arrow keys scroll the box); a table that
        fits at every width (the categories) needs none; a table wider than a tablet with no link
        inside (the report's overview) keeps its box's stop where it is a table (Safari makes no
        scrolling box focusable by itself), not where its rows are blocks."""
        self.sign_in(self.world.olga)
        for size in (PHONE, PORTRAIT, DESKTOP):
            context = self.browser.new_context(locale="nl-NL", viewport=size, java_script_enabled=False)
            try:
                context.add_cookies(self.context.cookies())
                page = context.new_page()
                for path in ("/r/utrecht/dashboard/", "/r/utrecht/dashboard/report/"):
                    label = f"{path} at {size['width']} without script"
                    page.goto(self.url(path))
                    expect(page.get_by_role("heading", level=1)).to_be_visible()
                    stops = self.layout(page)["stops"]
                    if size is DESKTOP and path.endswith("report/"):
                        # Its overview scrolls, and no link inside leads to it: its box is the stop.
                        assert {"name": "teams", "scrolls": True, "linked": False} in stops, (label, stops)
                        assert {stop["name"] for stop in stops} <= {"teams", "agreements", "waiting"}, (label, stops)
                        continue
                    assert stops == [], (label, stops)
                    if size is DESKTOP:
                        continue  # the overview is still wider than a desktop's page, and scrolls in its box
                    self.assert_fits(label, size["width"], page)
                    self.assert_team_figures_read(label, size["width"], page)
                # The overview's box scrolls on a desktop: Tab reaches a team's link inside it, and the
                # arrow keys scroll the box from there.
                if size is DESKTOP:
                    page.goto(self.url("/r/utrecht/dashboard/"))
                    box = page.locator(".utrecht-table-container", has=page.locator("table[data-table='teams']"))
                    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
                    link = box.get_by_role("link", name="Utrecht Oost")
                    for _ in range(_TAB_THROUGH_BOXES):
                        page.keyboard.press("Tab")
                        if link.evaluate("a => a === document.activeElement"):
                            break
                    else:
                        raise AssertionError("Tab never reached the overview's first team")
                    page.keyboard.press("ArrowRight")
                    page.wait_for_timeout(300)
                    assert box.evaluate("b => b.scrollLeft") > 0
            finally:
                context.close()
