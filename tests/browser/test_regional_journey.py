"""Regional work in a browser, on a desktop and on a 390×844 phone, every page passing axe (WCAG 2.1
A/AA) without sideways scrolling.

1. The overseer sees the pattern (medication open in two of the region's teams), takes it up as a
   regional item with an owner, linking both teams' items, and posts a progress update; a team
   member reads it on their own bottleneck (and not the region's working note).
2. The overseer offers a regional agreement; the team's coordinator adopts it as the team's own
   agreement with its parties, and it follows the team's normal flow: proposed to the parties, the
   coordinator endorses for their organisation, the accountability check reads it.
"""

import re

from playwright.sync_api import expect

from tests.bottlenecks.helpers import report
from tests.browser.harness import BrowserTestCase
from wijkverband.regional.models import Adoption, ItemStatus, RegionalItem, RegionalLink


class RegionalJourney(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def person(self, user):
        """`user` in a browser context of their own (own cookies), at this class's viewport."""
        context = self.browser.new_context(locale="nl-NL", viewport=self.viewport)
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

    def test_the_overseer_takes_a_pattern_up_and_a_team_member_sees_the_progress(self):
        world = self.world
        oost = report(world, title="Medicatierol komt na ontslag te laat")
        zuid = report(world, actor=world.bram, team=world.team_b, title="Medicatieoverzicht ontbreekt na ontslag")

        olga_context, olga = self.person(world.olga)
        olga.goto(self.url("/r/utrecht/"))
        olga.get_by_role("link", name="Patronen, regionale knelpunten en aanbod").click()
        expect(olga.get_by_role("heading", level=1)).to_have_text("Regionale aanpak")
        pattern = olga.get_by_role("row", name=re.compile("^Medicatie"))
        expect(pattern).to_contain_text("Utrecht Oost (1), Utrecht Zuid (1)")
        self.check(olga, "overview")
        pattern.get_by_role("link", name="“Medicatie” regionaal oppakken").click()
        expect(olga.get_by_role("heading", level=1)).to_have_text("Regionaal oppakken")
        olga.get_by_label("Titel").fill("Medicatieoverdracht na ontslag")
        olga.get_by_label(re.compile("^Beschrijving voor de regio")).fill("Werknotitie: eerst het ziekenhuis spreken.")
        olga.get_by_label("Eigenaar bij de regio").select_option(label="Ada Regiobeheer")
        links = olga.get_by_role("group", name="De knelpunten van de wijkverbanden die het oppakt")
        expect(links.get_by_label(re.compile(zuid.title))).to_be_checked()
        expect(links.get_by_label(re.compile(oost.title))).to_be_checked()
        self.check(olga, "take-up-form")
        olga.get_by_role("button", name="Oppakken", exact=True).click()
        expect(olga.get_by_role("heading", level=1)).to_have_text("Medicatieoverdracht na ontslag")
        item = RegionalItem.objects.get()
        assert item.owner == world.ada
        assert set(RegionalLink.objects.values_list("bottleneck_id", flat=True)) == {oost.pk, zuid.pk}
        olga.get_by_label(re.compile("^Voortgang voor de wijkverbanden")).fill(
            "Het ziekenhuis schuift aan bij het regio-overleg."
        )
        olga.get_by_label("Status").select_option(ItemStatus.IN_PROGRESS)
        olga.get_by_role("button", name="Voortgang plaatsen").click()
        expect(olga.locator(".wv-messages")).to_contain_text("voortgangsbericht is geplaatst")
        expect(olga.get_by_text("In behandeling bij de regio").first).to_be_visible()
        self.check(olga, "item")
        olga.get_by_role("link", name="Bewerken").click()
        expect(olga.get_by_label("Eigenaar bij de regio")).to_have_value(str(world.ada.pk))
        self.check(olga, "item-edit")
        olga_context.close()

        maarten_context, maarten = self.person(world.maarten)
        maarten.goto(self.url(f"/t/oost/bottlenecks/{oost.pk}/"))
        panel = maarten.get_by_role("region", name="Opgepakt door de regio")
        expect(panel).to_contain_text("Medicatieoverdracht na ontslag")
        expect(panel).to_contain_text("Eigenaar bij de regio: Ada Regiobeheer")
        expect(panel).to_contain_text("Het ziekenhuis schuift aan bij het regio-overleg.")
        expect(maarten.get_by_text("Werknotitie")).to_have_count(0)
        expect(maarten.get_by_text(zuid.title)).to_have_count(0)
        self.check(maarten, "bottleneck-with-regional-item")
        maarten_context.close()

    def test_the_overseer_offers_an_agreement_and_a_coordinator_adopts_it(self):
        world = self.world
        olga_context, olga = self.person(world.olga)
        olga.goto(self.url("/r/utrecht/regional/"))
        olga.get_by_role("link", name="Regionale afspraak aanbieden").click()
        olga.get_by_label("Titel").fill("Protocol medicatieoverdracht")
        olga.get_by_label(re.compile("^De afspraak \\(wie doet")).fill(
            "De apotheek ontvangt het overzicht binnen 24 uur."
        )
        olga.get_by_label("Wat cliënten winnen aan kwaliteit").fill("Minder medicatiefouten")
        providers = olga.get_by_role("group", name="Zorgaanbieders die meedoen")
        providers.get_by_label("Apotheek").check()
        providers.get_by_label("Huisartsenpraktijk").check()
        olga.get_by_label("Externe partij 1: soort").select_option("insurer")
        olga.get_by_label("Externe partij 1: naam").fill("Zorgverzekeraar Midden")
        olga.get_by_label("Externe partij 2: soort").select_option("client_representation")
        olga.get_by_label("Externe partij 2: naam").fill("Cliëntenraad Utrecht")
        olga.get_by_label("Indicator 1: naam").fill("Overdracht binnen 24 uur")
        olga.get_by_label("Indicator 1: dimensie").select_option("quality")
        olga.get_by_label("Indicator 1: eenheid").fill("%")
        olga.get_by_label("Indicator 1: streefwaarde").fill("90")
        olga.get_by_label("Indicator 1: frequentie").select_option("monthly")
        self.check(olga, "offer-form")
        olga.get_by_role("button", name="Aanbieden aan de wijkverbanden").click()
        expect(olga.get_by_role("heading", level=1)).to_have_text("Protocol medicatieoverdracht")
        self.check(olga, "offer")
        olga_context.close()

        carla_context, carla = self.person(world.carla)
        carla.goto(self.url("/t/oost/"))
        offers = carla.get_by_role("region", name="Aanbod van de regio")
        offers.get_by_role("link", name="Protocol medicatieoverdracht").click()
        self.check(carla, "team-offer")
        carla.get_by_role("link", name="Overnemen voor je wijkverband").click()
        parties = carla.get_by_role("group", name="De organisaties van je wijkverband die partij zijn")
        # The region suggested a pharmacy and a GP practice: the team's own are ticked.
        expect(parties.get_by_label(re.compile("^Apotheek Linde"))).to_be_checked()
        expect(parties.get_by_label(re.compile("^Huisarts Oost"))).to_be_checked()
        expect(parties.get_by_label(re.compile("^Buurtzorg Oost"))).not_to_be_checked()
        expect(carla.get_by_label("Externe partij 1: naam")).to_have_value("Zorgverzekeraar Midden")
        carla.get_by_label("Externe partij 2: naam").fill("Cliëntenraad Oost")
        carla.get_by_label("Titel in je wijkverband").fill("Medicatieoverdracht Oost")
        self.check(carla, "adopt-form")
        carla.get_by_role("button", name="Overnemen als onze afspraak").click()
        expect(carla.get_by_role("heading", level=1)).to_have_text("Medicatieoverdracht Oost")
        adoption = Adoption.objects.get()
        assert adoption.team == world.team_a
        # The team's normal flow from here: propose to the parties, endorse for your organisation.
        carla.get_by_role("button", name="Voorleggen aan de partijen").click()
        carla.get_by_role("button", name="Instemmen met versie 1").click()
        expect(carla.get_by_text("Cliëntenraad Oost").first).to_be_visible()
        self.check(carla, "adopted-agreement")
        carla.goto(self.url("/t/oost/regional-offers/"))
        expect(carla.get_by_role("link", name="overgenomen door je wijkverband")).to_be_visible()
        self.check(carla, "team-offers")
        carla_context.close()


class RegionalJourneyOnAPhone(RegionalJourney):
    viewport = {"width": 390, "height": 844}
