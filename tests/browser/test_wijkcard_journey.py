"""The wijk card in a browser: a member fills in the card (the phone check refuses a private-looking
06 number at its field), a visitor finds its public part by postcode without signing in, a client
representative suggests a correction, the responsible member sees
it in Mijn werk, applies it (which confirms the entry) and the representative sees it handled. On a
desktop and on a 390×844 phone, every page passing axe (WCAG 2.1 A/AA) without sideways scrolling.

Self-contained: its own classes on the shared harness, one journey per class.
"""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase, broken_words, follow_team_tab
from wijkverband.wijkcard.models import ContactEntry, Suggestion, SuggestionStatus


class WijkCardJourney(BrowserTestCase):
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
        finally:
            self.page = first

    def test_fill_in_suggest_a_correction_apply_and_confirm(self):
        world = self.world

        # 1. A member fills in the card.
        maarten_context, maarten = self.person(world.maarten)
        maarten.goto(self.url("/t/oost/"))
        expect(maarten.get_by_role("heading", name="Wijkkaart", level=2)).to_be_visible()
        follow_team_tab(maarten, "Wijkkaart")
        expect(maarten.get_by_role("heading", level=1)).to_have_text("Wijkkaart")
        self.check(maarten, "card-empty")
        maarten.get_by_role("link", name="Regel toevoegen").click()
        maarten.get_by_label("Organisatie", exact=True).select_option(str(world.nursing_a.pk))
        maarten.get_by_label("Aanspreekpunt", exact=True).fill("Wijkverpleging, team Oost-2")
        day = maarten.get_by_role("group", name="Overdag")
        day.get_by_label("Telefoon").fill("06 1234 5601")
        day.get_by_label("Tijden").fill("dagelijks 08:00–17:00")
        evening = maarten.get_by_role("group", name="’s Avonds")
        evening.get_by_label("Telefoon").fill("088 123 4500")
        evening.get_by_label("Tijden").fill("17:00–23:00")
        maarten.get_by_label("Dit is het wijkverpleegkundig team van de wijk").check()
        maarten.get_by_label(re.compile("Tonen bij zoeken op postcode")).check()
        maarten.get_by_role("button", name="Toevoegen aan de wijkkaart").click()
        # A mobile number needs the team's word that it is a service phone: refused at its field.
        expect(maarten.locator("#id_day_phone_error")).to_contain_text("mobiel nummer")
        assert not ContactEntry.objects.exists()
        self.check(maarten, "form-refused")
        maarten.get_by_label(re.compile("De mobiele \\(06-\\)nummers")).check()
        maarten.get_by_role("button", name="Toevoegen aan de wijkkaart").click()
        expect(maarten.locator("[data-done-here]")).to_contain_text("staat op de wijkkaart")
        entry = ContactEntry.objects.get()
        assert entry.day_phone == "0612345601" and entry.maintainer == world.maarten
        expect(maarten.get_by_role("link", name="06 1234 5601")).to_have_attribute("href", "tel:+31612345601")
        self.check(maarten, "card-filled")

        # 2. A visitor, not signed in, finds it by postcode: the public part only, never a person.
        visitor_context = self.browser.new_context(locale="nl-NL", viewport=self.viewport)
        visitor = visitor_context.new_page()
        visitor.goto(self.url("/postcode/"))
        visitor.get_by_label("Postcode", exact=True).fill("3581ab")
        visitor.get_by_role("button", name="Zoeken", exact=True).click()
        team = visitor.get_by_role("article", name="Utrecht Oost")
        expect(team).to_contain_text("Wijkverpleging, team Oost-2")
        expect(team).to_contain_text("088 123 4500")
        expect(visitor.get_by_text("Maarten Lid")).to_have_count(0)  # no responsible member, no person
        self.check(visitor, "public-lookup")

        # 3. A client representative suggests a correction.
        rosa_context, rosa = self.person(world.rosa, second_factor=False)
        rosa.goto(self.url("/t/oost/wijkkaart/"))
        expect(rosa.get_by_role("link", name="Regel toevoegen")).to_have_count(0)
        rosa.get_by_role("link", name=re.compile("Correctie voorstellen")).click()
        self.check(rosa, "suggest")
        rosa.get_by_label("Wat moet er verbeterd worden?").fill("Het avondnummer is sinds deze maand 088 123 4511.")
        rosa.get_by_role("button", name="Voorstel versturen").click()
        expect(rosa.locator("[data-done-here]")).to_contain_text("Dank je")
        expect(rosa.get_by_text("Wacht op antwoord")).to_be_visible()
        self.check(rosa, "card-suggested")

        # 4. The responsible member sees it in Mijn werk and applies it, which confirms the entry.
        maarten.goto(self.url("/my-work/"))
        item = maarten.locator("[data-work-item='correction']")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("Rosa Vertegenwoordiger")
        self.check(maarten, "my-work")
        item.get_by_role("link", name=re.compile("Verwerken of afwijzen")).click()
        expect(maarten.get_by_text("Het avondnummer is sinds deze maand 088 123 4511.")).to_be_visible()
        self.check(maarten, "suggestion")
        maarten.get_by_role("group", name="’s Avonds").get_by_label("Telefoon").fill("088 123 4511")
        maarten.get_by_label("Een bericht voor de vertegenwoordiger").fill("Dank je, aangepast.")
        maarten.get_by_role("button", name="Verwerken, opslaan en bevestigen").click()
        expect(maarten.locator("[data-done-here]")).to_contain_text("verwerkt")
        entry.refresh_from_db()
        assert entry.evening_phone == "0881234511" and entry.confirmed_by == world.maarten
        assert Suggestion.objects.get().status == SuggestionStatus.APPLIED
        expect(maarten.get_by_text(re.compile("Laatst bevestigd op .* door Maarten Lid"))).to_be_visible()
        maarten.get_by_role("button", name=re.compile("Bevestigen: klopt nog")).click()
        expect(maarten.locator("[data-done-here]")).to_contain_text("klopt nog")
        self.check(maarten, "card-confirmed")

        # The representative sees it handled, with the answer.
        rosa.goto(self.url("/t/oost/wijkkaart/"))
        expect(rosa.get_by_text("Verwerkt")).to_be_visible()
        expect(rosa.get_by_text("Dank je, aangepast.", exact=False)).to_be_visible()
        self.check(rosa, "card-handled")

        # The print page and the team home's panel.
        maarten.goto(self.url("/t/oost/wijkkaart/print/"))
        expect(maarten.get_by_role("table")).to_contain_text("088 123 4511")
        self.check(maarten, "print")
        maarten.goto(self.url("/t/oost/"))
        expect(maarten.get_by_text(re.compile("Wie je nu belt"))).to_be_visible()
        self.check(maarten, "team-home")

        for context in (maarten_context, rosa_context, visitor_context):
            context.close()


class WijkCardJourneyOnAPhone(WijkCardJourney):
    viewport = {"width": 390, "height": 844}


class WijkCardOnPaper(BrowserTestCase):
    def test_a_full_card_prints_on_one_a4_page(self):
        from tests.wijkcard.conftest import add_entry

        world = self.world
        organisations = [world.gp_a, world.pharmacy, world.nursing_a, world.social_a]
        for n in range(12):
            add_entry(
                world,
                organisation=organisations[n % 4],
                contact_point=f"Aanspreekpunt met een wat langere naam {n}",
                day_hours="ma–vr 08:00–17:00, za 10:00–13:00",
                evening_hours="17:00–23:00 (huisartsenpost Utrecht Stad)",
                night_phone="088 123 4599",
                night_hours="23:00–08:00 (nachtdienst regio)",
                weekend_phone="0900 450 1450",
                weekend_hours="vr 17:00 – ma 08:00 en feestdagen",
                direct_phone="030 271 4419",
                secure_mail=f"aanspreekpunt{n}@zorgmail.nl",
            )
        self.sign_in(world.carla)
        self.page.goto(self.url("/t/oost/wijkkaart/print/"))
        self.page.emulate_media(media="print")
        pdf = self.page.pdf(format="A4", print_background=False)
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert pages == 1, f"the printed card takes {pages} A4 pages"


class WijkCardConfirmByKeyboard(BrowserTestCase):
    """Found by a keyboard-only test: Enter on the first "Bevestigen: klopt nog" brought the card back
    at `#entry-1` with the focus on <body>, and "… is bevestigd: klopt nog." at the top of the page,
    2,600 px above, never focused or read out. Now the word stands in the entry, where the page
    lands, and has the focus; without JavaScript the entry has it, described by the word."""

    def fill_the_card(self):
        from datetime import timedelta

        from django.utils import timezone

        from tests.wijkcard.conftest import add_entry

        world = self.world
        organisations = [world.gp_a, world.pharmacy, world.nursing_a, world.social_a]
        long_ago = timezone.localdate() - timedelta(days=400)
        entries = [
            add_entry(
                world,
                organisation=organisations[n % 4],
                contact_point=f"Aanspreekpunt {n}",
                night_phone="088 123 4599",
                night_hours="23:00–08:00",
                weekend_phone="0900 450 1450",
                weekend_hours="vr 17:00 – ma 08:00",
                confirmed_on=long_ago,
            )
            for n in range(8)
        ]
        return entries

    def confirm_the_first_by_keyboard(self, page):
        page.goto(self.url("/t/oost/wijkkaart/"))
        entry = page.locator("article[data-entry]").first
        button = entry.get_by_role("button", name=re.compile("Bevestigen: klopt nog"))
        button.focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/t/oost/wijkkaart/#entry-\d+$"))
        entry_id = page.url.rsplit("#", 1)[1]
        return page.locator(f"#{entry_id}")

    def test_the_confirmation_is_said_and_focused_at_the_entry(self):
        self.fill_the_card()
        self.sign_in(self.world.carla)
        page = self.page
        entry = self.confirm_the_first_by_keyboard(page)
        said = entry.locator("[data-done-here]")
        expect(said).to_be_focused()
        expect(said).to_contain_text("is bevestigd: klopt nog.")
        expect(said).to_be_in_viewport()
        expect(entry.get_by_role("heading", level=3)).to_be_in_viewport()
        expect(page.locator("#messages")).to_be_empty()  # not (also) at the top of the page
        expect(entry).not_to_contain_text("verouderd")
        self.assert_accessible("card-confirmed-by-keyboard")
        # Where it lands, the entry's numbers read whole: they stood one digit a line (the names of
        # the times took the width of "In het weekend en op feestdagen", 270 of the entry's 365 px).
        assert broken_words(page, "article[data-entry] .wv-wijkcard__slots a[href^='tel:']") == []
        # The keyboard goes on from there: the next stop is in the same entry.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('article[data-entry]')?.id") == entry.get_attribute("id")

    def test_without_javascript_the_page_lands_on_the_entry_described_by_the_confirmation(self):
        self.fill_the_card()
        context, page = self.second_browser(self.world.carla, java_script_enabled=False)
        try:
            entry = self.confirm_the_first_by_keyboard(page)
            expect(entry).to_be_focused()
            expect(entry).to_have_accessible_description(re.compile("is bevestigd: klopt nog"))
            expect(entry.locator("[data-done-here]")).to_be_in_viewport()
        finally:
            context.close()


class WijkCardPrintPageOnAPhone(BrowserTestCase):
    """The print page opened on a phone (from the card's link, to look before printing, or to read
    on the way): its table of 6 columns was 1,000 px wide in a 358 px box, scrolling sideways, a
    number screens away from its organisation. On a phone's screen each organisation is a block,
    every number with its time of day; paper keeps the table (WijkCardOnPaper)."""

    viewport = {"width": 390, "height": 844}

    def test_each_organisation_reads_whole_on_a_phone_and_paper_keeps_the_table(self):
        from tests.wijkcard.conftest import add_entry

        world = self.world
        for n, organisation in enumerate([world.gp_a, world.pharmacy, world.nursing_a]):
            add_entry(
                world,
                organisation=organisation,
                contact_point=f"Aanspreekpunt met een wat langere naam {n}",
                day_hours="ma–vr 08:00–17:00, za 10:00–13:00",
                night_phone="088 123 4599",
                night_hours="23:00–08:00 (nachtdienst regio)",
                weekend_phone="0900 450 1450",
                weekend_hours="vr 17:00 – ma 08:00 en feestdagen",
                direct_phone="030 271 4419",
                secure_mail=f"aanspreekpunt{n}@zorgmail.nl",
            )
        self.sign_in(world.carla)
        page = self.page
        # The card's tools ("Regel toevoegen", print, download) stand apart from the sentence above
        # them: the button stood right on its last line, with no room between them.
        page.goto(self.url("/t/oost/wijkkaart/"))
        tools = page.locator(".wv-wijkcard__tools")
        sentence = tools.locator("xpath=preceding-sibling::p[1]")
        above = sentence.bounding_box()
        assert tools.bounding_box()["y"] - (above["y"] + above["height"]) >= 8
        page.goto(self.url("/t/oost/wijkkaart/print/"))
        page.wait_for_timeout(300)
        width = self.viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator(".utrecht-table-container")
        sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, f"the card scrolls sideways in its box: {sizes}"
        expect(page.locator(".utrecht-table-container[tabindex]")).to_have_count(0)
        row = page.locator("tbody tr", has_text="Aanspreekpunt met een wat langere naam 0")
        for label, value in (("’s Nachts", "088 123 4599"), ("Direct nummer en beveiligd mailen", "030 271 4419")):
            cell = row.locator("td", has_text=label)
            expect(cell, label).to_be_visible()
            expect(cell).to_contain_text(value)
            spot = cell.bounding_box()
            assert spot["x"] >= 0 and spot["x"] + spot["width"] <= width, (label, spot)
        self.assert_accessible("wijkcard-print-phone")
        # On paper (the same narrow window printing): the table, its header row above the rows.
        page.emulate_media(media="print")
        table = page.locator("table.wv-wijkcard-print__table")
        assert table.evaluate("t => getComputedStyle(t).display") == "table"
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
        expect(table.get_by_role("columnheader", name="’s Nachts")).to_be_visible()
        for label in table.locator(".wv-cell-label").all():
            expect(label).to_be_hidden()
