"""Mijn werk, live: the coordinator asks the pharmacist to own a bottleneck; his header count rises
and his Mijn werk page lists it without a reload; he accepts in place and it leaves the list; the
reporter hears of it. On a desktop and on a 390×844 phone, every page passing axe (WCAG 2.1 A/AA).

Self-contained: its own classes on the shared harness, one journey per class.
"""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck, Category, Impact

TITLE = "Medicatieoverzicht komt te laat na ontslag"


class MyWorkJourney(BrowserTestCase):
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

    def report(self):
        """Maarten reports the journeys' bottleneck (high impact: two working days to accept)."""
        return services.bottleneck_report(
            actor=self.world.maarten,
            team=self.world.team_a,
            title=TITLE,
            description="Na ontslag uit het ziekenhuis komt het overzicht te laat bij de apotheek.",
            category=Category.objects.get(team=None, key="medicatie"),
            impact=Impact.HIGH,
            affected_kinds=["apotheek"],
        )

    def wait_for_socket(self, page) -> None:
        page.wait_for_function("() => window.wijkverbandUserSocket && window.wijkverbandUserSocket.readyState === 1")

    def test_asked_to_own_counted_listed_and_accepted_in_place(self):
        world = self.world
        b = self.report()

        # The pharmacist has Mijn werk open: nothing asked of him yet.
        pieter_context, pieter = self.person(world.pieter)
        pieter.goto(self.url("/my-work/"))
        expect(pieter.get_by_role("heading", level=1)).to_have_text("Mijn werk")
        count = pieter.locator("[data-my-work-count]")
        expect(count).to_be_hidden()
        expect(pieter.get_by_text("Er wordt nu niets van je gevraagd.")).to_be_visible()
        self.check(pieter, "empty")
        self.wait_for_socket(pieter)
        pieter.evaluate("window.notReloaded = true")

        # The reporter follows the item.
        maarten_context, maarten = self.person(world.maarten)
        maarten.goto(self.url("/"))
        self.wait_for_socket(maarten)

        # The coordinator makes the pharmacist the proposed owner.
        carla_context, carla = self.person(world.carla)
        carla.goto(self.url(f"/t/oost/bottlenecks/{b.pk}/"))
        carla.get_by_text("Iemand vragen eigenaar te worden").click()
        carla.get_by_label("Wie moet eigenaar worden?").select_option(label="Pieter Apotheker (Apotheek Linde)")
        carla.get_by_role("button", name="Verzoek versturen").click()
        expect(carla.locator(".wv-messages")).to_contain_text("verstuurd")

        # His header count rises and his list shows the item, without a reload; a screen reader
        # hears the header's new count.
        expect(count).to_be_visible()
        expect(count.locator("[data-count]")).to_have_text("1")
        expect(pieter.locator("[data-header-status]")).to_have_text(
            re.compile(r"^(Mijn werk 1 gevraagd van jou|Meldingen 1 nieuw)$")
        )
        item = pieter.locator("[data-work-item='own']")
        expect(item).to_have_count(1)
        expect(item.get_by_role("link", name=TITLE)).to_be_visible()
        expect(item).to_contain_text("termijn: 2 werkdagen")  # high impact: two working days to accept
        # Its kind is a flat label, not boxed like a button beside the link it names (a tap did nothing).
        label = item.locator(".wv-badge")
        expect(label).to_have_text("Gevraagd als eigenaar")
        assert label.evaluate("e => getComputedStyle(e).borderTopWidth + ' ' + getComputedStyle(e).borderRadius") == (
            "0px 0px"
        )
        assert pieter.evaluate("window.notReloaded") is True
        self.check(pieter, "asked")

        # He accepts in place: the item leaves the list, the count goes back, no page load.
        item.get_by_role("button", name=re.compile("Accepteren")).click()
        answer = pieter.locator("#messages [data-work-answer]")
        expect(answer).to_have_text(f"Je bent nu eigenaar van “{TITLE}”.")
        expect(answer).to_be_focused()  # read out, and the keyboard goes on from there
        expect(pieter.locator("[data-work-item='own']")).to_have_count(0)
        expect(count).to_be_hidden()
        assert pieter.evaluate("window.notReloaded") is True
        b.refresh_from_db()
        assert b.owner == world.pieter
        # It is his now: under "Van jou" once the list refreshes.
        expect(pieter.locator("[data-work-item='owned']").get_by_role("link", name=TITLE)).to_be_visible()
        # The list was fetched again (the answer's trigger, and the notice frame): the answer stays.
        expect(answer).to_have_text(f"Je bent nu eigenaar van “{TITLE}”.")
        pieter.evaluate("document.body.dispatchEvent(new CustomEvent('wv-work'))")
        pieter.wait_for_load_state("networkidle")
        expect(answer).to_have_text(f"Je bent nu eigenaar van “{TITLE}”.")
        self.check(pieter, "accepted")

        # The reporter sees the acceptance: a notice arrives live, and the notice names it.
        notices = maarten.locator("[data-unread-notifications]")
        expect(notices).to_be_visible()
        maarten.get_by_role("link", name=re.compile("Meldingen")).click()
        expect(maarten.get_by_text("Is eigenaar geworden").first).to_be_visible()
        expect(maarten.get_by_role("link", name=TITLE).first).to_be_visible()
        self.check(maarten, "reporter")

        for context in (pieter_context, maarten_context, carla_context):
            context.close()
        assert Bottleneck.objects.get(pk=b.pk).owner_candidate is None

    def test_the_start_pages_count_follows_an_action_in_place(self):
        """Noticed before: the start page said "Mijn werk: 1 gevraagd van jou" after the one item
        was accepted in place, until a reload."""
        world = self.world
        b = self.report()
        services.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.pieter)
        pieter_context, pieter = self.person(world.pieter)
        try:
            pieter.goto(self.url("/"))
            total = pieter.locator("[data-my-work-total]")
            expect(total).to_have_text("Mijn werk: 1 gevraagd van jou")
            item = pieter.locator("[data-work-item='own']")
            item.get_by_role("button", name=re.compile("Accepteren")).click()
            expect(pieter.locator("[data-work-item='own']")).to_have_count(0)
            expect(total).to_have_text("Mijn werk: 0 gevraagd van jou")
            expect(pieter.locator("[data-my-work-count]")).to_be_hidden()
        finally:
            pieter_context.close()

    def test_a_bottleneck_nobody_took_on_leads_the_coordinator_to_ask_someone(self):
        """Past its acceptance target without an owner: under "Van jou" in the coordinator's Mijn
        werk; its link opens the bottleneck's "Iemand vragen eigenaar te worden" with the focus in
        its first field, and once someone is asked it waits on them."""
        from datetime import timedelta

        from django.utils import timezone

        world = self.world
        b = self.report()
        Bottleneck.objects.filter(pk=b.pk).update(accept_due=timezone.localdate() - timedelta(days=7))
        carla_context, carla = self.person(world.carla)
        try:
            carla.goto(self.url("/my-work/"))
            item = carla.locator("[data-work-item='unowned']")
            expect(item).to_contain_text("Nog zonder eigenaar")
            expect(item).to_contain_text("te laat")
            self.check(carla, "unowned")
            item.get_by_role("link", name=f"Iemand vragen eigenaar te worden van “{TITLE}”").click()
            carla.wait_for_url(re.compile(r"#action-ask-owner$"))
            expect(carla.get_by_label("Wie moet eigenaar worden?")).to_be_focused()
            carla.get_by_label("Wie moet eigenaar worden?").select_option(label="Pieter Apotheker (Apotheek Linde)")
            carla.get_by_role("button", name="Verzoek versturen").click()
            expect(carla.locator(".wv-messages")).to_contain_text("verstuurd")
            # The word of what was done has the focus: read out, and the keyboard goes on from it.
            expect(carla.locator("#messages .utrecht-alert")).to_be_focused()
            carla.goto(self.url("/my-work/"))
            expect(carla.locator("[data-work-item='unowned']")).to_have_count(0)
            expect(carla.locator("[data-work-item='ownership']")).to_contain_text("wacht op Pieter Apotheker")
        finally:
            carla_context.close()


class MyWorkJourneyOnAPhone(MyWorkJourney):
    viewport = {"width": 390, "height": 844}


class MyWorkWithoutJavaScript(BrowserTestCase):
    def test_an_action_in_place_comes_back_with_the_focus_on_the_word_that_it_is_done(self):
        """Found by an exploratory test: without JavaScript, "Bevestigen" on Mijn werk came back with
        "Bevestigd: …" at the top and the focus on <body> (notices came back at #done)."""
        from tests.mywork.conftest import ask_confirmation

        thread, _message = ask_confirmation(self.world)
        context, page = self.second_browser(self.world.maarten, java_script_enabled=False)
        try:
            page.goto(self.url("/my-work/?team=oost"))
            page.get_by_role("button", name=re.compile("^Bevestigen")).click()
            word = page.locator("#messages .utrecht-alert").first
            expect(word).to_contain_text(f"Bevestigd: {thread.title}")
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)  # the browser's own move to a fragment comes after the load
            expect(word).to_be_focused()
            expect(page).to_have_url(self.url("/my-work/?team=oost#done"))  # still the team's list
        finally:
            context.close()


class MyWorkAfterTheSessionEnded(BrowserTestCase):
    def test_an_answer_in_place_after_the_session_ended_leads_to_sign_in_and_leaves_the_item(self):
        """Found by a walk of Mijn werk: "Bevestigen" sent in place after the session had ended took
        the item out of the list as if it were confirmed (htmx swapped in the sign-in page it was
        redirected to), and nothing was. Now the whole page goes to the sign-in page, which says why."""
        from django.conf import settings
        from django.utils.module_loading import import_string

        from tests.mywork.conftest import ask_confirmation
        from wijkverband.threads.models import Acknowledgement

        ask_confirmation(self.world)
        self.sign_in(self.world.maarten)
        page = self.page
        page.goto(self.url("/my-work/"))
        cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
        import_string(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"]).delete()
        page.get_by_role("button", name=re.compile("^Bevestigen")).click()
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/my-work/$"))
        expect(page.locator("#messages")).to_contain_text("Je sessie is verlopen")
        assert not Acknowledgement.objects.exists()
