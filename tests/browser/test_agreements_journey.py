"""An agreement from concept to adoption in a real browser, each party's member endorsing in turn."""

import re
from datetime import date

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from wijkverband.agreements.models import Agreement, Status


class AgreementJourneys(BrowserTestCase):
    def sign_out(self):
        self.page.get_by_role("button", name="Afmelden").click()
        expect(self.page).to_have_url(re.compile(r"/accounts/login/"))

    def test_propose_an_agreement_endorse_as_each_party_and_see_it_adopted(self):
        world = self.world
        page = self.page
        self.sign_in(world.carla)
        page.goto(self.url("/t/oost/"))
        page.get_by_role("navigation", name="Pagina’s van Utrecht Oost").get_by_role("link", name="Afspraken").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Samenwerkingsafspraken")
        self.assert_accessible("agreement-list-empty")

        page.get_by_role("link", name="Nieuwe afspraak").click()
        page.get_by_role("button", name="Opslaan als concept").click()
        expect(page.locator("[data-error-summary]")).to_be_focused()  # no title: a clear error, nothing saved
        self.assert_accessible("agreement-form-errors")
        assert not Agreement.objects.exists()
        page.get_by_label("Titel").fill("Medicatiebeoordeling thuis")
        page.get_by_label("De behoefte waarop ze antwoordt").fill("400 ouderen met vijf of meer medicijnen.")
        page.get_by_label("Bronnen van de analyse").fill("CBS wijkcijfers 2025")
        page.get_by_label(re.compile(r"^De afspraak")).fill("De apotheek **beoordeelt**, de wijkverpleging signaleert.")
        page.get_by_label("Wat cliënten winnen aan kwaliteit").fill("Minder medicatiefouten")
        page.get_by_label("Evaluatiedatum").fill("2027-06-01")
        page.get_by_role("button", name="Opslaan als concept").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Medicatiebeoordeling thuis")
        expect(page.get_by_text("Concept", exact=True)).to_be_visible()
        self.assert_accessible("agreement-concept")

        page.get_by_role("link", name="Partijen", exact=True).click()
        for organisation in ("Huisarts Oost", "Buurtzorg Oost", "Apotheek Linde"):
            page.get_by_label("Organisatie van het wijkverband", exact=True).select_option(label=organisation)
            page.get_by_role("button", name="Organisatie toevoegen").click()
            expect(page.locator(".wv-messages")).to_contain_text(f"{organisation} is nu partij")
        self.assert_accessible("agreement-parties")
        page.get_by_role("link", name="Terug naar de afspraak").click()

        page.get_by_role("button", name="Voorleggen aan de partijen").click()
        expect(page.locator(".wv-messages")).to_contain_text("De afspraak is voorgelegd")
        page.get_by_role("button", name="Instemmen met versie 1").click()
        expect(page.locator(".wv-messages")).to_contain_text("Ingestemd namens Huisarts Oost")
        self.assert_accessible("agreement-proposed")
        agreement = Agreement.objects.get()
        detail = self.url(f"/t/oost/agreements/{agreement.pk}/")

        for person, organisation in ((world.maarten, "Buurtzorg Oost"), (world.pieter, "Apotheek Linde")):
            self.sign_out()
            self.sign_in(person)
            page.goto(self.url("/t/oost/"))
            page.get_by_role("link", name="Medicatiebeoordeling thuis").first.click()
            expect(page.get_by_role("heading", name=f"Je besluit namens {organisation}")).to_be_visible()
            page.get_by_role("button", name="Instemmen met versie 1").click()
            expect(page.locator(".wv-messages")).to_contain_text(f"Ingestemd namens {organisation}")

        expect(page.get_by_text("Vastgesteld", exact=True)).to_be_visible()
        assert Agreement.objects.get().status == Status.ADOPTED
        self.assert_accessible("agreement-adopted")
        self.screenshot("agreement-adopted")

        # A client representative reads it all, including the printable accountability page.
        self.sign_out()
        self.sign_in(world.rosa, second_factor=False)
        page.goto(detail)
        expect(page.get_by_role("button", name=re.compile("Instemmen"))).to_have_count(0)
        page.get_by_role("link", name="Verantwoordingspagina (af te drukken)").click()
        expect(page.get_by_role("heading", name="Verantwoordingscheck")).to_be_visible()
        self.assert_accessible("agreement-print")

    def test_change_an_adopted_agreement_compare_versions_and_record_a_measurement(self):
        from datetime import date

        from tests.agreements.conftest import endorse_all, version_data
        from wijkverband.agreements import services

        world = self.world
        agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
            services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
        services.agreement_propose(actor=world.carla, agreement=agreement)
        endorse_all(world, agreement)
        page = self.page
        self.sign_in(world.maarten)
        page.goto(self.url(f"/t/oost/agreements/{agreement.pk}/"))
        page.get_by_role("link", name=re.compile("^(Bewerken|Veranderen)$")).click()
        expect(page.get_by_text("Deze afspraak is vastgesteld")).to_be_visible()
        self.assert_accessible("agreement-edit-adopted")
        page.get_by_label(re.compile(r"^De afspraak")).fill("De apotheek beoordeelt binnen een week.")
        page.get_by_label(re.compile(r"^Wat er veranderde")).fill("Termijn toegevoegd")
        page.get_by_role("button", name="Opslaan als nieuwe versie").click()
        expect(page.get_by_text("Versie 1 is van kracht")).to_be_visible()
        self.assert_accessible("agreement-pending-version")

        page.get_by_role("link", name="Bekijk wat er veranderde").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Versie 1 vergeleken met versie 2")
        expect(page.locator("ins").filter(has_text="binnen een week")).to_be_visible()
        self.assert_accessible("agreement-compare")
        page.goto(self.url(f"/t/oost/agreements/{agreement.pk}/versions/"))
        expect(page.get_by_text("van kracht", exact=True)).to_be_visible()
        self.assert_accessible("agreement-versions")
        page.goto(self.url(f"/t/oost/agreements/{agreement.pk}/history/"))
        self.assert_accessible("agreement-history")

        page.goto(self.url(f"/t/oost/agreements/{agreement.pk}/"))
        page.get_by_role("link", name="Indicator toevoegen").click()
        page.get_by_label("Naam", exact=True).fill("Medicatiebeoordelingen")
        page.get_by_label("Dimensie").select_option("quality")
        page.get_by_label("Eenheid").fill("cliënten")
        page.get_by_label("Streefwaarde").fill("40")
        page.get_by_label("Hoe vaak wordt gemeten").select_option("quarterly")
        self.assert_accessible("indicator-form")
        page.get_by_role("button", name="Indicator toevoegen").click()
        page.get_by_role("link", name=re.compile("^Meting vastleggen")).click()
        page.get_by_label("Waarde").fill("12")
        page.get_by_label("Datum").fill(date.today().isoformat())
        page.get_by_role("button", name="Meting vastleggen").click()
        expect(page.get_by_role("img", name=re.compile("Staafdiagram van Medicatiebeoordelingen"))).to_be_visible()
        expect(page.get_by_role("table", name=re.compile("Metingen van Medicatiebeoordelingen"))).to_contain_text("12")
        self.assert_accessible("agreement-with-chart")
        self.screenshot("agreement-with-chart")

        page.goto(self.url("/t/oost/agreements/?status=adopted"))
        expect(page.get_by_role("link", name="Medicatiebeoordeling thuis")).to_be_visible()
        self.assert_accessible("agreement-list-filtered")

    def test_a_target_typed_with_a_decimal_comma_is_saved_and_shown_with_it(self):
        """Found by an exploratory test: a Dutch Chromium dropped the comma typed in a number box, and
        "80,5" was saved as 805 without a word. Typed key by key, as a person types it."""
        from tests.agreements.conftest import version_data
        from wijkverband.agreements import services
        from wijkverband.agreements.models import Indicator

        world = self.world
        agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        page = self.page
        self.sign_in(world.carla)
        page.goto(self.url(f"/t/oost/agreements/{agreement.pk}/indicators/new/"))
        page.get_by_label("Naam", exact=True).fill("Terugbelverzoeken binnen een dag")
        page.get_by_label("Dimensie").select_option("accessibility")
        page.get_by_label("Eenheid").fill("%")
        page.get_by_label(re.compile("^Nulmeting")).press_sequentially("12,5")
        page.get_by_label("Streefwaarde").press_sequentially("80,5")
        page.get_by_role("button", name="Indicator toevoegen").click()
        expect(page.locator(".wv-messages")).to_contain_text("De indicator is toegevoegd")
        expect(page.get_by_text(re.compile(r"Streefwaarde: 80,50 %"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"Nulmeting: 12,50 %"))).to_be_visible()
        indicator = Indicator.objects.get()
        assert (str(indicator.target), str(indicator.baseline)) == ("80.50", "12.50")

        page.get_by_role("link", name=re.compile("^Meting vastleggen")).click()
        page.get_by_label("Waarde").press_sequentially("72,5")
        page.get_by_label("Datum").fill(date.today().isoformat())
        page.get_by_role("button", name="Meting vastleggen").click()
        table = page.get_by_role("table", name=re.compile("Metingen van Terugbelverzoeken"))
        expect(table).to_contain_text("72,50")
        assert str(indicator.measurements.get().value) == "72.50"

        # Not a number: a Dutch error at the field, and what was typed stays in the box.
        page.get_by_role("link", name=re.compile("^Meting vastleggen")).click()
        page.get_by_label("Waarde").press_sequentially("ruim 70")
        page.get_by_label("Datum").fill(date.today().isoformat())
        page.get_by_role("button", name="Meting vastleggen").click()
        expect(page.get_by_text("Voer een getal in, zoals 80,5.").first).to_be_visible()
        expect(page.get_by_label("Waarde")).to_have_value("ruim 70")
        self.assert_accessible("measurement-not-a-number")
