"""A thread on a phone (390 px wide) where a tester found it unusable: without JavaScript, a message
the client-data guard refused turned the composer at the bottom of the screen into 579 of 844 px
(528 of 500 with the keyboard open), its reason twice and its summary's heading broken mid-word
("Er is een prob leem"); and a message's table broke its words ("Da g") to fit."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.harness import ARTIFACTS, BrowserTestCase, broken_words
from tests.personas import make_user
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership
from wijkverband.threads import services as threads
from wijkverband.threads.models import Message

PHONE = {"width": 390, "height": 844}
KEYBOARD_OPEN = {"width": 390, "height": 500}

# Whether the point at the middle of the element shows the element (nothing lies over it).
_UNCOVERED = """
(element) => {
  const box = element.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return top !== null && element.contains(top);
}
"""


#: The text of an element a sighted person sees: without its visually hidden parts (.wv-visually-hidden).
SHOWN_TEXT = """(element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let shown = "";
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.parentElement.closest(".wv-visually-hidden")) shown += text.textContent;
  }
  return shown.trim();
}"""


class ThreadOnAPhone(BrowserTestCase):
    def shoot(self, page, name: str) -> None:
        folder = ARTIFACTS / "ThreadOnAPhone"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))

    def thread_with_messages(self, count: int = 8):
        """Carla and Sofie in turn (one person's run shows their name once: a shorter page)."""
        thread = threads.thread_create(actor=self.world.carla, team=self.world.team_a, title="Medicatieoverdracht")
        for i in range(count):
            threads.message_post(
                actor=self.world.sofie if i % 2 else self.world.carla,
                thread=thread,
                body=f"Bericht {i}: wie belt de apotheek?",
                client_id=uuid.uuid4(),
            )
        return thread

    def without_javascript(self, page) -> None:
        """The page's own scripts do not run (as with JavaScript off), while axe still can: a context
        with JavaScript off runs no axe either."""
        page.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())

    def test_a_refused_message_without_javascript_leaves_the_messages_in_sight(self):
        thread = self.thread_with_messages()
        self.sign_in(self.world.maarten)
        page = self.page
        self.without_javascript(page)
        for size in (PHONE, KEYBOARD_OPEN):
            page.set_viewport_size(size)
            page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            box = page.get_by_label("Bericht", exact=True)
            box.fill("Mevrouw J. Jansen 12-03-1945 belt")
            page.get_by_role("button", name="Versturen").click()
            reason = page.get_by_text(re.compile("geboortedatum"))
            # Said once, at the box, and in sight where the page opens (the form's address leads to
            # the box): the text is still in the box, to be put right.
            expect(reason).to_have_count(1)
            expect(box).to_have_value("Mevrouw J. Jansen 12-03-1945 belt")
            expect(box).to_be_in_viewport(ratio=1)
            expect(reason).to_be_in_viewport(ratio=1)
            self.shoot(page, f"refused-{size['height']}")
            # Every message can be read: scrolled to, nothing of the composer lies over it.
            for message in page.locator(".wv-message").all():
                message.scroll_into_view_if_needed()
                assert message.evaluate(_UNCOVERED), f"a message is under the composer at {size}"
            composer = page.locator("#post-form").bounding_box()
            assert composer["height"] < size["height"], (size, composer)
            assert broken_words(page, "#post-form") == [], size
            self.assert_accessible(f"thread-refused-{size['height']}", target_size=True)
        # What no field shows (a spoilt hidden field) still gets the summary: its heading above its
        # list, whole words ("Er is een prob / leem" was squeezed beside the list).
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        page.get_by_label("Bericht", exact=True).fill("Wie belt de apotheek?")
        page.locator("input[name=client_id]").evaluate("(input) => { input.value = 'geen-id'; }")
        page.get_by_role("button", name="Versturen").click()
        summary = page.locator(".wv-error-summary")
        expect(summary.get_by_role("heading")).to_have_text("Er is een probleem met dit formulier")
        assert broken_words(page, ".wv-error-summary") == []
        above = summary.evaluate(
            "(s) => s.querySelector('h2').getBoundingClientRect().bottom"
            " <= s.querySelector('li').getBoundingClientRect().top"
        )
        assert above, "the summary's heading stands above its list"
        self.assert_accessible("thread-summary", target_size=True)

    def test_a_messages_table_scrolls_in_its_own_box_and_its_heading_sits_below_the_pages(self):
        thread = threads.thread_create(actor=self.world.carla, team=self.world.team_a, title="Rooster")
        table = (
            "| Dag | Tijd | Wie | Waar | Bijzonderheden |\n|---|---|---|---|---|\n"
            "| Maandag | 09:00 | Wijkverpleging | Gezondheidscentrum | Medicatieoverdracht bespreken |\n"
            "| Donderdag | 14:00 | Apotheek | Apotheek Linde | Herhaalrecepten nalopen |"
        )
        threads.message_post(
            actor=self.world.carla,
            thread=thread,
            body="# Belangrijk\n\nHet rooster:\n\n" + table + "\n\n![foto van het rooster](https://example.nl/r.jpg)",
            client_id=uuid.uuid4(),
        )
        self.sign_in(self.world.maarten)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        heading = page.get_by_role("heading", name="Belangrijk")
        expect(heading).to_have_count(1)
        size = heading.evaluate("(h) => parseFloat(getComputedStyle(h).fontSize)")
        body = page.locator(".wv-message__body p").first.evaluate("(p) => parseFloat(getComputedStyle(p).fontSize)")
        assert size <= body * 1.25, (size, body)  # modest: not the page's title size
        region = page.get_by_role("region", name="Dag, Tijd, Wie, Waar, Bijzonderheden")
        expect(region).to_be_visible()
        assert broken_words(page, ".wv-message__body table") == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the thread scrolls sideways ({width}px)"
        assert region.evaluate("(r) => r.scrollWidth > r.clientWidth"), "the table scrolls in its box"
        region.focus()
        page.keyboard.press("ArrowRight")
        expect(page.get_by_role("link", name="foto van het rooster")).to_have_attribute(
            "href", "https://example.nl/r.jpg"
        )
        self.shoot(page, "table")
        self.assert_accessible("thread-table", target_size=True)

    def test_a_second_thread_of_a_title_is_warned_about_and_opened_anyway_on_a_phone(self):
        """Teams ended up with two "Algemeen" threads, none of them warned. The first send now stops
        at the title with the one there is linked (it opens beside the form), the summary taking the
        focus; ticking "Toch een nieuw gesprek beginnen" and sending again opens the second."""
        existing = threads.thread_create(actor=self.world.carla, team=self.world.team_a, title="Algemeen")
        self.sign_in(self.world.maarten)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/t/oost/threads/"))
        page.get_by_label("Titel").fill("Algemeen")
        page.get_by_role("button", name="Gesprek beginnen").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        summary.get_by_role("link", name=re.compile("Er is al een gesprek met deze titel")).click()
        title = page.get_by_label("Titel")
        expect(title).to_be_focused()
        expect(title).to_have_attribute("aria-invalid", "true")
        expect(title).to_have_value("Algemeen")
        link = page.locator("#same-name").get_by_role("link", name=re.compile("^Algemeen"))
        expect(link).to_have_attribute("href", f"/t/oost/threads/{existing.pk}/")
        expect(link).to_have_attribute("target", "_blank")
        go_on = page.get_by_label("Toch een nieuw gesprek beginnen")
        expect(go_on).not_to_be_checked()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        self.shoot(page, "same-title-warned")
        self.assert_accessible("same-title-warned", target_size=True)
        go_on.check()
        page.get_by_role("button", name="Gesprek beginnen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Algemeen")
        assert page.url != self.url(f"/t/oost/threads/{existing.pk}/")
        from wijkverband.threads.models import Thread

        assert Thread.objects.filter(team=self.world.team_a, title="Algemeen").count() == 2


class ThreadAsAChatOnAPhone(BrowserTestCase):
    """Found by an explorer who used a thread as a chat app on a 390×844 phone, two people in one
    thread."""

    shoot = ThreadOnAPhone.shoot
    thread_with_messages = ThreadOnAPhone.thread_with_messages
    without_javascript = ThreadOnAPhone.without_javascript

    def open_thread(self, thread, *, wait_live: bool = True):
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        if wait_live:
            expect(page.get_by_text("Live: nieuwe berichten verschijnen vanzelf.")).to_be_visible()
        return page

    def test_the_first_suggestion_for_typed_letters_is_the_person_whose_name_starts_with_them(self):
        """ "@Ma" listed "Fatima El Amrani" first (the letters anywhere in the name, alphabetical,
        cut at eight): in a large team Maarten fell off the list, and a tap on the first one
        mentioned (and mailed) someone else."""
        # Eight others whose names hold "ma" but do not start with it, all before Maarten.
        for local, name in [
            ("ahmad", "Ahmad Bakker"),
            ("amal", "Amal Visser"),
            ("emma", "Emma de Vries"),
            ("fatima", "Fatima El Amrani"),
            ("gemma", "Gemma Dekker"),
            ("jamal", "Jamal Smit"),
            ("kamal", "Kamal Bos"),
            ("irma", "Irma Kaya"),
        ]:
            user = make_user(local, name)
            tenancy.membership_create(
                actor=None,
                team=self.world.team_a,
                user=user,
                role=Membership.Role.MEMBER,
                organisation=self.world.pharmacy,
            )
        thread = self.thread_with_messages(1)
        self.sign_in(self.world.carla)
        page = self.open_thread(thread)
        box = page.get_by_label("Bericht", exact=True)
        box.click()
        box.press_sequentially("Bel jij @Ma")
        options = page.get_by_role("listbox", name="Suggesties om te noemen").get_by_role("option")
        expect(options.first).to_contain_text("Maarten Lid")
        expect(options.nth(1)).to_contain_text("Ahmad Bakker")  # then those holding it, in order
        expect(options).to_have_count(8)
        self.shoot(page, "mention-starts-first")
        options.first.click()
        expect(box).to_have_value("Bel jij @Maarten ")
        self.assert_accessible("mention-starts-first", target_size=True)

    def test_a_second_tap_on_send_does_nothing_and_a_later_empty_send_is_still_told(self):
        """Double-tapping "Versturen" posted once, then turned the emptied box red with "Schrijf
        eerst een bericht."."""
        thread = self.thread_with_messages(1)
        self.sign_in(self.world.maarten)
        page = self.open_thread(thread)
        box = page.get_by_label("Bericht", exact=True)
        box.fill("Ik bel de apotheek")
        send = page.get_by_role("button", name="Versturen")
        send.click()
        send.click()  # the second tap of a double tap
        expect(page.locator("article").filter(has_text="Ik bel de apotheek")).to_have_count(1)
        expect(box).to_have_value("")
        page.wait_for_timeout(300)
        expect(page.get_by_text("Schrijf eerst een bericht.")).to_have_count(0)
        expect(box).not_to_have_attribute("aria-invalid", "true")
        assert Message.objects.filter(thread=thread, body="Ik bel de apotheek").count() == 1
        self.shoot(page, "double-tap")
        # Later, an empty box sent on purpose is still told.
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="Versturen").click()
        expect(page.get_by_text("Schrijf eerst een bericht.")).to_be_visible()
        expect(box).to_have_attribute("aria-invalid", "true")

    def test_send_stays_under_the_finger_while_a_short_threads_message_goes_out_and_comes_in(self):
        """On a thread of a message or two the composer stood under the messages, halfway up the
        screen: "Versturen" moved 32 px down as it was tapped (the "Wordt verstuurd…" line above the
        box) and 68–73 px more when the message came in, so a second tap hit what moved there. Now
        the composer stands at the bottom of the screen, as a chat app's, and the messages fill the
        room above it."""
        thread = self.thread_with_messages(2)
        self.sign_in(self.world.maarten)
        held = {"on": False, "frames": []}

        def socket_route(ws):
            server = ws.connect_to_server()

            def to_page(message):
                if held["on"]:
                    held["frames"].append((ws, message))
                else:
                    ws.send(message)

            server.on_message(to_page)

        self.page.route_web_socket(re.compile(r"/ws/"), socket_route)
        for size in (PHONE, {"width": 1280, "height": 900}):
            page = self.open_thread(thread)
            page.set_viewport_size(size)
            send = page.get_by_role("button", name="Versturen")
            composer = page.locator("#post-form")
            bottom = composer.bounding_box()
            assert abs(bottom["y"] + bottom["height"] - size["height"]) <= 1, (size, bottom)
            # Opened at what is new (on the phone, the first time), the title stays in sight: all of
            # the thread fits, nothing to scroll to.
            expect(page.get_by_role("heading", name="Medicatieoverdracht")).to_be_in_viewport()
            before = send.bounding_box()["y"]
            text = f"Wie belt de huisarts? ({size['width']})"
            page.get_by_label("Bericht", exact=True).fill(text)
            held["on"] = True  # the server's answer waits: the message shows as on its way
            send.click()
            expect(page.get_by_text(f"Wordt verstuurd… {text}")).to_be_visible()
            on_its_way = send.bounding_box()["y"]
            held["on"] = False
            for ws, message in held["frames"]:
                ws.send(message)
            held["frames"].clear()
            expect(page.locator("article.wv-message").filter(has_text=text)).to_be_visible()
            expect(page.get_by_text(f"Wordt verstuurd… {text}")).to_have_count(0)
            arrived = send.bounding_box()["y"]
            assert (before, on_its_way, arrived) == (before, before, before), size
            # And the message is in sight above the composer, all of it (on the desktop the thread is
            # longer than the screen by now: the page scrolled it up, 42 px short of the composer's
            # 266 px, as a 14rem margin had it).
            page.wait_for_function(
                "() => [...document.querySelectorAll('article.wv-message')].pop().getBoundingClientRect().bottom"
                " <= document.querySelector('#post-form').getBoundingClientRect().top"
            )
        self.assert_accessible("composer-at-the-bottom", target_size=True)

    def test_a_thread_opened_at_what_is_new_keeps_its_composer_at_the_bottom(self):
        """A thread of a few screens' worth with one message new opened with "Nieuw sinds je vorige
        bezoek" at the top of the screen: scrolled past the conversation's end, the composer stood
        halfway up, the page's footer under it. Now the page scrolls as far as the thread goes."""
        thread = self.thread_with_messages(6)
        threads.read_marker_set(actor=self.world.maarten, thread=thread, seq=5, announce=False)
        self.sign_in(self.world.maarten)
        page = self.open_thread(thread)
        divider = page.get_by_text("Nieuw sinds je vorige bezoek")
        expect(divider).to_be_in_viewport(ratio=1)
        # The page scrolls smoothly: where it comes to rest, the composer is at the screen's bottom
        # and the newest message above it.
        page.wait_for_function(
            "() => { const composer = document.querySelector('#post-form').getBoundingClientRect();"
            " const newest = [...document.querySelectorAll('article.wv-message')].pop().getBoundingClientRect();"
            " return scrollY > 0 && composer.bottom === innerHeight && newest.bottom <= composer.top; }"
        )
        expect(divider).to_be_in_viewport(ratio=1)

    def test_a_read_thread_rests_at_its_end_and_keeps_it_in_sight_as_it_grows(self):
        """Found when a CI run's chat test timed out: opened from the thread list ("#newest"), the
        page glided past the thread's end to the page's bottom, the composer halfway up the screen
        over the footer; at the end, "… is aan het typen" stood under the composer; and a
        "Gelezen door" line under the newest message pushed it under the composer, the page not
        following, so the next message that came in was not followed either."""
        thread = self.thread_with_messages(25)
        self.sign_in(self.world.maarten)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))  # read to the end
        page.goto(self.url("/t/oost/threads/"))
        page.get_by_role("link", name="Medicatieoverdracht", exact=True).first.click()
        expect(page.get_by_text("Live: nieuwe berichten verschijnen vanzelf.")).to_be_visible()
        at_the_end = (
            "() => { const composer = document.querySelector('#post-form').getBoundingClientRect();"
            " const typing = document.querySelector('[data-typing]').getBoundingClientRect();"
            " const newest = [...document.querySelectorAll('article.wv-message')].pop().getBoundingClientRect();"
            " return Math.abs(composer.bottom - innerHeight) < 1 && newest.bottom <= typing.top + 1"
            " && typing.bottom <= composer.top + 1 && newest.top >= 0; }"
        )
        page.wait_for_function(at_the_end)
        page.wait_for_timeout(600)  # and it stays there: the page's own scroll to "#newest" came later
        assert page.evaluate(at_the_end), page.evaluate("() => [scrollY, document.documentElement.scrollHeight]")
        # The newest message is as far from the one before it as the others are (the anchor before
        # it, "#newest", doubled the gap).
        gaps = page.evaluate(
            "() => { const boxes = [...document.querySelectorAll('article.wv-message')].slice(-3)"
            ".map((a) => a.getBoundingClientRect());"
            " return [boxes[1].top - boxes[0].bottom, boxes[2].top - boxes[1].bottom]; }"
        )
        assert abs(gaps[0] - gaps[1]) < 1, gaps
        typing = page.locator("[data-typing]")
        page.evaluate("() => window.wijkverbandThread.showTyping({ id: 9001, name: 'Pieter Apotheker' })")
        expect(typing).to_have_text("Pieter Apotheker is aan het typen…")
        assert typing.evaluate(_UNCOVERED), "the typing line is under the composer"
        # Eight people read the newest message: its "Gelezen door" line takes a line more.
        newest = page.locator("article.wv-message").last
        before = newest.bounding_box()["height"]
        page.evaluate(
            """() => {
              const client = window.wijkverbandThread;
              client.readBy([...Array(8).keys()].map((i) => ({ id: 9000 + i, name: `Lezer ${i}`, seq: client.seq })));
            }"""
        )
        expect(newest.locator("[data-read-by]")).to_contain_text("Lezer")
        assert newest.bounding_box()["height"] > before
        page.wait_for_function(at_the_end)
        # Led to "#newest" again on the page itself (from its own top): the same end, not the page's.
        page.evaluate("() => window.scrollTo({ top: 0, behavior: 'instant' })")
        page.evaluate("() => { location.hash = '#newest'; }")
        page.wait_for_function(at_the_end)
        page.wait_for_timeout(600)
        assert page.evaluate(at_the_end)
        assert not page.url.endswith("#newest"), page.url
        self.assert_accessible("read-thread-at-its-end", target_size=True)

    def test_a_run_of_one_persons_messages_shows_their_name_once_live_too(self):
        """As a chat app groups them: on a phone every message of a run took a line more for the same
        name and time. Only the first of a run shows them; the others say them to a screen reader."""
        world = self.world
        thread = threads.thread_create(actor=world.carla, team=world.team_a, title="Medicatieoverdracht")
        for body in ("Wie belt de apotheek?", "Het gaat om de rol van maandag.", "Graag voor twaalven."):
            threads.message_post(actor=world.carla, thread=thread, body=body, client_id=uuid.uuid4())
        self.sign_in(world.maarten)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        expect(page.get_by_text("Live: nieuwe berichten verschijnen vanzelf.")).to_be_visible()
        articles = page.locator("article.wv-message")
        shown = "(a) => a.querySelector('.wv-message__meta').getBoundingClientRect().width > 1"
        assert [a.evaluate(shown) for a in articles.all()] == [True, False, False]
        # Said to a screen reader all the same: whose message, and when.
        expect(articles.nth(1).locator(".wv-message__author")).to_have_text(world.carla.name)
        expect(articles.nth(1).locator("time")).to_have_text(re.compile(r"^vandaag \d\d:\d\d$"))
        # The first of the run shows its clock time alone under the day's heading ("Vandaag" over it,
        # "vandaag 15:36" beside it said the day twice); a screen reader hears the day all the same.
        expect(page.locator(".wv-day").first).to_have_text("Vandaag")
        first = articles.first.locator("time")
        expect(first).to_have_text(re.compile(r"^vandaag \d\d:\d\d$"))
        assert re.fullmatch(r"\d\d:\d\d", first.evaluate(SHOWN_TEXT)), first.evaluate(SHOWN_TEXT)
        # Its time is in sight all the same, the clock alone, at the end of its first line: a run may
        # go on for longer than five minutes. The first of a run shows its time in its header.
        self.assert_clocks(articles, [False, True, True])
        # Closer to the one before than to another person's (0.25 against 0.75 rem).
        second, third = articles.nth(1).bounding_box(), articles.nth(2).bounding_box()
        gap = third["y"] - (second["y"] + second["height"])
        assert 3 <= gap <= 5, gap
        # Live: his own reply shows his name; Carla's next message shows hers again; her second
        # continues it.
        box = page.get_by_label("Bericht", exact=True)
        box.fill("Ik bel ze om elf uur.")
        box.press("Control+Enter")
        expect(articles).to_have_count(4)
        expect(articles.nth(3)).not_to_have_class(re.compile("wv-message--continued"))
        for body in ("Dank je.", "Laat je weten wat ze zeggen?"):
            threads.message_post(actor=world.carla, thread=thread, body=body, client_id=uuid.uuid4())
        expect(articles).to_have_count(6)
        expect(articles.nth(4)).not_to_have_class(re.compile("wv-message--continued"))
        expect(articles.nth(5)).to_have_class(re.compile("wv-message--continued"))
        assert [a.evaluate(shown) for a in articles.all()] == [True, False, False, True, True, False]
        self.assert_clocks(articles, [False, True, True, False, False, True])
        self.assert_accessible("message-runs", target_size=True)
        # Carla deletes the first of her two: the second starts a run again. She edits one in the
        # middle of the first run: its "bewerkt" link is in the line a run hides, so it shows it.
        middle = Message.objects.get(thread=thread, body="Het gaat om de rol van maandag.")
        threads.message_edit(actor=world.carla, message=middle, body="Het gaat om de medicatierol van maandag.")
        expect(articles.nth(1).get_by_role("link", name="bewerkt")).to_be_visible()
        expect(articles.nth(1)).not_to_have_class(re.compile("wv-message--continued"))
        expect(articles.nth(2)).to_have_class(re.compile("wv-message--continued"))
        threads.message_delete(actor=world.carla, message=Message.objects.get(thread=thread, body="Dank je."))
        expect(articles.nth(4)).to_have_class(re.compile("wv-message--deleted"))
        expect(articles.nth(5)).not_to_have_class(re.compile("wv-message--continued"))
        # What the live page shows is what the server renders.
        live = [a.get_attribute("class") for a in articles.all()]
        page.reload()
        expect(articles).to_have_count(6)
        assert [a.get_attribute("class") for a in articles.all()] == live

    def assert_clocks(self, articles, shown: list[bool]) -> None:
        """Which messages show their clock beside their text: the clock is the one in their time
        ("vandaag 15:36"), at the end of their first line (its top that line's, its right edge the
        text's), and a screen reader does not hear it twice (the header says it)."""
        clocks = articles.locator(".wv-message__clock")
        expect(clocks).to_have_count(len(shown))
        assert [clock.is_visible() for clock in clocks.all()] == shown
        for article, visible in zip(articles.all(), shown, strict=True):
            if not visible:
                continue
            clock = article.locator(".wv-message__clock")
            expect(clock).to_have_attribute("aria-hidden", "true")
            time = article.locator("time")
            assert time.evaluate(SHOWN_TEXT) == clock.text_content(), (time.text_content(), clock.text_content())
            box, whole = clock.bounding_box(), article.bounding_box()
            text = article.locator(".wv-message__body").bounding_box()
            assert abs(box["y"] - text["y"]) <= 4, (box, text)  # on the first line, not one of its own
            assert abs((box["x"] + box["width"]) - (text["x"] + text["width"])) <= 1, (box, text)
            assert box["y"] + box["height"] <= whole["y"] + whole["height"]

    def test_without_javascript_a_short_thread_keeps_its_composer_under_its_messages(self):
        """The composer at the bottom of a short thread's screen is for messages that come in live:
        without JavaScript the page opened at "#newest" was scrolled to its newest message with half
        a screen of nothing under it, the composer mid-screen, the page's footer below."""
        thread = self.thread_with_messages(2)
        self.sign_in(self.world.maarten)
        page = self.page
        self.without_javascript(page)
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/#newest"))
        composer = page.locator("#post-form").bounding_box()
        newest = page.locator("article.wv-message").last.bounding_box()
        assert newest["y"] + newest["height"] <= composer["y"], (newest, composer)
        # The conversation is as tall as what it holds (two messages and the composer: about 650 px),
        # not the screen's height with the composer at its bottom.
        conversation = page.locator(".wv-conversation").bounding_box()
        assert conversation["height"] < PHONE["height"] - 100, conversation

    def test_to_the_message_box_puts_the_cursor_in_the_box(self):
        """ "Naar het berichtvak" led to the composer's section: nothing moved the focus into the box
        and what was typed next was lost."""
        thread = self.thread_with_messages(12)
        self.sign_in(self.world.maarten)
        for javascript in (True, False):
            if not javascript:
                self.without_javascript(self.page)
            page = self.open_thread(thread, wait_live=javascript)
            link = page.get_by_role("link", name="Naar het berichtvak")
            link.focus()
            page.keyboard.press("Enter")
            box = page.get_by_label("Bericht", exact=True)
            expect(box).to_be_focused()
            page.keyboard.type("Getypt na de link")
            expect(box).to_have_value("Getypt na de link")
            expect(box).to_be_in_viewport()

    def test_a_message_waiting_for_an_unreachable_server_says_it_waits_for_the_connection(self):
        """With the server away (the banner saying "Verbinding verbroken: opnieuw verbinden…") a
        message sent said "Wordt verstuurd…" for as long as it was away."""
        thread = self.thread_with_messages(2)
        self.sign_in(self.world.maarten)
        page = self.page
        away = {"now": False}
        sockets = []

        def socket_route(ws):
            if away["now"]:
                ws.close()
            else:
                sockets.append(ws)
                ws.connect_to_server()

        page.route_web_socket(re.compile(r"/ws/"), socket_route)
        page = self.open_thread(thread)
        # The server goes away: its socket drops, new ones and the posts over HTTP fail.
        away["now"] = True
        page.route("**/post/", lambda route: route.abort())
        for ws in sockets:
            ws.close()
        expect(page.get_by_text("Verbinding verbroken: opnieuw verbinden…").first).to_be_visible()
        box = page.get_by_label("Bericht", exact=True)
        box.fill("Wie neemt de avonddienst?")
        page.get_by_role("button", name="Versturen").click()
        expect(page.get_by_text("Wacht op de verbinding: Wie neemt de avonddienst?")).to_be_visible()
        page.wait_for_timeout(2500)  # past the try over HTTP
        expect(page.get_by_text("Wacht op de verbinding: Wie neemt de avonddienst?")).to_be_visible()
        expect(page.get_by_text("Wordt verstuurd…")).to_have_count(0)
        self.shoot(page, "waiting-for-the-connection")
        self.assert_accessible("waiting-for-the-connection", target_size=True)
        # Back: it is sent, once.
        away["now"] = False
        page.unroute("**/post/")
        expect(page.locator("article").filter(has_text="Wie neemt de avonddienst?")).to_be_visible(timeout=20_000)
        expect(page.get_by_text("Wacht op de verbinding:")).to_have_count(0)
        assert Message.objects.filter(thread=thread, body="Wie neemt de avonddienst?").count() == 1

    def test_without_javascript_a_read_thread_opens_at_the_newest_message(self):
        """Without JavaScript, a thread read to the end opened at its oldest message (scrolled 0 of
        some 4,700 px) while with JavaScript it opens at the end; what is unread still opens at
        "Nieuw sinds je vorige bezoek"."""
        thread = self.thread_with_messages(25)
        self.sign_in(self.world.maarten)
        page = self.page
        self.without_javascript(page)
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))  # read to the end
        newest = page.locator(".wv-message").last
        for where in ("/t/oost/threads/", "/t/oost/"):
            page.goto(self.url(where))
            page.get_by_role("link", name="Medicatieoverdracht", exact=True).first.click()
            expect(newest).to_contain_text("Bericht 24")
            expect(newest).to_be_in_viewport()
            assert page.evaluate("window.scrollY") > 1000, where
        self.shoot(page, "read-thread-opens-at-newest")
        self.assert_accessible("read-thread-opens-at-newest", target_size=True)
        # Something new: the list leads to it.
        threads.message_post(
            actor=self.world.pieter, thread=thread, body="Nieuw: de apotheek belde", client_id=uuid.uuid4()
        )
        page.goto(self.url("/t/oost/threads/"))
        page.get_by_role("link", name="Medicatieoverdracht", exact=True).click()
        expect(page.get_by_text("Nieuw sinds je vorige bezoek")).to_be_in_viewport()
        expect(page.get_by_text("Nieuw: de apotheek belde")).to_be_in_viewport()

    def test_a_too_long_message_is_counted_in_characters_as_the_server_counts_them(self):
        """ "Dit bericht is te lang: hooguit 10 kB.": nobody can check kilobytes, and the page counted
        bytes (5,001 "é" were too long)."""
        thread = self.thread_with_messages(1)
        self.sign_in(self.world.maarten)
        page = self.open_thread(thread)
        box = page.get_by_label("Bericht", exact=True)
        send = page.get_by_role("button", name="Versturen")
        box.fill("é" * 10_001)
        send.click()
        expect(page.get_by_text("Dit bericht is te lang: hooguit 10.000 tekens, dit zijn er 10.001.")).to_be_visible()
        expect(box).to_have_value("é" * 10_001)
        expect(box).to_have_attribute("aria-invalid", "true")
        self.shoot(page, "too-long")
        self.assert_accessible("too-long", target_size=True)
        box.press("End")
        box.press("Backspace")  # one less: as many as the server takes
        send.click()
        expect(box).to_have_value("")
        expect(page.locator("article").filter(has_text="é" * 100)).to_have_count(1)
        expect(page.get_by_text(re.compile("te lang"))).to_have_count(0)
        assert Message.objects.filter(thread=thread, body="é" * 10_000).count() == 1


class OwnMessageActionsOnAPhone(BrowserTestCase):
    """Found by a tester on a phone (390 × 844): the three links under a coordinator's own message
    ("Bewerken", "Cliëntgegevens verwijderen", "Verwijderen") took two lines, under every message of
    theirs. They fit one line now, each still a target a finger can hit, with and without JavaScript
    (the page's own message and one that arrived live, which threads.js builds)."""

    without_javascript = ThreadOnAPhone.without_javascript

    def assert_one_line(self, page, article) -> None:
        links = article.locator(".wv-message__actions > a")
        expect(links).to_have_count(3)
        # All measured at one moment: the page may be scrolling to its newest message meanwhile.
        boxes = article.evaluate(
            """(a) => [...a.querySelectorAll(".wv-message__actions > a")].map((link) => {
              const box = link.getBoundingClientRect();
              return { x: box.x, y: box.y, width: box.width, height: box.height };
            })"""
        )
        # One line: each link's box lies beside the others, none below another's bottom.
        assert max(box["y"] for box in boxes) < min(box["y"] + box["height"] for box in boxes), (
            f"the actions take more than one line: {boxes}"
        )
        for box in boxes:
            assert box["width"] >= 24 and box["height"] >= 24, boxes
        right = article.evaluate("(a) => a.getBoundingClientRect().right")
        assert max(box["x"] + box["width"] for box in boxes) <= right, (boxes, right)
        # Each still says in full what it does, and of which message (a screen reader, voice control).
        for link, name in zip(links.all(), ("Bewerken", "Cliëntgegevens verwijderen", "Verwijderen"), strict=True):
            expect(link).to_have_accessible_name(re.compile(rf"^{name} \(bericht van Carla Coördinator, "))

    def test_the_three_links_under_ones_own_message_take_one_line(self):
        world = self.world
        thread = threads.thread_create(actor=world.carla, team=world.team_a, title="Medicatieoverdracht")
        posted = threads.message_post(
            actor=world.carla, thread=thread, body="Wie belt de apotheek?", client_id=uuid.uuid4()
        ).message
        self.sign_in(world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        expect(page.get_by_text("Live: nieuwe berichten verschijnen vanzelf.")).to_be_visible()
        self.assert_one_line(page, page.locator(f"#message-{posted.pk}"))
        # One that arrives live is built by threads.js: the same.
        page.get_by_label("Bericht", exact=True).fill("Ik bel om drie uur.")
        page.get_by_role("button", name="Versturen").click()
        live = page.locator("article.wv-message--mine").filter(has_text="Ik bel om drie uur.")
        expect(live.locator(".wv-message__actions > a")).to_have_count(3)
        self.assert_one_line(page, live)
        self.assert_accessible("own-message-actions-phone", target_size=True)

        self.without_javascript(page)
        page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        self.assert_one_line(page, page.locator(f"#message-{posted.pk}"))
        self.assert_accessible("own-message-actions-phone-no-js", target_size=True)
