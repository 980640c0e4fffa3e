"""A member reports a bottleneck, another accepts and escalates it, the overseer answers from the
queue; every page on the way passes axe (WCAG 2.1 A/AA)."""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase, follow_team_tab
from wijkverband.bottlenecks.models import Bottleneck, Status


class BottleneckJourney(BrowserTestCase):
    def as_person(self, user):
        """A fresh browser context (own cookies) signed in as `user`."""
        self.context.close()
        self.context = self.browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.sign_in(user)
        return self.page

    def test_report_accept_escalate_and_the_overseer_responds(self):
        world = self.world
        page = self.as_person(world.maarten)
        page.goto(self.url("/t/oost/"))
        follow_team_tab(page, "Knelpunten")
        expect(page.get_by_role("heading", level=1)).to_have_text("Knelpunten")
        self.assert_accessible("list-empty")

        page.get_by_role("link", name="Knelpunt melden").click()
        self.assert_accessible("report-form")
        page.get_by_label("Titel").fill("Geen bereikbaarheid huisarts na 17 uur")
        page.get_by_label("Beschrijving").fill("Mevrouw Jansen (12-03-1945) kon niemand bereiken.")
        page.get_by_label("Categorie").select_option(label="Bereikbaarheid")
        page.get_by_label("Impact").select_option(label="Hoog")
        page.get_by_role("button", name="Melden", exact=True).click()
        # The client-data guard: the refusal stands at the field it found the date of birth in.
        expect(page.locator("#id_description_error")).to_contain_text("geboortedatum")
        assert not Bottleneck.objects.exists()
        self.assert_accessible("report-refused")
        page.get_by_label("Beschrijving").fill("Na 17 uur krijgt de wijkverpleging de praktijk niet te pakken.")
        page.get_by_role("button", name="Melden", exact=True).click()
        expect(page.locator(".wv-messages")).to_contain_text("is gemeld")
        bottleneck = Bottleneck.objects.get()
        self.assert_accessible("detail-reported")

        page.get_by_text("Iemand vragen eigenaar te worden").click()
        page.get_by_label("Wie moet eigenaar worden?").select_option(label="Pieter Apotheker (Apotheek Linde)")
        page.get_by_role("button", name="Verzoek versturen").click()
        expect(page.locator(".wv-messages")).to_contain_text("verstuurd")

        page = self.as_person(world.pieter)
        page.goto(self.url(f"/t/oost/bottlenecks/{bottleneck.pk}/"))
        expect(page.get_by_text("Je bent gevraagd eigenaar van dit knelpunt te worden.")).to_be_visible()
        self.assert_accessible("detail-asked")
        page.get_by_role("button", name="Eigenaarschap accepteren").click()
        expect(page.locator(".wv-messages")).to_contain_text("eigenaar")
        page.get_by_text("Opschalen naar de regio").click()
        page.get_by_label("Waarom moet de regio dit oppakken?").fill("Speelt in alle wijken van de regio.")
        page.get_by_role("button", name="Opschalen", exact=True).click()
        expect(page.locator(".wv-messages")).to_contain_text("opgeschaald")
        bottleneck.refresh_from_db()
        assert bottleneck.status == Status.ESCALATED and bottleneck.owner == world.pieter
        self.assert_accessible("detail-escalated")

        page = self.as_person(world.olga)
        page.goto(self.url("/r/utrecht/"))
        expect(page.get_by_role("heading", name="Opschalingen")).to_be_visible()
        self.assert_accessible("region-home")
        page.get_by_role("link", name="Naar de opschalingen").click()
        expect(page.get_by_text("wacht op antwoord")).to_be_visible()
        self.assert_accessible("queue")
        page.get_by_role("link", name=re.compile("Geen bereikbaarheid huisarts")).click()
        page.get_by_text("Reageren", exact=True).click()
        page.get_by_label("Reactie van de regio").fill("We bespreken dit in het ROSE-overleg van juni.")
        page.get_by_role("button", name="Reactie versturen").click()
        expect(page.locator(".wv-messages")).to_contain_text("vastgelegd")
        # The answer stands on top of the item (and in its timeline).
        answer = page.get_by_role("region", name="Het antwoord van de regio")
        expect(answer.get_by_text("We bespreken dit in het ROSE-overleg van juni.")).to_be_visible()
        self.assert_accessible("detail-answered")
        page.goto(self.url("/r/utrecht/bottlenecks/escalations/"))
        expect(page.get_by_role("cell", name="beantwoord", exact=True)).to_be_visible()
        page.goto(self.url("/r/utrecht/bottlenecks/patterns/"))
        self.assert_accessible("patterns")


class BottleneckSettingsByKeyboard(BrowserTestCase):
    def test_a_refused_target_or_category_takes_the_focus_to_its_summary_and_leads_to_its_box(self):
        """Found by a keyboard-only test: "Kritiek: gebruik 0 tot 250 werkdagen …" stood in a box
        above the table, the box with 999 in it unmarked and silent, and the focus on <body>: a
        keyboard or screen-reader user started again at the top and never heard the refusal. The
        same for a category that exists already."""
        self.sign_in(self.world.carla)
        page = self.page
        page.goto(self.url("/t/oost/bottlenecks/settings/"))
        box = page.get_by_label("Werkdagen tot acceptatie, impact Kritiek")
        box.fill("999")
        box.press("Enter")
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Werkdagen tot acceptatie, impact Kritiek: Gebruik 0 tot en met 250 werkdagen.")
        expect(summary).to_contain_text("Er is niets gewijzigd.")  # nor the other rows
        box = page.get_by_label("Werkdagen tot acceptatie, impact Kritiek")
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(box).to_have_value("999")
        expect(box).to_have_accessible_description(re.compile("Gebruik 0 tot en met 250 werkdagen"))
        self.assert_accessible("targets-refused")
        # The summary's link leads to the box, by keyboard.
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name=re.compile("impact Kritiek"))).to_be_focused()
        page.keyboard.press("Enter")
        expect(box).to_be_focused()

        name = page.get_by_label("Naam van een nieuwe categorie")
        name.fill("Medicatie")
        name.press("Enter")
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Er is al een categorie “Medicatie”.")
        name = page.get_by_label("Naam van een nieuwe categorie")
        expect(name).to_have_attribute("aria-invalid", "true")
        expect(name).to_have_accessible_description(re.compile("Er is al een categorie"))
        self.assert_accessible("category-refused")
