"""The Welzijn op Recept chart on a 390×844 phone: found by an exploratory test, the 720 px chart
shrank to the phone's width and its month labels, numbers and legend came out at 6.5 px. The page
now offers a drawing of the phone's width (a <picture> source, as the dashboard's charts have), so
its text reads at its own size; the page passes axe and does not scroll sideways."""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from tests.referrals.conftest import counts, months_ago


class ReferralChartOnAPhone(BrowserTestCase):
    viewport = {"width": 390, "height": 844}

    def test_the_charts_text_is_readable_on_a_phone(self):
        world, page = self.world, self.page
        for n in range(1, 12):
            counts(world, month=months_ago(n), referrals=n + 2, intakes=n, feedback=n // 2)
        self.sign_in(world.carla)
        page.goto(self.url("/t/oost/welzijn-op-recept/"))
        chart = page.get_by_role("img", name=re.compile("Staafdiagram"))
        expect(chart).to_be_visible()
        page.wait_for_function("document.querySelector('.wv-chart img').complete")
        source, rendered = chart.evaluate("img => [img.currentSrc, img.getBoundingClientRect().width]")
        assert "chart-narrow.svg" in source, source
        svg = page.request.get(source).text()
        drawn = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
        font = int(re.search(r'font-size="(\d+)"', svg).group(1))
        shown = rendered / drawn * font
        assert shown >= 11, f"the chart's text is {shown:.1f} px on a phone"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"the page scrolls sideways ({width}px)"
        self.assert_accessible("referral-chart-phone")
