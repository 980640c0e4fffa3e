"""Issue 15 in a browser, on a desktop and on a 390×844 phone, every page passing axe (WCAG 2.1
A/AA) without sideways scrolling:

1. a client representative files a signal; 2. the coordinator, from Mijn werk, turns it into a
bottleneck (the form prefilled from the signal, edited before saving); 3. the representative sees
the answer and the status of the bottleneck it became. And the insurer's own account signs in with
its second factor, finds the agreement its organisation is party to and endorses it itself.
"""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase, follow_team_tab
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Endorsement, PartyKind
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.signals.models import Signal, Status


class SignalJourney(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def person(self, user, *, second_factor=True):
        """`user` in a browser context of their own (own cookies), at this class's viewport."""
        context = self.browser.new_context(locale="nl-NL", viewport=self.viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        first = self.page
        self.page = page
        try:
            self.sign_in(user, second_factor=second_factor)
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
            self.screenshot(name)
        finally:
            self.page = first

    def test_a_signal_becomes_a_bottleneck_and_its_answer_comes_back(self):
        world = self.world

        # 1. The representative files a signal from the team's tab.
        rosa_context, rosa = self.person(world.rosa, second_factor=False)
        rosa.goto(self.url("/t/oost/"))
        follow_team_tab(rosa, "Signalen")
        expect(rosa.get_by_role("heading", level=1)).to_have_text("Signalen")
        self.check(rosa, "signals-empty")
        rosa.get_by_role("link", name="Signaal melden").click()
        rosa.get_by_label("In een paar woorden").fill("'s Avonds weet niemand wie je moet bellen")
        rosa.get_by_label("Waar cliënten tegenaan lopen").fill(
            "Na 17 uur verwijst de huisartsenpost naar de wijkverpleging, maar niemand kent het nummer."
        )
        self.check(rosa, "signal-form")
        rosa.get_by_role("button", name="Signaal versturen").click()
        expect(rosa.locator(".wv-messages")).to_contain_text("coördinator")
        expect(rosa.get_by_text("Wacht op de coördinator")).to_be_visible()
        signal = Signal.objects.get()
        self.check(rosa, "signal-filed")

        # 2. The coordinator finds it in Mijn werk and turns it into a bottleneck.
        carla_context, carla = self.person(world.carla)
        carla.goto(self.url("/my-work/"))
        item = carla.locator("[data-work-item='signal']")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("Rosa Vertegenwoordiger")
        self.check(carla, "my-work")
        item.get_by_role("link", name=re.compile("Avonds weet niemand")).click()
        self.check(carla, "signal-triage")
        carla.get_by_role("link", name="Maak er een knelpunt van").click()
        expect(carla.get_by_label("Titel")).to_have_value("'s Avonds weet niemand wie je moet bellen")
        carla.get_by_label("Titel").fill("Avondnummer wijkverpleging onbekend bij cliënten")
        carla.get_by_label("Categorie").select_option(index=1)
        carla.get_by_label("Wijkverpleging").check()
        carla.get_by_label("Antwoord aan de vertegenwoordigers").fill(
            "Dank je. We pakken dit op als knelpunt; je volgt het hier."
        )
        self.check(carla, "bottleneck-form")
        carla.get_by_role("button", name="Knelpunt melden en antwoorden").click()
        expect(carla.locator(".wv-messages")).to_contain_text("volgen het vanuit hun signaal")
        bottleneck = Bottleneck.objects.get()
        assert bottleneck.title == "Avondnummer wijkverpleging onbekend bij cliënten" and not bottleneck.internal
        signal.refresh_from_db()
        assert signal.status == Status.BOTTLENECK and signal.bottleneck == bottleneck
        self.check(carla, "bottleneck-made")

        # 3. The representative sees the answer and the bottleneck's status, from Mijn werk.
        rosa.goto(self.url("/my-work/"))
        answered = rosa.locator("[data-work-item='signal_answer']")
        expect(answered).to_have_count(1)
        self.check(rosa, "my-work-answered")
        answered.get_by_role("link", name=re.compile("Avonds weet niemand")).click()
        expect(rosa.get_by_text("Dank je. We pakken dit op als knelpunt; je volgt het hier.")).to_be_visible()
        expect(rosa.get_by_text(re.compile(f"Opgepakt als knelpunt #{bottleneck.pk}, nu: Gemeld"))).to_be_visible()
        self.check(rosa, "signal-answered")
        rosa.get_by_role("link", name=re.compile("Volg .* bij de knelpunten")).click()
        expect(rosa.get_by_role("heading", level=1)).to_contain_text("Avondnummer wijkverpleging")
        self.check(rosa, "bottleneck-followed")

        for context in (rosa_context, carla_context):
            context.close()

    def test_the_insurer_signs_in_with_its_second_factor_and_endorses_itself(self):
        world = self.world
        agreement = agreement_services.agreement_create(
            actor=world.carla,
            team=world.team_a,
            data={
                "title": "Avondbereikbaarheid",
                "body": "De wijkverpleging is tot 23 uur bereikbaar.",
                "owner": world.carla,
            },
        )
        agreement_services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
        agreement_services.party_add_external(
            actor=world.carla, agreement=agreement, kind=PartyKind.INSURER, name=world.insurer.name
        )
        agreement_services.agreement_propose(actor=world.carla, agreement=agreement)

        ines_context, ines = self.person(world.ines)  # password, then the TOTP code
        card = ines.get_by_role("link", name="Utrecht Oost")
        expect(card.first).to_be_visible()
        self.check(ines, "insurer-start")
        card.first.click()
        expect(ines.get_by_role("heading", level=1)).to_have_text("Samenwerkingsafspraken")
        # Only its agreements, and no tab it cannot open: no tabs at all, as the one it may open is
        # this page (it said "Samenwerkingsafspraken" again under the heading).
        expect(ines.get_by_role("navigation", name=re.compile("Pagina"))).to_have_count(0)
        self.check(ines, "insurer-agreements")
        ines.get_by_role("link", name="Avondbereikbaarheid").click()
        self.check(ines, "insurer-agreement")
        ines.get_by_role("button", name="Instemmen met versie 1").click()
        expect(ines.locator(".wv-messages")).to_contain_text(world.insurer.name)
        endorsement = Endorsement.objects.get(party__organisation=world.insurer)
        assert endorsement.recorded_by == world.ines and endorsement.given_on is None
        self.check(ines, "insurer-endorsed")
        ines.goto(self.url("/t/oost/bottlenecks/"))
        expect(ines.get_by_role("heading", level=1)).not_to_have_text("Knelpunten")
        ines_context.close()


class SignalJourneyOnAPhone(SignalJourney):
    viewport = {"width": 390, "height": 844}
