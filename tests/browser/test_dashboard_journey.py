"""The region dashboard in a browser: the overseer opens it from the region home, changes the
period, reads a chart's table, downloads a table as CSV and XLSX, opens the printable report for
the board, and answers an escalation past the region's target, which then shows on the team's item
for its owner. On a desktop (1280) and on a 390×844 phone, every page passing axe (WCAG 2.1 A/AA)
without sideways scrolling.
"""

import io
import re
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.bottlenecks.helpers import report
from tests.browser.harness import BrowserTestCase, broken_words
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck


class DashboardJourney(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def person(self, user):
        context = self.browser.new_context(locale="nl-NL", viewport=self.viewport, accept_downloads=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        first = self.page
        self.page = page
        try:
            self.sign_in(user)
        finally:
            self.page = first
        return context, page

    def check(self, page, name: str) -> None:
        first = self.page
        self.page = page
        try:
            self.assert_accessible(name)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= self.viewport["width"], f"{name}: the page scrolls sideways ({width}px)"
        finally:
            self.page = first

    def test_the_overseer_steers_from_the_dashboard_and_answers_an_overdue_escalation(self):
        world = self.world
        b = report(world, title="Avonddienst wijkverpleging onderbezet")
        b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
        b = services.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
        b = services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regionaal")
        # Escalated three weeks ago: well past the region's answer target of five working days.
        Bottleneck.objects.filter(pk=b.pk).update(escalated_at=timezone.now() - timedelta(days=21))
        report(world, title="Nieuw knelpunt in Zuid", actor=world.bram, team=world.team_b)

        olga_context, olga = self.person(world.olga)
        olga.goto(self.url("/r/utrecht/"))
        olga.get_by_role("link", name=re.compile("Open het dashboard")).click()
        expect(olga.get_by_role("heading", level=1)).to_have_text("Dashboard van ROSE Utrecht")
        self.check(olga, "dashboard")
        # No word in the tables breaks over two lines ("vermel|dingen" did on a desktop).
        broken = broken_words(olga, ".utrecht-table__cell")
        assert broken == [], f"words broken in the dashboard's tables: {broken}"

        # The escalation past the target comes first, marked.
        waiting = olga.get_by_role("table", name=re.compile("Opschalingen die op een antwoord wachten"))
        first_row = waiting.get_by_role("row").nth(1)
        expect(first_row).to_contain_text("Avonddienst wijkverpleging onderbezet")
        # A cell's text ends in its value: on a phone its column's name stands before it ("Te laat: ja").
        expect(first_row.get_by_role("cell").last).to_have_text(re.compile(r"(^|: )ja$"))  # past the target

        # Another period: the select keeps it, the links follow it.
        year = str(timezone.localdate().year)
        olga.get_by_label("Periode").select_option(year)
        olga.get_by_role("button", name="Tonen").click()
        expect(olga).to_have_url(re.compile(rf"period={year}"))
        expect(olga.get_by_label("Periode")).to_have_value(year)

        # A chart and, below it, its table with the same numbers.
        expect(
            olga.get_by_role("img", name=re.compile("Open knelpunten per wijkverband naar leeftijd"))
        ).to_be_visible()
        ages = olga.get_by_role("table", name="Open knelpunten per wijkverband naar leeftijd (nu)")
        oost = ages.get_by_role("row", name=re.compile("Utrecht Oost"))
        expect(oost.get_by_role("cell").nth(0)).to_have_text(re.compile(r"(^|: )1$"))  # under 30 days
        expect(oost.get_by_role("cell").nth(3)).to_have_text(re.compile(r"(^|: )1$"))  # open

        # Its table as a CSV that Dutch Excel opens in columns, and as XLSX.
        with olga.expect_download() as download:
            olga.get_by_role("link", name="CSV van Open knelpunten per wijkverband naar leeftijd (nu)").click()
        body = open(download.value.path(), encoding="utf-8").read()
        assert body.startswith("\ufeffWijkverband;Jonger dan 30 dagen;")
        assert "Utrecht Oost;1;0;0;1;0" in body
        with olga.expect_download() as download:
            olga.get_by_role("link", name="Excel-bestand (XLSX) van De wijkverbanden in één oogopslag (nu)").click()
        sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
        rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
        assert "Utrecht Oost" in rows and "Utrecht Zuid" in rows

        # The report for the board, for the chosen period.
        olga.get_by_role("link", name=re.compile("Rapportage voor het bestuur")).click()
        expect(olga.get_by_role("heading", level=1)).to_have_text(f"Jaarrapportage {year}")
        self.check(olga, "report")
        # On paper (A4 landscape, what the report asks for): every table fits the page. The
        # overview was 1,850 px wide, and its last six columns were cut off the PDF.
        olga.emulate_media(media="print")
        olga.set_viewport_size({"width": 1047, "height": 740})  # A4 landscape less the margins
        widths = olga.evaluate("[...document.querySelectorAll('table')].map(t => [t.dataset.table, t.scrollWidth])")
        assert widths and all(width <= 1047 for _name, width in widths), widths
        olga.emulate_media(media="screen")
        olga.set_viewport_size(self.viewport)
        olga.get_by_role("link", name="Terug naar het dashboard").click()

        # Answer the overdue escalation from the dashboard's list.
        olga.get_by_role("link", name=re.compile("Avonddienst wijkverpleging onderbezet")).first.click()
        olga.get_by_text("Reageren", exact=True).click()
        olga.get_by_label("Reactie van de regio").fill("We regelen de avonddienst in het ROSE-overleg van maart.")
        olga.get_by_role("button", name="Reactie versturen").click()
        expect(olga.locator(".wv-messages")).to_contain_text("vastgelegd")
        answer = olga.get_by_role("region", name="Het antwoord van de regio")
        expect(answer).to_contain_text("We regelen de avonddienst")
        self.check(olga, "item-answered")

        # The owner finds it on the team's item, and no longer waits in the region's list.
        pieter_context, pieter = self.person(world.pieter)
        pieter.goto(self.url(f"/t/oost/bottlenecks/{b.pk}/"))
        expect(pieter.get_by_role("region", name="Het antwoord van de regio")).to_contain_text(
            "We regelen de avonddienst in het ROSE-overleg van maart."
        )
        self.check(pieter, "item-owner")
        olga.goto(self.url("/r/utrecht/dashboard/"))
        expect(olga.get_by_role("table", name=re.compile("Opschalingen die op een antwoord wachten"))).to_have_count(0)
        for context in (olga_context, pieter_context):
            context.close()


class DashboardJourneyOnAPhone(DashboardJourney):
    viewport = {"width": 390, "height": 844}
