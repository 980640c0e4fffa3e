"""The region's dashboard, its report for the board and a team's Welzijn op Recept figures on a
390×844 phone, as an overseer (or a coordinator) reads them: each team (each month) a block of
labelled figures, nothing wider than the phone, with and without JavaScript; on a desktop the same
figures stay a table with its column headers.

On a phone the dashboard's overview was a 1,500 px table scrolling sideways in its box: the figures
of a team stood up to four screens to the right of its name, and each of the other tables scrolled
the same way; so did the monthly referral figures."""

import re

from playwright.sync_api import expect

from tests.bottlenecks.helpers import report
from tests.browser.harness import ARTIFACTS, BrowserTestCase, broken_words
from tests.referrals.conftest import counts, months_ago

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: Every table box on the page that is wider inside than it shows (scrolls sideways), the page's own
#: width, and every chart or table cell that reaches past the window's right edge.
_OVERFLOW = """
() => {
  const edge = document.documentElement.clientWidth;
  const boxes = [...document.querySelectorAll(".utrecht-table-container")]
    .filter((box) => box.scrollWidth > box.clientWidth + 1)
    .map((box) => `${box.querySelector("table")?.dataset.table || box.querySelector("caption")?.textContent.trim()}: `
      + `${box.scrollWidth} in ${box.clientWidth}`);
  const out = [...document.querySelectorAll("main img, main tbody th, main tbody td, main tfoot th, main tfoot td")]
    .filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > edge + 1)
    .map((el) => `${el.tagName} ${el.textContent.trim().slice(0, 40) || el.getAttribute("alt")?.slice(0, 40)}`);
  return {page: document.documentElement.scrollWidth, boxes, out};
}
"""


class DashboardOnAPhone(BrowserTestCase):
    def setUp(self):
        super().setUp()
        report(self.world, title="Avonddienst wijkverpleging onderbezet")
        report(self.world, title="Nieuw knelpunt in Zuid", actor=self.world.bram, team=self.world.team_b)

    def shoot(self, name: str) -> None:
        folder = ARTIFACTS / "DashboardOnAPhone"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def assert_fits(self, name: str, page=None) -> None:
        found = (page or self.page).evaluate(_OVERFLOW)
        assert found["page"] <= PHONE["width"], f"{name}: the page scrolls sideways ({found['page']}px)"
        assert not found["boxes"], f"{name}: tables scroll sideways in their boxes: {found['boxes']}"
        assert not found["out"], f"{name}: past the phone's right edge: {found['out']}"

    def assert_team_figures_read(self, page, name: str) -> None:
        """Utrecht Oost's figures in the overview, each in sight on the phone with its label."""
        row = page.locator("table[data-table='teams'] > tbody > tr").filter(has_text="Utrecht Oost")
        expect(row).to_have_count(1)
        expect(row.locator("th")).to_have_text("Utrecht Oost")
        expect(row.locator("th")).to_be_visible()
        for label, value in (
            ("Gemeente", "Utrecht"),
            ("Open knelpunten", "1"),
            ("Te laat", "0"),
            ("Opschalingen te laat", "0"),
            ("Voldoet niet aan een verantwoordingsregel", "0"),
        ):
            cell = row.locator("td").filter(has_text=re.compile(rf"^\s*{re.escape(label)}:\s*{value}\s*$"))
            expect(cell, f"{name}: {label}").to_have_count(1)
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], (name, label, box)

    def test_the_dashboard_reads_team_by_team_on_a_phone_without_scrolling_sideways(self):
        self.sign_in(self.world.olga)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/r/utrecht/dashboard/"))
        page.wait_for_timeout(300)  # app.js marks the boxes that scroll
        self.assert_fits("dashboard")
        self.assert_team_figures_read(page, "dashboard")
        # Each team's name heads its figures: the first line of its block, in bold.
        name = page.locator("table[data-table='teams'] > tbody > tr > th").first
        assert name.evaluate("th => getComputedStyle(th).fontWeight") in ("600", "700", "bold")
        # No line says to scroll a table that does not scroll, and no box that does not scroll is a tab stop.
        hints = page.get_by_text("Schuif de tabel opzij voor meer kolommen.").all()
        assert len(hints) >= 5
        for hint in hints:
            expect(hint).to_be_hidden()
        expect(page.locator(".utrecht-table-container[tabindex]")).to_have_count(0)
        # Every chart is drawn for the phone and within it.
        charts = page.locator(".wv-dash-chart img")
        assert charts.count() >= 5
        for chart in charts.all():
            assert chart.evaluate("img => img.naturalWidth") <= PHONE["width"]
        self.assert_accessible("dashboard-phone")
        self.shoot("dashboard-phone")
        # What the phone's screen shows at the overview, for a reviewer's eye.
        page.evaluate("window.scrollTo({top: document.getElementById('table-teams').offsetTop, behavior: 'instant'})")
        page.screenshot(path=str(ARTIFACTS / "DashboardOnAPhone" / "dashboard-phone-overview.png"))

        # The report for the board, on the phone's screen: the same.
        page.get_by_role("link", name=re.compile("Rapportage voor het bestuur")).click()
        page.wait_for_timeout(300)
        self.assert_fits("report")
        self.assert_team_figures_read(page, "report")
        self.assert_accessible("report-phone")

    def test_without_javascript_too(self):
        self.sign_in(self.world.olga)  # with script: the second factor's form needs none, the header's menu does
        context = self.browser.new_context(locale="nl-NL", viewport=PHONE, java_script_enabled=False)
        try:
            context.add_cookies(self.context.cookies())
            page = context.new_page()
            page.goto(self.url("/r/utrecht/dashboard/"))
            expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
            self.assert_fits("dashboard without script", page)
            self.assert_team_figures_read(page, "dashboard without script")
            for hint in page.get_by_text("Schuif de tabel opzij voor meer kolommen.").all():
                expect(hint).to_be_hidden()
        finally:
            context.close()

    def test_on_a_desktop_the_figures_are_a_table_with_column_headers(self):
        self.sign_in(self.world.olga)
        page = self.page
        page.set_viewport_size(DESKTOP)
        page.goto(self.url("/r/utrecht/dashboard/"))
        teams = page.get_by_role("table", name="De wijkverbanden in één oogopslag (nu)")
        assert teams.evaluate("t => getComputedStyle(t).display") == "table"
        expect(teams.get_by_role("columnheader", name="Open knelpunten", exact=True)).to_be_visible()
        expect(teams.get_by_role("columnheader", name="Voldoet niet aan een verantwoordingsregel")).to_be_attached()
        expect(teams.get_by_role("rowheader", name="Utrecht Oost")).to_be_visible()
        # The labels the phone shows in each cell are not shown (nor read) beside the headers.
        for label in teams.locator(".wv-cell-label").all():
            expect(label).to_be_hidden()
        # The rows' names keep their words ("Medicati|e" broke when the tables took the phone's blocks).
        assert broken_words(page, "table.wv-dash-table > tbody > tr > th") == []
        row = teams.locator("tbody > tr").filter(has_text="Utrecht Oost")
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        self.assert_accessible("dashboard-desktop")
        self.shoot("dashboard-desktop")

    def test_a_teams_welzijn_op_recept_figures_read_month_by_month_on_a_phone(self):
        world = self.world
        counts(world, month=months_ago(2), referrals=6, intakes=5, feedback=3)
        counts(world, month=months_ago(1), referrals=4, intakes=2, feedback=1)
        self.sign_in(world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/t/oost/welzijn-op-recept/"))
        page.wait_for_timeout(300)
        self.assert_fits("referrals")
        total = page.get_by_role("table", name="Alle verwijzende organisaties samen, per maand")
        row = total.locator("tfoot > tr")
        for label, value in (("Verwijzingen", "10"), ("Intakes gehouden", "7"), ("Terugkoppeling gegeven", "4")):
            cell = row.locator("td").filter(has_text=re.compile(rf"^\s*{label}:\s*{value}\s*$"))
            expect(cell, label).to_be_visible()
        expect(page.locator(".utrecht-table-container[tabindex]")).to_have_count(0)
        self.assert_accessible("referrals-phone")
        self.shoot("referrals-phone")
        page.evaluate(
            "window.scrollTo({top: document.getElementById('total-heading').offsetTop + 700, behavior: 'instant'})"
        )
        page.screenshot(path=str(ARTIFACTS / "DashboardOnAPhone" / "referrals-phone-total.png"))
        # On a desktop a table with its headers.
        page.set_viewport_size(DESKTOP)
        expect(total.get_by_role("columnheader", name="Verwijzingen")).to_be_visible()
        for label in total.locator(".wv-cell-label").all():
            expect(label).to_be_hidden()
