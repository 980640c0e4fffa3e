"""The region's wide tables on a desktop (1366×900) and a phone (390×844), as an overseer reads
them: every column's header in sight, or a line saying the table scrolls sideways (on a phone the
tables stack: a block per row, its cells labelled); the column names close under the table's
heading, not below a tall blank band; axe on each page.

At 1366 px the dashboard's overview was 1,836 px in a 1,120 px box, its last six columns out of
sight with no word that there were more (the line was for phones only), and its visible names stood
90 px under the heading, below the wrapped names of the hidden columns."""

from tests.bottlenecks.helpers import report
from tests.browser.harness import BrowserTestCase

#: For each table's box: its name, whether the line before it that says to scroll is shown, the
#: column headers that lie (partly) outside the box or the window, and how far the first column's
#: name stands below the top of the table.
_TABLES = """
() => [...document.querySelectorAll(".utrecht-table-container")].map((box) => {
  const table = box.querySelector("table");
  const name = table.dataset.table || table.querySelector("caption")?.textContent.trim() || "";
  const hint = box.previousElementSibling;
  const hinted = !!hint && hint.classList.contains("wv-scroll-hint") && hint.checkVisibility()
    && hint.getBoundingClientRect().height > 0;
  // A box whose table is blocks (a phone, a tablet) is no box (display: contents): the table's edge.
  const frame = getComputedStyle(box).display === "contents" ? table : box;
  const edge = Math.min(frame.getBoundingClientRect().right, document.documentElement.clientWidth);
  const headers = [...table.querySelectorAll("thead th")];
  const hidden = headers.filter((th) => th.getBoundingClientRect().right > edge + 1).map((th) => th.textContent.trim());
  const first = headers[0]?.querySelector("span") || headers[0];
  const gap = first ? first.getBoundingClientRect().top - table.querySelector("thead").getBoundingClientRect().top : 0;
  return {name, hinted, hidden, gap: Math.round(gap), stacked: table.classList.contains("wv-table--stacked")};
})
"""


class WideTablesOnADesktop(BrowserTestCase):
    viewport = {"width": 1366, "height": 900}
    #: the most blank space above the first column's name in the table's header row
    most_gap = 24

    def setUp(self):
        super().setUp()
        self.page.set_viewport_size(self.viewport)
        report(self.world, title="Avonddienst wijkverpleging onderbezet")

    def tables(self, path: str, name: str) -> list[dict]:
        self.page.goto(self.url(path))
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(300)  # app.js marks the boxes that scroll
        self.assert_accessible(name)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{name}: the page scrolls sideways ({width}px)"
        return self.page.evaluate(_TABLES)

    def test_every_column_is_in_sight_or_the_table_says_it_scrolls(self):
        self.sign_in(self.world.olga)
        for path, name in (("/r/utrecht/dashboard/", "dashboard"), ("/r/utrecht/", "region home")):
            tables = self.tables(path, name)
            assert tables, name
            for table in tables:
                assert not table["hidden"] or table["hinted"], (
                    f"{name}, {table['name']}: {table['hidden']} out of sight, and nothing says the table scrolls"
                )
                if table["stacked"] and self.viewport["width"] < 640:
                    continue  # a block per row on a phone: no header row in sight
                assert table["gap"] <= self.most_gap, (
                    f"{name}, {table['name']}: the first column's name {table['gap']}px under the table's top"
                )

    def test_the_line_goes_when_the_window_grows_to_fit_the_table(self):
        """On a resize app.js looks again: the line is up only while the box scrolls. The overview
        scrolls on a desktop (1366 px); on a tablet (1024 px) and a phone each team is a block of
        labelled figures (test_dashboard_tablet.py, test_dashboard_phone.py), nothing to scroll."""
        self.sign_in(self.world.olga)
        self.page.goto(self.url("/r/utrecht/dashboard/"))
        for width, scrolls in ((1366, True), (1024, False), (390, False), (1366, True)):
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.wait_for_timeout(400)
            teams = next(t for t in self.page.evaluate(_TABLES) if t["name"] == "teams")
            assert teams["hinted"] is scrolls, (width, teams)
            assert bool(teams["hidden"]) is scrolls, (width, teams)


class WideTablesOnAPhone(WideTablesOnADesktop):
    viewport = {"width": 390, "height": 844}


class TheOverviewOnADesktop(BrowserTestCase):
    def test_the_overviews_figures_are_in_sight_and_its_teams_stay_so_while_it_scrolls(self):
        """The overview is wider than the page on a desktop. Its plugged-in columns (wijkkaart,
        sociale kaart, …) stood before its figures and put every figure after "Te laat" out of
        sight; scrolled to them, the teams' names went out of sight on the left."""
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.sign_in(self.world.olga)
        page = self.page
        page.goto(self.url("/r/utrecht/dashboard/"))
        teams = page.locator("table[data-table=teams]")
        box = page.locator(".utrecht-table-container").filter(has=teams)
        edge = box.bounding_box()
        right = edge["x"] + edge["width"]
        for name in ("Open knelpunten", "Te laat", "Wachtende opschalingen", "Opschalingen te laat"):
            header = teams.locator("thead th").filter(has_text=name).first.bounding_box()
            assert header["x"] + header["width"] <= right, f"{name} out of sight"
        assert box.evaluate("(box) => { box.scrollLeft = box.scrollWidth; return box.scrollLeft; }") > 200
        team = teams.locator("tbody th").first
        where = team.bounding_box()
        assert where["x"] >= edge["x"] - 1, where
        assert team.evaluate(
            "(th) => { const r = th.getBoundingClientRect();"
            " return th.contains(document.elementFromPoint(r.left + 8, r.top + r.height / 2)); }"
        ), "the team's name is covered or gone"
