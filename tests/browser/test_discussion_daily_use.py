"""A discussion used as a chat app, on a desktop and on a 390×844 phone (issue 14, "Discussions"):
@-mention suggestions chosen from the keyboard, typing that stops when the message arrives, live
message times that read exactly as after a reload, editing in place, deleting only after a
question (also without JavaScript), and a composer that is not red before anyone typed and that
stays within reach on a phone. axe (WCAG 2.1 A/AA) on every state; screenshots of each step at
both viewports in test-artifacts/<test name>/.
"""

import json
import re
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.harness import ARTIFACTS, BrowserTestCase, broken_words
from tests.threads.helpers import post
from wijkverband.threads import services
from wijkverband.threads.models import Acknowledgement, Message


class DiscussionDailyUse(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}
    label = "desktop"

    def person(self, user, *, second_factor=True, **options):
        context = self.browser.new_context(locale="nl-NL", viewport=self.viewport, **options)
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

    def shot(self, page, step: str) -> None:
        folder = ARTIFACTS / self._testMethodName
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{self.label}-{step}.png"), full_page=False)

    def check(self, page, name: str) -> None:
        first = self.page
        self.page = page
        try:
            self.assert_accessible(f"{self.label}-{name}")
        finally:
            self.page = first
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{name}: the page scrolls sideways ({width}px)"
        # A message's links (Bewerken, Cliëntgegevens verwijderen, Verwijderen) wrap whole, never
        # in the middle of a word: a word's text in two boxes is a word broken over two lines.
        broken = broken_words(page, ".wv-message__actions a")
        assert broken == [], f"{name}: links broken over two lines: {broken}"

    def composer_in_sight(self, page) -> None:
        box = page.get_by_label("Bericht", exact=True).bounding_box()
        send = page.get_by_role("button", name="Versturen").bounding_box()
        height = self.viewport["height"]
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= height, box
        assert send and send["y"] + send["height"] <= height, send

    def wait_live(self, page) -> None:
        expect(page.get_by_text("Live: nieuwe berichten verschijnen vanzelf.")).to_be_visible()

    def test_mention_typing_times_edit_delete_and_the_composer(self):
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Medicatieoverdracht")
        # A long thread, as after a few weeks: yesterday's messages above today's.
        authors = (world.maarten, world.pieter, world.sofie)
        for n in range(18):
            post(thread, authors[n % 3], f"Bericht {n}: " + "de overdracht na ontslag loopt via de apotheek. " * 4)
        Message.objects.filter(thread=thread).update(created_at=Message.objects.first().created_at - timedelta(days=1))
        thread_url = self.url(f"/t/oost/threads/{thread.pk}/")

        carla_context, carla = self.person(world.carla)
        maarten_context, maarten = self.person(world.maarten)
        try:
            carla.goto(thread_url)
            self.wait_live(carla)
            maarten.goto(thread_url)
            self.wait_live(maarten)

            # Yesterday's messages say so, in Amsterdam time.
            first_time = carla.locator("article.wv-message time").first
            expect(first_time).to_have_text(re.compile(r"^gisteren \d\d:\d\d$"))

            # The composer: within the first screen although the thread is long, and not red.
            assert carla.evaluate("document.documentElement.scrollHeight") > self.viewport["height"] * 1.5
            self.composer_in_sight(carla)
            box = carla.get_by_label("Bericht", exact=True)
            expect(box).not_to_have_attribute("aria-invalid", "true")
            calm = box.evaluate("e => getComputedStyle(e).borderTopColor")
            self.check(carla, "thread")
            self.shot(carla, "1-thread")
            carla.get_by_role("button", name="Versturen").click()
            expect(box).to_have_attribute("aria-invalid", "true")
            expect(carla.get_by_text("Schrijf eerst een bericht.")).to_be_visible()
            assert box.evaluate("e => getComputedStyle(e).borderTopColor") != calm
            self.check(carla, "empty-send")

            # Mentions from the keyboard: "@Pie" offers Pieter; arrows move, Enter chooses.
            box.focus()
            carla.keyboard.type("Kun jij dit oppakken, @Pie")
            expect(box).not_to_have_attribute("aria-invalid", "true")
            listbox = carla.get_by_role("listbox", name="Suggesties om te noemen")
            expect(listbox).to_be_visible()
            # A text box that offers a list (a <textarea> may not be a combobox: axe's
            # aria-allowed-role), with the active suggestion as its active descendant, read out.
            expect(carla.get_by_role("textbox", name="Bericht")).to_have_attribute("aria-autocomplete", "list")
            expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
            option = listbox.get_by_role("option", name=re.compile("^Pieter Apotheker"))
            expect(option).to_have_attribute("aria-selected", "true")
            expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
            expect(carla.get_by_role("status").filter(has_text="1 suggestie: kies die met Enter.")).to_have_count(1)
            rules = ["aria-allowed-role", "aria-allowed-attr", "aria-valid-attr-value", "aria-required-children"]
            found = Axe().run(carla, options={"runOnly": {"type": "rule", "values": rules}})
            assert found.violations_count == 0, found.generate_report()
            self.check(carla, "suggestions")
            self.shot(carla, "2-suggestions")
            carla.keyboard.type("@")  # a second mention: all readers, organisation kinds and roles
            carla.keyboard.press("Backspace")
            carla.keyboard.press("ArrowDown")
            carla.keyboard.press("ArrowUp")
            expect(option).to_have_attribute("aria-selected", "true")
            carla.keyboard.press("Enter")
            expect(listbox).to_be_hidden()
            expect(box).to_have_value("Kun jij dit oppakken, @Pieter ")
            carla.keyboard.type("en @apo")
            expect(listbox.get_by_role("option", name=re.compile("^@apotheek"))).to_be_visible()
            carla.keyboard.press("Escape")
            expect(listbox).to_be_hidden()
            expect(box).not_to_have_attribute("aria-activedescendant", re.compile("."))
            carla.keyboard.type("theek?")
            expect(listbox).to_be_hidden()  # closed with Escape, stays closed for this word
            carla.get_by_role("button", name="Versturen").click()
            mine = carla.locator("article.wv-message").filter(has_text="Kun jij dit oppakken")
            expect(mine).to_be_visible()
            assert Message.objects.filter(body="Kun jij dit oppakken, @Pieter en @apotheek?").exists()

            # Maarten types: Carla sees it; his message arriving ends it at once (not after 4 s).
            typing = carla.locator("[data-typing]")
            maarten.get_by_label("Bericht", exact=True).press_sequentially("Ik kijk ernaar")
            expect(typing).to_have_text("Maarten Lid is aan het typen…")
            maarten.get_by_role("button", name="Versturen").click()
            theirs = carla.locator("article.wv-message").filter(has_text="Ik kijk ernaar")
            expect(theirs).to_be_visible()
            expect(typing).to_have_text("", timeout=1500)

            # The live message's time reads as the server writes it after a reload: the clock time
            # shown, "vandaag " for a screen reader only (the same markup).
            live_time = theirs.locator("time").inner_html()
            assert re.fullmatch(r'<span class="wv-visually-hidden">vandaag </span>\d\d:\d\d', live_time), live_time
            message_id = theirs.get_attribute("id")
            carla.reload()
            self.wait_live(carla)
            assert carla.locator(f"#{message_id} time").inner_html() == live_time
            mine = carla.locator(
                "#" + carla.locator("article.wv-message").filter(has_text="Kun jij dit oppakken").get_attribute("id")
            )

            # Editing in place: no other page, focus in the box, back on "Bewerken" after saving.
            mine.get_by_role("link", name=re.compile("^Bewerken")).click()
            editor = mine.get_by_label("Je bericht bewerken")
            expect(editor).to_be_focused()
            expect(carla).to_have_url(thread_url)
            # The message's own actions are away while it is edited (they stayed, reachable by Tab).
            expect(mine.locator(".wv-message__actions")).to_be_hidden()
            self.check(carla, "editing")
            self.shot(carla, "3-editing")
            editor.fill("Kun jij dit vandaag oppakken, @Pieter?")
            mine.get_by_role("button", name="Opslaan").click()
            expect(mine.locator(".wv-message__body")).to_have_text("Kun jij dit vandaag oppakken, @Pieter?")
            expect(mine.get_by_role("link", name=re.compile("^Bewerken"))).to_be_focused()
            # The edit's own live event may come after the save's answer and draw the message again:
            # the focus stays on "Bewerken" (here the event is drawn once more, as it would arrive).
            carla.evaluate(
                """async () => {
                  const client = window.wijkverbandThread;
                  const answer = await fetch(`${client.live.events_url}?after=${client.seq - 1}`);
                  for (const event of (await answer.json()).events) client.upsertMessage(event.data);
                }"""
            )
            expect(mine.get_by_role("link", name=re.compile("^Bewerken"))).to_be_focused()
            expect(mine.get_by_role("link", name="bewerkt")).to_be_visible()
            expect(maarten.get_by_text("Kun jij dit vandaag oppakken")).to_be_visible()  # live for him too

            # Deleting asks first; the safe answer has the focus.
            mine.get_by_role("link", name=re.compile("^Verwijderen")).click()
            dialog = carla.get_by_role("dialog", name="Dit bericht verwijderen?")
            expect(dialog).to_be_visible()
            expect(dialog.get_by_role("button", name="Nee, bewaren")).to_be_focused()
            self.check(carla, "delete-question")
            self.shot(carla, "4-delete-question")
            carla.keyboard.press("Enter")  # Enter on the focused "keep it": nothing is deleted
            expect(dialog).to_be_hidden()
            expect(mine.locator(".wv-message__body")).to_have_text("Kun jij dit vandaag oppakken, @Pieter?")
            mine.get_by_role("link", name=re.compile("^Verwijderen")).click()
            dialog.get_by_role("button", name="Ja, verwijder het bericht").click()
            expect(mine.get_by_text("Dit bericht is verwijderd door de schrijver.")).to_be_visible()
            expect(maarten.get_by_text("Dit bericht is verwijderd door de schrijver.")).to_be_visible()
            assert Message.objects.get(body__startswith="Kun jij dit vandaag").deleted_at is not None

            # The phone keeps the composer in reach further down the thread too.
            carla.evaluate("window.scrollTo({top: document.documentElement.scrollHeight / 2, behavior: 'instant'})")
            self.composer_in_sight(carla)
            self.shot(carla, "5-scrolled")

            # The page that asks before deleting (what "Verwijderen" opens without JavaScript).
            other = Message.objects.filter(thread=thread, author=world.sofie).order_by("seq").first()
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/messages/{other.pk}/delete/"))
            expect(carla.get_by_role("heading", level=1)).to_have_text("Dit bericht verwijderen?")
            self.check(carla, "delete-page")
            self.shot(carla, "6-delete-page")
            carla.get_by_role("link", name="Nee, bewaren").click()
            # Back at the page that holds it (?at=): the thread's own page holds only the newest 200.
            expect(carla).to_have_url(re.compile(rf"/t/oost/threads/{thread.pk}/\?at={other.seq}#message-{other.pk}$"))
            assert Message.objects.get(pk=other.pk).deleted_at is None
        finally:
            carla_context.close()
            maarten_context.close()

        # Without JavaScript, "Verwijderen" opens a page that asks; only its button deletes.
        # (Pieter: a person who has not signed in yet in this test, so a fresh TOTP code works.)
        plain_context, plain = self.person(world.pieter, java_script_enabled=False)
        try:
            plain.goto(thread_url)
            own = Message.objects.filter(thread=thread, author=world.pieter).order_by("seq").last()
            message = plain.locator(f"#message-{own.pk}")
            message.get_by_role("link", name=re.compile("^Verwijderen")).click()
            expect(plain.get_by_role("heading", level=1)).to_have_text("Dit bericht verwijderen?")
            assert Message.objects.get(pk=own.pk).deleted_at is None
            # (axe needs JavaScript in the page: it checked this page above, with it on.)
            plain.get_by_role("button", name="Ja, verwijder het bericht").click()
            expect(plain).to_have_url(re.compile(rf"/t/oost/threads/{thread.pk}/"))
            expect(plain.locator(f"#message-{own.pk}")).to_contain_text("Dit bericht is verwijderd door de schrijver.")
            assert Message.objects.get(pk=own.pk).deleted_at is not None
        finally:
            plain_context.close()

    def test_a_refused_message_comes_back_to_the_composer_with_the_reason(self):
        """A message the client-data guard refuses is not lost: it comes back into the box with
        the reason, to be fixed and sent again. One over the size limit is not sent at all."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Medicatieoverdracht")
        context, carla = self.person(world.carla)
        try:
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            box = carla.get_by_label("Bericht", exact=True)
            send = carla.get_by_role("button", name="Versturen")

            written = "Mevrouw met BSN 111222333 belt morgen over haar medicatie."
            box.fill(written)
            send.click()
            expect(carla.get_by_text(re.compile(r"^Niet verstuurd: .*elfproef voor een BSN"))).to_be_visible()
            expect(box).to_have_value(written)
            expect(box).to_have_attribute("aria-invalid", "true")
            expect(box).to_be_focused()
            assert not Message.objects.filter(thread=thread).exists()
            self.check(carla, "refused")
            self.shot(carla, "1-refused")

            box.fill("Mevrouw belt morgen over haar medicatie.")
            expect(box).not_to_have_attribute("aria-invalid", "true")
            send.click()
            expect(carla.locator("article").filter(has_text="Mevrouw belt morgen")).to_be_visible()
            expect(box).to_have_value("")
            assert Message.objects.get(thread=thread).body == "Mevrouw belt morgen over haar medicatie."

            too_long = "é" * (services.MAX_BODY_CHARS + 1)
            box.fill(too_long)
            send.click()
            limit = "Dit bericht is te lang: hooguit 10.000 tekens, dit zijn er 10.001."
            expect(carla.get_by_text(limit)).to_be_visible()
            expect(box).to_have_value(too_long)
            assert Message.objects.filter(thread=thread).count() == 1
            self.check(carla, "too-long")
            self.shot(carla, "2-too-long")
        finally:
            context.close()


class DiscussionDailyUseOnAPhone(DiscussionDailyUse):
    viewport = {"width": 390, "height": 844}
    label = "phone"

    def test_offline_the_page_says_so_and_what_was_sent_goes_once_when_back(self):
        """Found by an exploratory test: offline, the page still said "Live" and a message sat as
        "Wordt verstuurd…" with no word about the network. Also: after sending, the box has focus
        again, and Ctrl+Enter sends."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Avonddienst")
        context, carla = self.person(world.carla)
        try:
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            box = carla.get_by_label("Bericht", exact=True)
            box.fill("Eerste bericht")
            carla.get_by_role("button", name="Versturen").click()
            expect(carla.locator("article").filter(has_text="Eerste bericht")).to_be_visible()
            expect(box).to_be_focused()

            context.set_offline(True)
            # Said in a live region, so a screen reader reads it out (it was a plain paragraph).
            expect(
                carla.get_by_role("status").filter(
                    has_text="Geen netwerk: wat je verstuurt wacht hier en wordt verstuurd zodra je weer online bent."
                )
            ).to_be_visible()
            box.fill("Verstuurd zonder netwerk")
            box.press("Control+Enter")
            expect(carla.get_by_text("Wacht op het netwerk: Verstuurd zonder netwerk")).to_be_visible()
            expect(box).to_have_value("")
            self.check(carla, "offline")

            context.set_offline(False)
            expect(carla.locator("article").filter(has_text="Verstuurd zonder netwerk")).to_be_visible()
            self.wait_live(carla)
            expect(carla.get_by_text("Wacht op het netwerk:")).to_have_count(0)
            assert Message.objects.filter(thread=thread, body="Verstuurd zonder netwerk").count() == 1
            expect(carla.locator("article").filter(has_text="Verstuurd zonder netwerk")).to_have_count(1)
        finally:
            context.close()

    def test_a_message_refused_after_the_network_came_back_keeps_its_text_and_goes_back_in_the_box(self):
        """Found by an exploratory test on a phone: a message sent offline was refused by the
        client-data guard once the network was back, while the box held a new text. The waiting
        message was replaced by the reason alone: its text was gone, and the red line right above
        the box read as if the new, harmless text was refused. The refused text stays now, under
        why, and "Terugzetten in het berichtvak" swaps it with what the box holds: nothing is lost."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Terugbelverzoek")
        context, carla = self.person(world.carla)
        try:
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            box = carla.get_by_label("Bericht", exact=True)
            refused = "Tweede: BSN 111222333 graag terugbellen over de medicatie."
            typed = "Ik typ alvast verder"

            context.set_offline(True)
            box.fill(refused)
            carla.get_by_role("button", name="Versturen").click()
            expect(carla.get_by_text(f"Wacht op het netwerk: {refused}")).to_be_visible()
            box.fill(typed)
            context.set_offline(False)

            item = carla.locator(".wv-outbox__item--failed")
            expect(item).to_contain_text("Niet verstuurd:")
            expect(item).to_contain_text(refused)  # which message it was: only the reason was left
            expect(item.locator(".wv-outbox__reason")).to_have_text(re.compile(r"^Niet verstuurd: .*BSN"))
            expect(item.locator(".wv-outbox__text")).to_have_text(refused)
            expect(item).to_be_in_viewport()
            expect(box).to_have_value(typed)
            expect(box).not_to_have_attribute("aria-invalid", "true")  # the typed text was not refused
            self.check(carla, "refused-kept")
            self.shot(carla, "refused-kept")

            # Back in the box to take the number out; what was typed meanwhile is set aside.
            item.get_by_role("button", name="Terugzetten in het berichtvak").click()
            expect(box).to_have_value(refused)
            expect(box).to_be_focused()
            expect(carla.locator(".wv-composer-error")).to_contain_text("Niet verstuurd:")
            expect(item).to_have_count(0)
            aside = carla.locator(".wv-outbox__item--aside")
            expect(aside.locator(".wv-outbox__reason")).to_have_text("Apart gezet uit het berichtvak:")
            expect(aside.locator(".wv-outbox__text")).to_have_text(typed)
            self.check(carla, "set-aside")
            self.shot(carla, "set-aside")

            box.fill("Tweede: graag terugbellen over de medicatie.")
            carla.get_by_role("button", name="Versturen").click()
            expect(carla.locator("article").filter(has_text="Tweede: graag terugbellen")).to_be_visible()
            aside.get_by_role("button", name="Terugzetten in het berichtvak").click()
            expect(box).to_have_value(typed)
            expect(carla.locator(".wv-outbox li")).to_have_count(0)
            assert list(Message.objects.filter(thread=thread).values_list("body", flat=True)) == [
                "Tweede: graag terugbellen over de medicatie."
            ]
        finally:
            context.close()

    def test_a_refused_text_keeps_its_reason_however_often_it_is_swapped_and_can_be_thrown_away(self):
        """Found by an exploratory test on a phone: swapped back out of the box, a refused text was
        labelled "Apart gezet uit het berichtvak:" and its "Niet verstuurd" reason was gone; a third
        swap put the client data back in the box with no warning. And a refused text that was
        retyped without the client data stayed on screen until a reload: "Weggooien" removes it,
        from the keyboard too, and focus goes back to the box."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Bezoekjes")
        context, carla = self.person(world.carla)
        try:
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            box = carla.get_by_label("Bericht", exact=True)
            refused = "Bezoek bij mw de vries 3-5-1950 morgen"
            typed = "Nieuwe tekst die ik intussen typte"
            context.set_offline(True)
            box.fill(refused)
            carla.get_by_role("button", name="Versturen").click()
            expect(carla.get_by_text(f"Wacht op het netwerk: {refused}")).to_be_visible()
            box.fill(typed)
            context.set_offline(False)

            failed = carla.locator(".wv-outbox__item--failed")
            aside = carla.locator(".wv-outbox__item--aside")
            error = carla.locator(".wv-composer-error")

            def refused_is_kept():
                expect(failed.locator(".wv-outbox__reason")).to_have_text(re.compile(r"^Niet verstuurd: "))
                expect(failed.locator(".wv-outbox__text")).to_have_text(refused)
                expect(aside).to_have_count(0)
                expect(box).to_have_value(typed)
                expect(error).to_have_count(0)
                expect(box).not_to_have_attribute("aria-invalid", "true")

            def refused_is_in_the_box():
                expect(box).to_have_value(refused)
                expect(error).to_contain_text("Niet verstuurd:")
                expect(box).to_have_attribute("aria-invalid", "true")
                expect(failed).to_have_count(0)
                expect(aside.locator(".wv-outbox__reason")).to_have_text("Apart gezet uit het berichtvak:")
                expect(aside.locator(".wv-outbox__text")).to_have_text(typed)

            refused_is_kept()
            for _ in range(2):
                failed.get_by_role("button", name="Terugzetten in het berichtvak").click()
                refused_is_in_the_box()
                aside.get_by_role("button", name="Terugzetten in het berichtvak").click()
                refused_is_kept()
            self.check(carla, "refused-swapped")

            # Retyped without the client data: the refused text is thrown away, by keyboard.
            failed.get_by_role("button", name="Weggooien").focus()
            carla.keyboard.press("Enter")
            expect(carla.locator(".wv-outbox li")).to_have_count(0)
            expect(box).to_be_focused()
            expect(box).to_have_value(typed)
            # A text set aside can be thrown away too; focus goes to the next one kept, else the box.
            box.fill(refused)
            context.set_offline(True)
            carla.get_by_role("button", name="Versturen").click()
            box.fill("Tweede tekst")
            context.set_offline(False)
            expect(failed).to_have_count(1)
            failed.get_by_role("button", name="Terugzetten in het berichtvak").click()
            expect(aside).to_have_count(1)
            aside.get_by_role("button", name="Weggooien").click()
            expect(aside).to_have_count(0)
            expect(box).to_be_focused()
            expect(box).to_have_value(refused)
            assert not Message.objects.filter(thread=thread).exists()
        finally:
            context.close()

    def test_offline_the_composer_says_so_where_the_person_reads(self):
        """Found by an exploratory test on a phone: offline, only the status line above the
        messages said "Geen netwerk", some 2000 px above the composer where a person reads the
        newest messages: who was not sending saw no sign of it. It shows at the bottom of the screen
        too now (at the composer; for a client representative, who has none, on its own), and is said
        once: the copy is no live region."""
        world = self.world
        thread = services.thread_create(
            actor=world.carla, team=world.team_a, title="Nachtdienst", open_to_representatives=True
        )
        for n in range(30):
            post(thread, world.maarten, f"Bericht {n} over de nachtdienst en wie er belt.")
        for user in (world.carla, world.rosa):
            services.read_marker_set(actor=user, thread=thread, seq=30, announce=False)
        people = (
            (
                world.carla,
                "#post-form [data-connection]",
                "Geen netwerk: wat je verstuurt wacht hier en wordt verstuurd zodra je weer online bent.",
            ),
            # She reads along and sends nothing: nothing of hers waits.
            (world.rosa, "[data-connection]", "Geen netwerk: nieuwe berichten verschijnen zodra je weer online bent."),
        )
        for user, bottom, offline in people:
            context, page = self.person(user, second_factor=user != world.rosa)  # Rosa has none
            try:
                page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
                self.wait_live(page)
                expect(page.locator("article").last).to_be_in_viewport()
                status = page.get_by_role("status").filter(has_text=offline)

                context.set_offline(True)
                expect(status).to_have_count(1)
                expect(status).not_to_be_in_viewport()  # far up the page
                note = page.locator(bottom)
                expect(note).to_contain_text(offline)
                expect(note).to_be_in_viewport()
                assert note.evaluate("e => e.closest('[aria-live], [role=status], [role=alert]')") is None
                self.check(page, f"offline-{user.email.split('@')[0]}")
                self.shot(page, f"offline-{user.email.split('@')[0]}")

                context.set_offline(False)
                self.wait_live(page)
                expect(note).to_be_hidden()
            finally:
                context.close()

    def test_confirming_a_message_by_keyboard_keeps_focus_at_the_message(self):
        """Found by an exploratory test: after the confirmation the page came back at the message
        but focus was at the top of the page, so a keyboard or screen-reader user lost their place."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Diensten")
        post(thread, world.carla, "Wie neemt zaterdag de dienst?", asks_ack=True)
        context, maarten = self.person(world.maarten)
        try:
            maarten.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(maarten)
            confirm = maarten.get_by_role("button", name="Bevestigen")
            confirm.focus()
            confirm.press("Enter")
            expect(confirm).to_have_count(0)
            message = Message.objects.get(thread=thread)
            focused = maarten.evaluate("document.activeElement.closest('article')?.id")
            where = maarten.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            assert focused == f"message-{message.pk}", where
            expect(maarten.locator("[data-ack-line]")).to_contain_text("Maarten")
            self.check(maarten, "confirmed")
        finally:
            context.close()

    def test_confirming_a_message_keeps_the_reply_being_written(self):
        """Found by a tester: typing a reply, then tapping "Bevestigen" on the message that asked for
        it, loaded the whole page again (…?at=41#message-305) and the box came back empty, without
        a word. The page confirms in place now, and what is in the box stays there."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Dienstrooster")
        post(thread, world.carla, "Vraag: wie kan zaterdag? Bevestig dat je dit gelezen hebt.", asks_ack=True)
        context, maarten = self.person(world.maarten)
        try:
            maarten.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(maarten)
            maarten.evaluate("window.wvSamePage = true")  # gone if the page is loaded again
            box = maarten.get_by_label("Bericht", exact=True)
            reply = "Ik kan zaterdag, maar pas na de ochtendronde van tien uur."
            box.fill(reply)
            confirm = maarten.get_by_role("button", name="Bevestigen")
            # No answer (the network gone at that moment): said at the button, which stays.
            maarten.route("**/ack/", lambda route: route.abort())
            confirm.click()
            error = maarten.locator("[data-confirm-error]")
            expect(error).to_have_text("Niet bevestigd: De server is niet bereikbaar. Probeer het zo nog eens.")
            expect(confirm).to_have_accessible_description(re.compile("Niet bevestigd"))
            expect(confirm).to_be_focused()
            expect(box).to_have_value(reply)
            maarten.unroute("**/ack/")
            confirm.click()
            expect(confirm).to_have_count(0)
            expect(error).to_have_count(0)
            expect(maarten.locator("[data-ack-line]")).to_contain_text(world.maarten.name)
            expect(box).to_have_value(reply)
            assert maarten.evaluate("window.wvSamePage === true"), "the page was loaded again"
            message = Message.objects.get(thread=thread)
            assert Acknowledgement.objects.for_team(thread.team_id).filter(message=message, user=world.maarten).exists()
            # Focus stays at the message, on what now says who confirmed.
            focused = maarten.evaluate("document.activeElement.closest('article')?.id")
            assert focused == f"message-{message.pk}"
            self.check(maarten, "confirmed-in-place")
            # The reply goes out as usual afterwards.
            maarten.get_by_role("button", name="Versturen").click()
            expect(maarten.locator("article").filter(has_text="na de ochtendronde")).to_be_visible()
            expect(box).to_have_value("")
        finally:
            context.close()

    def test_with_the_phone_keyboard_open_the_composer_leaves_room_for_the_messages(self):
        """Found by an exploratory test: at 390×420 (a phone with its keyboard open) the composer
        took about 245 of 420 px. It keeps to two fifths now, with three lines typed (a phone of
        that height: the box's label is read, not shown, and the box scrolls after three lines)."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Weekend")
        for n in range(8):
            post(thread, world.maarten, f"Bericht {n} over de dienst van het weekend")
        context, carla = self.person(world.carla)
        try:
            carla.set_viewport_size({"width": 390, "height": 420})
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            box = carla.get_by_label("Bericht", exact=True)
            expect(box).to_have_attribute("placeholder", "Schrijf een bericht…")  # its label is not shown here
            box.fill("Eerste regel\ntweede regel\nderde regel")
            composer = carla.locator(".wv-composer--sticky").bounding_box()
            assert composer["height"] <= 420 * 0.4, composer
            send = carla.get_by_role("button", name="Versturen").bounding_box()
            assert send["y"] + send["height"] <= 420, send
            # Everything of it is on the screen: the box, the question's whole label, the button.
            label = carla.locator("label[for='id_asks_ack']").bounding_box()
            assert label["y"] >= composer["y"] and label["y"] + label["height"] <= 420, (label, composer)
            assert composer["y"] + composer["height"] <= 420 + 1, composer
            self.check(carla, "keyboard-open")
        finally:
            context.close()

    def test_at_four_times_zoom_the_composer_stays_in_the_page(self):
        """Found by an exploratory test: at 400 % zoom (320×256 CSS px) the composer kept at the
        bottom took 165 of 256 px, and only its placeholder said what it was for. There it stays
        in the page after the messages, with its label shown, and the messages have the screen."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Zoom")
        for n in range(8):
            post(thread, world.maarten, f"Bericht {n} over de dienst van het weekend")
        context, carla = self.person(world.carla)
        try:
            carla.set_viewport_size({"width": 320, "height": 256})
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            composer = carla.locator(".wv-composer--sticky")
            assert composer.evaluate("e => getComputedStyle(e).position") == "static"
            expect(carla.locator("label[for='id_body']")).to_be_visible()
            assert carla.evaluate("document.documentElement.scrollWidth") <= 320
            carla.get_by_role("link", name="Naar het berichtvak").click()
            box = carla.get_by_label("Bericht", exact=True)
            box.fill("Vanuit de zoom")
            carla.get_by_role("button", name="Versturen").click()
            expect(carla.locator("article").filter(has_text="Vanuit de zoom")).to_be_visible()
        finally:
            context.close()

    def test_a_message_written_after_losing_access_is_not_left_pending(self):
        """Found by an exploratory test: made a client representative while the discussion was open,
        the page said it could no longer read it, but a message sent after that sat as "Wordt
        verstuurd…" for good. It is refused at once, with why, and the text stays in the box."""
        from wijkverband.tenancy.models import Membership

        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Alleen professionals")
        context, maarten = self.person(world.maarten)
        try:
            maarten.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(maarten)
            # Carla changes his role on the members page (the server tells his open page).
            carla_context, carla = self.person(world.carla)
            carla.goto(self.url("/t/oost/members/"))
            carla.get_by_label(f"Rol van {world.maarten.name}").select_option("client_representative")
            carla.get_by_role("button", name=f"Rol wijzigen van {world.maarten.name}").click()
            expect(carla.locator(".wv-messages")).to_contain_text(world.maarten.name)
            carla_context.close()
            membership = Membership.objects.get(team=world.team_a, user=world.maarten)
            assert membership.role == "client_representative"
            expect(maarten.get_by_role("status").filter(has_text="Je kunt dit gesprek niet meer lezen")).to_be_visible(
                timeout=15_000
            )
            box = maarten.get_by_label("Bericht", exact=True)
            box.fill("Geschreven na het verlies van toegang")
            maarten.get_by_role("button", name="Versturen").click()
            expect(maarten.locator(".wv-composer-error")).to_contain_text(
                "Niet verstuurd: Je kunt dit gesprek niet meer lezen"
            )
            expect(box).to_have_value("Geschreven na het verlies van toegang")
            expect(maarten.get_by_text("Wordt verstuurd…")).to_have_count(0)
            assert not Message.objects.filter(thread=thread, author=world.maarten).exists()
        finally:
            context.close()

    def test_a_message_written_after_signing_out_elsewhere_is_kept(self):
        """Found by an exploratory test: signed out in another tab, a message sent was taken for
        posted (the post over HTTP was led to the sign-in page) and the text was gone."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Afmelden")
        context, carla = self.person(world.carla)
        try:
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            other_tab = context.new_page()
            other_tab.goto(self.url("/accounts/logout/"))
            other_tab.get_by_role("button", name="Afmelden").last.click()
            expect(carla.get_by_role("status").filter(has_text="Je bent afgemeld.")).to_be_visible()

            box = carla.get_by_label("Bericht", exact=True)
            written = "Geschreven na het afmelden"
            box.fill(written)
            carla.get_by_role("button", name="Versturen").click()
            expect(carla.locator(".wv-composer-error")).to_contain_text("Niet verstuurd: Je bent afgemeld.")
            expect(box).to_have_value(written)
            assert not Message.objects.filter(thread=thread).exists()
            kept = json.loads(carla.evaluate(f"sessionStorage.getItem('wv-draft-{thread.pk}')"))
            assert kept == {"user": world.carla.pk, "body": written, "asks_ack": False}
        finally:
            context.close()
        # Back on the page in that tab after signing in again, the text is in the box (kept there
        # until it is sent). A draft of a page from before drafts named their person is its bare text.
        context, maarten = self.person(world.maarten)
        try:
            # Set on another page of the tab: the thread page keeps what it holds when it is left.
            maarten.goto(self.url("/my-work/"))
            maarten.evaluate(f"sessionStorage.setItem('wv-draft-{thread.pk}', 'Nog niet verstuurd')")
            maarten.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            expect(maarten.get_by_label("Bericht", exact=True)).to_have_value("Nog niet verstuurd")
            kept = json.loads(maarten.evaluate(f"sessionStorage.getItem('wv-draft-{thread.pk}')"))
            assert kept == {"user": world.maarten.pk, "body": "Nog niet verstuurd", "asks_ack": False}
        finally:
            context.close()

    def test_a_thread_opens_at_what_is_new_and_follows_new_messages_like_a_chat(self):
        """Found by an exploratory test on a phone: a thread opened at its oldest message, seven
        screens above the "Nieuw sinds je vorige bezoek" line; a message that arrived at the end
        was hidden under the composer, and one that arrived while reading older ones was not
        mentioned at all; a screen reader heard "Gelezen door …" once per message whenever someone
        read the thread; Arabic read left to right."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Weekenddienst")
        for i in range(1, 31):
            post(thread, world.carla if i % 2 else world.sofie, f"Bericht nummer {i} over de weekenddienst.")
        services.read_marker_set(actor=world.maarten, thread=thread, seq=20, announce=False)
        services.read_marker_set(actor=world.carla, thread=thread, seq=30, announce=False)
        maarten_context, maarten = self.person(world.maarten)
        carla_context, carla = self.person(world.carla)
        try:
            maarten.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(maarten)
            # At the first unread message, not at the top.
            divider = maarten.locator("#unread")
            expect(divider).to_be_in_viewport()
            assert maarten.evaluate("window.scrollY") > 0
            expect(maarten.locator("article").filter(has_text="Bericht nummer 1 over")).not_to_be_in_viewport()

            # At the end, a new message from someone else comes into view above the composer.
            maarten.locator("article").last.scroll_into_view_if_needed()
            maarten.evaluate("window.scrollTo({top: document.documentElement.scrollHeight, behavior: 'instant'})")
            carla.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            self.wait_live(carla)
            # Her page opened at the newest message: she has read everything.
            expect(carla.locator("article").last).to_be_in_viewport()
            box = carla.get_by_label("Bericht", exact=True)
            box.fill("Wie neemt zaterdag de spoed?")
            box.press("Control+Enter")
            arrived = maarten.locator("article").filter(has_text="Wie neemt zaterdag de spoed?")
            expect(arrived).to_be_visible()
            # Where the composer is as the page comes to rest (measured once, it was measured mid-scroll).
            maarten.wait_for_function(
                "() => { const r = [...document.querySelectorAll('article')].pop().getBoundingClientRect();"
                " const top = document.querySelector('#post-form').getBoundingClientRect().top;"
                " return r.bottom <= top + 1 && r.top >= 0; }"
            )
            # A screen reader hears the new message once, and nothing when someone only reads.
            announcer = maarten.locator("[data-announce]")
            expect(announcer).to_have_text("Nieuw bericht van Carla Coördinator: Wie neemt zaterdag de spoed?")
            assert maarten.locator("[data-thread-log]").get_attribute("aria-live") == "off"
            # Hers on her page are hers; on his, not.
            assert "wv-message--mine" in carla.locator("article").last.get_attribute("class")
            assert "wv-message--mine" not in arrived.get_attribute("class")
            self.shot(maarten, "followed")

            # Reading older messages: the page stays, and a button says what is new below.
            maarten.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
            box.fill("مرحبا بالفريق، هل الدواء جاهز؟")
            box.press("Control+Enter")
            button = maarten.get_by_role("button", name="1 nieuw bericht ↓")
            expect(button).to_be_visible()
            # It lies over the messages: a background of its own, or the text behind it shows
            # through its label (a tester, at 390×844). Transparent reads "rgba(0, 0, 0, 0)".
            background = button.evaluate("e => getComputedStyle(e).backgroundColor")
            assert background.startswith("rgb("), f"the button's background is not opaque: {background}"
            assert maarten.evaluate("window.scrollY") == 0
            arabic = maarten.locator("article").filter(has_text="مرحبا بالفريق").locator(".wv-message__body")
            assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
            self.check(maarten, "new-below")
            self.shot(maarten, "new-below")
            button.click()
            expect(button).to_be_hidden()
            expect(maarten.locator("article").filter(has_text="مرحبا بالفريق")).to_be_in_viewport()
            # "Gelezen door" names each reader once, under the last message of someone else's they
            # read, and never the person viewing: his own read marker comes back from the server
            # (his page sends it 1.5 s after the message), and his name is under no message. Named
            # under every message read, it was under all 32 (and everyone else's too).
            maarten.wait_for_function(
                "() => { const client = window.wijkverbandThread;"
                f" return (client.markers.get({world.maarten.pk}) || {{ seq: 0 }}).seq >= client.seq; }}"
            )
            read_lines = maarten.locator("[data-read-by]")
            expect(read_lines.filter(has_text=world.maarten.name)).to_have_count(0)
            # Carla wrote the newest two: she is named once, under Sofie's message before them.
            expect(read_lines.filter(has_text=world.carla.name)).to_have_count(1)
            thirtieth = Message.objects.get(thread=thread, seq=30)
            sofies = maarten.locator(f"#message-{thirtieth.pk}")
            expect(sofies.locator("[data-read-by]")).to_contain_text(world.carla.name)
            # Five names, then the rest counted, live as on the server's page: eight readers of the
            # newest message.
            line = maarten.evaluate(
                """() => {
                  const client = window.wijkverbandThread;
                  const reader = (i) => ({ id: 9000 + i, name: `Lezer ${i}`, seq: client.seq });
                  client.readBy([...Array(8).keys()].map(reader));
                  const read = [...document.querySelectorAll("article")].pop().querySelector("[data-read-by]");
                  return [read.querySelectorAll("[data-user]").length, read.textContent.trim()];
                }"""
            )
            assert line[0] == 5 and line[1].endswith(" en nog 3"), line
            # Someone who read only up to Sofie's message (seq 30) is named there, beside Carla,
            # and nowhere else.
            maarten.evaluate("() => window.wijkverbandThread.readBy([{ id: 9100, name: 'Lezer Dertig', seq: 30 }])")
            expect(sofies.locator("[data-read-by]")).to_contain_text("Lezer Dertig")
            expect(read_lines.filter(has_text="Lezer Dertig")).to_have_count(1)
            # Sofie deletes that message: who was named under it moves up, live. Lezer Dertig to
            # Carla's message before it; Carla to Sofie's before hers.
            services.message_delete(actor=world.sofie, message=thirtieth)
            expect(sofies).to_contain_text("verwijderd")
            expect(sofies.locator("[data-read-by]")).to_have_count(0)
            carlas = maarten.locator("article").filter(has_text="Bericht nummer 29 over").locator("[data-read-by]")
            expect(carlas).to_have_text("Gelezen door Lezer Dertig")
            before = maarten.locator("article").filter(has_text="Bericht nummer 28 over").locator("[data-read-by]")
            expect(before).to_have_text(f"Gelezen door {world.carla.name}")
            expect(read_lines.filter(has_text=world.carla.name)).to_have_count(1)
            # After a reload the server's page reads right to left too.
            maarten.reload()
            arabic = maarten.locator("article").filter(has_text="مرحبا بالفريق").locator(".wv-message__body")
            assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
        finally:
            maarten_context.close()
            carla_context.close()
