"""Two things found by exploratory tests: a form posted twice by a double tap on a slow connection
(two bottlenecks), and the team switcher left open over the page after focus moved on."""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase


class FormsAndSwitcher(BrowserTestCase):
    def test_a_second_tap_while_the_form_is_on_its_way_posts_nothing_more(self):
        self.sign_in(self.world.carla)
        page = self.page
        page.goto(self.url("/t/oost/bottlenecks/new/"))
        # What the browser would send: the last listener (on the window) counts the submits that
        # nobody stopped, and keeps the page here, as a slow answer would.
        sends = """() => {
            window.sent = 0;
            window.addEventListener("submit", (e) => {
                if (!e.defaultPrevented) { window.sent++; e.preventDefault(); }
            });
            const button = document.querySelector("form.wv-form button[type=submit]");
            button.click();
            button.click();
            button.click();
            return window.sent;
        }"""
        assert page.evaluate(sends) == 1
        # A page shown again from the browser's history takes a submit again (nothing stuck).
        page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))")
        assert page.evaluate("document.querySelectorAll('form[data-submitting]').length") == 0
        # The composer, which sends its messages itself, takes one message after another.
        from wijkverband.threads import services as threads

        thread = threads.thread_create(actor=self.world.carla, team=self.world.team_a, title="Snel na elkaar")
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        box = page.get_by_label("Bericht", exact=True)
        for text in ("een", "twee", "drie"):
            box.fill(text)
            page.get_by_role("button", name="Versturen").click()
        for text in ("een", "twee", "drie"):
            expect(page.locator(".wv-message__body").filter(has_text=re.compile(f"^\\s*{text}\\s*$"))).to_have_count(1)

    def test_the_team_switcher_closes_when_focus_or_a_click_leaves_it(self):
        self.sign_in(self.world.carla)
        page = self.page
        page.goto(self.url("/t/oost/"))
        switcher = page.locator(".wv-header details.wv-disclosure")
        summary = switcher.locator("summary")
        summary.focus()
        page.keyboard.press("Enter")
        expect(switcher).to_have_attribute("open", "")
        links = switcher.get_by_role("link").count()
        for _ in range(links + 1):  # through its links, and on out of it
            page.keyboard.press("Tab")
        expect(switcher).not_to_have_attribute("open", "")
        # Escape elsewhere no longer pulls focus back to the switcher.
        focused = page.evaluate("document.activeElement.outerHTML.slice(0, 60)")
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.outerHTML.slice(0, 60)") == focused
        summary.click()
        expect(switcher).to_have_attribute("open", "")
        page.get_by_role("heading", level=1).click()
        expect(switcher).not_to_have_attribute("open", "")

    def test_a_focused_link_in_the_open_switcher_has_a_ring_that_shows_on_white(self):
        """Found by a fixing helper: the switcher's links, on its white list, got the header's yellow
        focus ring (#ffd400), about 1.4:1 against white (WCAG 2.4.7 / 1.4.11 want 3:1)."""
        self.sign_in(self.world.carla)
        page = self.page
        page.goto(self.url("/t/oost/"))
        switcher = page.locator(".wv-header details.wv-disclosure")
        switcher.locator("summary").focus()
        page.keyboard.press("Enter")
        expect(switcher).to_have_attribute("open", "")
        page.keyboard.press("Tab")
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        assert page.evaluate("document.activeElement.closest('.wv-switcher__list') !== null")
        assert ring == "rgb(11, 12, 12)", ring

    def test_the_thread_list_keeps_the_keyboards_place_when_a_message_comes_in(self):
        """Found by an exploratory test: the thread list replaces its table when a followed thread
        changes, and focus fell to the start of the page. It stays on the same link now, and the
        new number of unread messages is said politely."""
        from wijkverband.threads import services as threads

        busy = threads.thread_create(actor=self.world.carla, team=self.world.team_a, title="Druk gesprek")
        quiet = threads.thread_create(actor=self.world.carla, team=self.world.team_a, title="Rustig gesprek")
        self.sign_in(self.world.maarten)
        maarten = self.page
        maarten.goto(self.url("/t/oost/threads/"))
        link = maarten.get_by_role("link", name="Rustig gesprek")
        link.focus()
        unread = maarten.locator(f'tr[data-thread="{busy.pk}"] td').nth(3)
        expect(unread).to_have_text("0")
        carla_context, carla = self.second_browser(self.world.carla)
        try:
            carla.goto(self.url(f"/t/oost/threads/{busy.pk}/"))
            carla.get_by_label("Bericht", exact=True).fill("Nieuw in het drukke gesprek")
            carla.get_by_role("button", name="Versturen").click()
            expect(unread).to_have_text("1", timeout=15_000)
        finally:
            carla_context.close()
        focused = maarten.evaluate("document.activeElement.getAttribute('href')")
        assert focused == f"/t/oost/threads/{quiet.pk}/#newest", focused  # read: it opens at its newest
        expect(maarten.get_by_role("status").filter(has_text="1 ongelezen bericht")).to_have_count(1)

    def test_what_was_typed_is_back_after_signing_in_again(self):
        """Found by an exploratory test: a form sent after the session had ended led to the sign-in
        page, and after signing in the form was empty: everything typed was lost, unexplained."""
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        from tests.personas import PASSWORD
        from wijkverband.bottlenecks.models import Bottleneck

        # The second sign-in within the same half minute: a recovery code (a TOTP code counts once).
        recovery = RecoveryCodes.activate(self.world.maarten).generate_codes()[0]
        self.sign_in(self.world.maarten)
        page = self.page
        page.goto(self.url("/t/oost/bottlenecks/new/"))
        page.get_by_label("Titel").fill("Na het afmelden gemeld")
        page.get_by_label("Beschrijving").fill("Een lange beschrijving die niet verloren mag gaan.")
        page.get_by_label("Categorie").select_option(label="Bereikbaarheid")
        page.get_by_label("Impact").select_option(label="Hoog")
        page.context.clear_cookies(name="sessionid")  # the session ended meanwhile
        page.get_by_role("button", name="Melden", exact=True).click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        page.get_by_label("E-mail").fill(self.world.maarten.email)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        page.get_by_label("Code").fill(recovery)
        page.get_by_role("button", name="Aanmelden").click()
        expect(page).to_have_url(self.url("/t/oost/bottlenecks/new/"))
        expect(page.get_by_label("Titel")).to_have_value("Na het afmelden gemeld")
        expect(page.get_by_label("Beschrijving")).to_have_value("Een lange beschrijving die niet verloren mag gaan.")
        expect(page.locator("#messages")).to_contain_text("Wat je typte staat weer in het formulier")
        assert not Bottleneck.objects.filter(title="Na het afmelden gemeld").exists()
        page.get_by_label("Categorie").select_option(label="Bereikbaarheid")
        page.get_by_label("Impact").select_option(label="Hoog")
        page.get_by_role("button", name="Melden", exact=True).click()
        expect(page.locator(".wv-messages")).to_contain_text("is gemeld")
        assert Bottleneck.objects.filter(title="Na het afmelden gemeld").count() == 1
        # Sent: the next visit of the form is empty.
        page.goto(self.url("/t/oost/bottlenecks/new/"))
        expect(page.get_by_label("Titel")).to_have_value("")

    def test_an_expired_session_says_so_on_the_sign_in_page_and_keeps_what_was_typed(self):
        """Found by an exploratory test: a representative's signal sent after the session had
        expired led to the sign-in page without a word, and what was typed seemed lost."""
        from tests.personas import PASSWORD
        from wijkverband.accounts.models import Session
        from wijkverband.signals.models import Signal

        self.sign_in(self.world.rosa, second_factor=False)
        page = self.page
        page.goto(self.url("/t/oost/signals/new/"))
        page.get_by_label("In een paar woorden").fill("Lang wachten op de wijkverpleging")
        page.get_by_label("Waar cliënten tegenaan lopen").fill("Na ontslag uit het ziekenhuis duurt het dagen.")
        Session.objects.all().delete()  # the session expired meanwhile (its cookie stays)
        page.get_by_role("button", name="Signaal versturen").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        messages = page.locator("#messages")
        expect(messages).to_contain_text("Je sessie is verlopen; meld je opnieuw aan.")
        expect(messages).to_contain_text("Wat je in het formulier typte, is in dit tabblad bewaard")
        page.get_by_label("E-mail").fill(self.world.rosa.email)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        expect(page).to_have_url(self.url("/t/oost/signals/new/"))
        expect(page.get_by_label("In een paar woorden")).to_have_value("Lang wachten op de wijkverpleging")
        expect(page.locator("#messages")).to_contain_text("Wat je typte staat weer in het formulier")
        assert not Signal.objects.exists()
        # A visitor's sign-in page says nothing of the kind.
        context = self.browser.new_context(locale="nl-NL")
        try:
            fresh = context.new_page()
            fresh.goto(self.url("/t/oost/signals/new/"))
            expect(fresh).to_have_url(re.compile(r"/accounts/login/"))
            expect(fresh.locator("#messages")).to_have_text("")
        finally:
            context.close()

    def test_without_javascript_a_refused_form_lands_the_focus_on_its_error_summary(self):
        """Found by an exploratory test: with JavaScript the error summary takes the focus (app.js);
        without it the focus stayed on the page's body, and a keyboard or screen reader user heard
        nothing of what went wrong."""
        context, page = self.second_browser(self.world.carla, java_script_enabled=False)
        try:
            page.goto(self.url("/t/oost/bottlenecks/new/"))
            page.locator("form.wv-form button[type=submit]").click()
            summary = page.locator("[data-error-summary]")
            expect(summary).to_be_focused()
            expect(summary).to_contain_text("Titel")
            page.keyboard.press("Tab")  # on to the first problem's link
            expect(summary.get_by_role("link").first).to_be_focused()
        finally:
            context.close()
