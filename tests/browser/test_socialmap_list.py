"""The sociale kaart's list with its search and filters (a plain GET form), and an entry's page:
axe-clean (WCAG 2.1 A/AA) on a desktop and on a 390×844 phone, and no sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from wijkverband.socialmap import services

pytestmark = pytest.mark.browser


def _entry(**values) -> dict:
    data = {
        "kind": "meeting_place",
        "name": "Buurthuis De Leeuw",
        "description": "Koffie, de krant en elkaar.",
        "street": "Leeuwstraat 12",
        "postcode": "3581 XH",
        "place": "Utrecht",
        "opening_hours": "maandag tot en met vrijdag 09:30–16:00",
        "dementia_friendly": True,
        "wheelchair_accessible": False,
        "cost": "free",
        "price": "",
        "phone": "030 200 1122",
        "email": "info@buurthuisdeleeuw.example.nl",
        "website": "https://buurthuisdeleeuw.example.nl/een/heel/lang/adres/dat/niet/mag/uitsteken",
        "public": True,
    }
    data.update(values)
    return data


class SocialMapList(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def setUp(self):
        super().setUp()
        self.page.set_viewport_size(self.viewport)

    def check(self, name: str) -> None:
        self.assert_accessible(name)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{name}: the page scrolls sideways ({width}px)"

    def test_search_and_filter_the_kaart_then_open_an_entry(self):
        world = self.world
        services.entry_create(actor=world.maarten, team=world.team_a, data=_entry())
        services.entry_create(
            actor=world.maarten,
            team=world.team_a,
            data=_entry(kind="activity", name="Wandelgroep Oost", dementia_friendly=False, wheelchair_accessible=True),
        )
        services.entry_create(
            actor=world.ada, region=world.region, data=_entry(name="Alzheimer Café Utrecht", street="Neude 11")
        )
        self.sign_in(world.rosa, second_factor=False)
        page = self.page
        page.goto(self.url("/t/oost/sociale-kaart/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Sociale kaart")
        self.check("list")

        page.get_by_role("form", name="Zoeken en filteren").get_by_role("searchbox", name="Zoeken", exact=True).fill(
            "leeuw"
        )
        page.get_by_role("form", name="Zoeken en filteren").get_by_role("button", name="Zoeken", exact=True).click()
        expect(page.get_by_role("heading", name="1 vermelding")).to_be_visible()
        expect(page.get_by_role("link", name="Buurthuis De Leeuw", exact=True)).to_be_visible()

        page.get_by_role("link", name="Filters wissen").click()
        page.get_by_label("Soort").select_option("meeting_place")
        # The checks fold away under "Meer filters": the results come sooner on a phone.
        expect(page.get_by_label("Dementievriendelijk")).to_be_hidden()
        page.get_by_text("Meer filters", exact=True).click()
        page.get_by_label("Dementievriendelijk").check()
        page.get_by_role("form", name="Zoeken en filteren").get_by_role("button", name="Zoeken", exact=True).click()
        expect(page.get_by_role("heading", name="2 vermeldingen")).to_be_visible()
        expect(page.get_by_role("link", name="Wandelgroep Oost", exact=True)).to_have_count(0)
        self.check("filtered")

        page.get_by_role("link", name="Buurthuis De Leeuw", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Buurthuis De Leeuw")
        osm = page.get_by_role("link", name="op OpenStreetMap")
        assert osm.get_attribute("href").startswith("https://www.openstreetmap.org/search?query=Leeuwstraat%2012")
        expect(page.get_by_role("heading", name="Correctie voorstellen")).to_be_visible()
        self.check("entry")


class SocialMapListOnAPhone(SocialMapList):
    viewport = {"width": 390, "height": 844}


class SocialMapCorrectionAnswer(BrowserTestCase):
    def test_a_refused_decline_keeps_the_answer_and_focuses_the_error(self):
        """Found by an exploratory test: a declined correction whose answer the guard refused came
        back as an empty box under a message at the top, and the focus on <body>."""
        world = self.world
        entry = services.entry_create(actor=world.maarten, team=world.team_a, data=_entry())
        services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Nu ook op zaterdag open")
        self.sign_in(world.maarten)
        page = self.page
        page.goto(self.url(f"/t/oost/sociale-kaart/{entry.pk}/"))
        typed = "Dit was voor mevrouw De Vries, geboren 12-03-1945, zij komt niet meer."
        page.get_by_label("Antwoord aan wie het voorstelde").fill(typed)
        page.get_by_role("button", name="Afwijzen", exact=True).click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        answer = page.get_by_label("Antwoord aan wie het voorstelde")
        expect(answer).to_have_value(typed)
        expect(answer).to_have_attribute("aria-invalid", "true")
        expect(answer).to_have_accessible_description(re.compile("lijkt cliëntgegevens te bevatten"))
        self.assert_accessible("refused answer")
        # From the summary to the box; mended, the answer is sent.
        summary.get_by_role("link").click()
        expect(answer).to_be_focused()
        answer.fill("Het ging om een andere dag; de tijden kloppen nog.")
        page.get_by_role("button", name="Afwijzen", exact=True).click()
        expect(page.locator("#messages")).to_contain_text("Wie het voorstelde krijgt je antwoord te zien.")
