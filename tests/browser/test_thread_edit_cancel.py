"""Editing one's own message in place (threads.js): "Annuleren" threw a change away without a word,
while Escape with a change asks first (tests/browser/test_thread_edit_escape.py). Now "Annuleren"
asks the same way: with nothing changed it closes at once; with a change the box stays, the change
too, and a polite status says how to throw it away; pressed again it does. Without JavaScript the
edit is a page of its own, whose "Annuleren" is a link back to the message: nothing to ask there."""

import re

from playwright.sync_api import expect

from tests.browser.editing import ESCAPE_AGAIN, EditInPlaceCase
from tests.threads.helpers import post
from wijkverband.threads import services
from wijkverband.threads.models import Message

CANCEL_AGAIN = "Druk nog eens op Annuleren om je wijziging weg te gooien."


class EditInPlaceCancel(EditInPlaceCase):
    def test_cancel_with_a_change_asks_first_and_without_one_closes(self):
        page = self.page
        message, article, edit = self.open_thread()
        editor = article.get_by_label("Je bericht bewerken")
        cancel = article.get_by_role("button", name="Annuleren")
        note = article.get_by_role("status").filter(has_text=CANCEL_AGAIN)

        # Nothing changed: "Annuleren" closes the box at once, back on "Bewerken".
        edit.click()
        expect(editor).to_be_focused()
        cancel.click()
        expect(editor).to_have_count(0)
        expect(edit).to_be_focused()

        # A change: the first "Annuleren" keeps the box and the text, says (a status, read out) how
        # to throw it away, and keeps the focus on "Annuleren", so a second press does.
        self.type_in_editor(edit, editor, " met een aanvulling")
        cancel.click()
        expect(note).to_be_visible()
        expect(cancel).to_be_focused()
        expect(editor).to_have_value("Eerste versie met een aanvulling")
        self.assert_accessible("edit-cancel-asks")

        # Typing on takes the word away: the next "Annuleren" asks again.
        editor.press("End")
        page.keyboard.type(".")
        expect(note).to_have_count(0)
        cancel.click()
        expect(note).to_be_visible()
        expect(editor).to_have_value("Eerste versie met een aanvulling.")

        # "Annuleren" again: the change is thrown away, the message is as it was.
        cancel.click()
        expect(editor).to_have_count(0)
        expect(article.locator(".wv-message__body")).to_have_text("Eerste versie")
        expect(edit).to_be_focused()
        assert Message.objects.get(pk=message.pk).body == "Eerste versie"

        # Changed and changed back: nothing to lose, "Annuleren" closes at once.
        self.type_in_editor(edit, editor, "!")
        page.keyboard.press("Backspace")
        cancel.click()
        expect(editor).to_have_count(0)
        expect(edit).to_be_focused()

    def test_from_the_keyboard_the_same_key_on_cancel_asks_and_then_discards(self):
        page = self.page
        message, article, edit = self.open_thread()
        editor = article.get_by_label("Je bericht bewerken")
        cancel = article.get_by_role("button", name="Annuleren")
        self.type_in_editor(edit, editor, " en nog wat")
        page.keyboard.press("Tab")  # to "Opslaan"
        page.keyboard.press("Tab")  # to "Annuleren"
        expect(cancel).to_be_focused()
        page.keyboard.press("Enter")
        expect(article.get_by_text(CANCEL_AGAIN)).to_be_visible()
        expect(cancel).to_be_focused()
        expect(editor).to_have_value("Eerste versie en nog wat")
        page.keyboard.press("Enter")
        expect(editor).to_have_count(0)
        expect(edit).to_be_focused()
        assert Message.objects.get(pk=message.pk).body == "Eerste versie"

    def test_escape_and_cancel_each_ask_in_their_own_words(self):
        """The words say which press throws the change away: after Escape asked, "Annuleren" asks
        in its own words rather than throwing away a change nobody was told it would."""
        page = self.page
        message, article, edit = self.open_thread()
        editor = article.get_by_label("Je bericht bewerken")
        cancel = article.get_by_role("button", name="Annuleren")
        status = article.get_by_role("status")
        self.type_in_editor(edit, editor, " en nog wat")
        page.keyboard.press("Escape")
        expect(status).to_have_text(ESCAPE_AGAIN)
        cancel.click()
        expect(status).to_have_text(CANCEL_AGAIN)
        expect(editor).to_have_value("Eerste versie en nog wat")
        page.keyboard.press("Escape")  # the focus on "Annuleren": Escape asks in its words
        expect(status).to_have_text(ESCAPE_AGAIN)
        expect(editor).to_have_value("Eerste versie en nog wat")
        page.keyboard.press("Escape")
        expect(editor).to_have_count(0)
        expect(edit).to_be_focused()
        assert Message.objects.get(pk=message.pk).body == "Eerste versie"

    def test_a_change_asked_about_is_still_saved_with_opslaan(self):
        message, article, edit = self.open_thread()
        editor = article.get_by_label("Je bericht bewerken")
        edit.click()
        expect(editor).to_be_focused()  # opened (its text asked for first)
        editor.fill("Tweede versie")
        article.get_by_role("button", name="Annuleren").click()
        expect(article.get_by_text(CANCEL_AGAIN)).to_be_visible()
        article.get_by_role("button", name="Opslaan").click()
        expect(editor).to_have_count(0)
        expect(article.locator(".wv-message__body")).to_have_text("Tweede versie")
        assert Message.objects.get(pk=message.pk).body == "Tweede versie"

    def test_without_javascript_cancel_is_a_link_back_to_the_message(self):
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Overdracht")
        message = post(thread, world.carla, "Eerste versie").message
        context, page = self.second_browser(world.carla, java_script_enabled=False)
        try:
            page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
            page.locator(f"#message-{message.pk}").get_by_role("link", name=re.compile("^Bewerken")).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Bericht bewerken")
            page.get_by_label("Bericht").fill("Tweede versie")
            page.get_by_role("link", name="Annuleren", exact=True).click()
            expect(page).to_have_url(re.compile(rf"/t/oost/threads/{thread.pk}/.*#message-{message.pk}$"))
            expect(page.locator(f"#message-{message.pk} .wv-message__body")).to_have_text("Eerste versie")
            assert Message.objects.get(pk=message.pk).body == "Eerste versie"
        finally:
            context.close()


class EditInPlaceCancelOnAPhone(EditInPlaceCase):
    viewport = {"width": 390, "height": 844}

    def test_the_question_shows_beside_the_buttons_and_a_second_tap_discards(self):
        page = self.page
        message, article, edit = self.open_thread()
        editor = article.get_by_label("Je bericht bewerken")
        cancel = article.get_by_role("button", name="Annuleren")
        self.type_in_editor(edit, editor, " op de telefoon")
        cancel.click()
        note = article.get_by_text(CANCEL_AGAIN)
        expect(note).to_be_in_viewport()
        expect(cancel).to_be_in_viewport()
        expect(cancel).to_be_focused()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        self.assert_accessible("edit-cancel-asks-phone", target_size=True)
        cancel.click()
        expect(editor).to_have_count(0)
        expect(edit).to_be_focused()
        assert Message.objects.get(pk=message.pk).body == "Eerste versie"
