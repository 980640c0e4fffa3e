"""Tables that still scrolled sideways on a 390×844 phone: the region's postcode areas (530 px
wide, the areas and "Bewerken" out of sight) and the list of security keys (430 px, "Verwijderen"
out of sight). On a phone each row is a block now, its cells named where a header would be; a
desktop keeps the table, its header row above the rows. Axe on each page, at both sizes.

Looked at and left alone, as they fit a phone: the thread list (its other columns give way to a
line under the title, tests/browser/test_phone_layout.py) and the bottleneck targets' table."""

from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.harness import ARTIFACTS, BrowserTestCase

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class StackedTablesOnAPhone(BrowserTestCase):
    def check(self, path: str, table: str, row_text: str, labels: tuple[str, ...]) -> None:
        """On a phone: `table` and the page fit the width, the row with `row_text` in sight with its
        `labels` ("Gemeente: Utrecht"); on a desktop: a table with its header row above the rows."""
        page = self.page
        name = path.strip("/").replace("/", "-")
        page.set_viewport_size(PHONE)
        page.goto(self.url(path))
        row = page.locator(f"{table} tbody tr", has_text=row_text)
        expect(row).to_be_visible()
        box = page.locator(".utrecht-table-container", has=page.locator(table))
        sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert sizes[0] <= sizes[1], f"{path}: the table scrolls sideways in its box: {sizes}"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], path
        cells = row.locator("th, td")
        for i in range(cells.count()):
            spot = cells.nth(i).bounding_box()
            assert spot["x"] >= 0 and spot["x"] + spot["width"] <= PHONE["width"], f"{path}: cell {i} at {spot}"
        text = " ".join(row.inner_text().split())
        assert text.startswith(row_text), (path, text)
        assert all(label in text for label in labels), (path, text)
        self.assert_accessible(f"stacked-{name}-phone")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"stacked-{name}-phone.png"), full_page=True)

        page.set_viewport_size(DESKTOP)
        page.goto(self.url(path))
        assert row.evaluate("r => getComputedStyle(r).display") == "table-row", path
        headers = page.locator(f"{table} thead th")
        top = row.bounding_box()["y"]
        for i in range(headers.count()):
            assert headers.nth(i).bounding_box()["y"] < top, (path, i)
        for label in page.locator(f"{table} .wv-cell-label").all():
            expect(label).to_be_hidden()
        self.assert_accessible(f"stacked-{name}-desktop")

    def test_the_regions_postcode_areas(self):
        self.sign_in(self.world.ada)  # the region's administrator: with the "Bewerken" column
        self.check(
            "/r/utrecht/postcode-areas/",
            "table.wv-region-teams",
            "Utrecht Oost",
            ("Gemeente: Utrecht", "Postcodegebieden: 3581", "Bewerken"),
        )

    def test_the_security_keys(self):
        self.sign_in(self.world.carla)
        Authenticator.objects.create(
            user=self.world.carla,
            type=Authenticator.Type.WEBAUTHN,
            data={"name": "YubiKey van Carla", "credential": {}},
        )
        self.check(
            "/accounts/2fa/webauthn/", "table", "YubiKey van Carla", ("Toegevoegd op", "Naam wijzigen", "Verwijderen")
        )
