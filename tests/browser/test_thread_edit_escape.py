"""Editing one's own message in place (threads.js), found by an exploratory walk: Escape after
adding text closed the box and the change was gone, without a word; an empty box was refused as
"Niet opgeslagen: Dit veld is verplicht." where the composer says "Schrijf eerst een bericht."."""

from playwright.sync_api import expect

from tests.browser.editing import ESCAPE_AGAIN, EditInPlaceCase
from wijkverband.threads.models import Message


class EditInPlaceEscape(EditInPlaceCase):
    def test_escape_with_a_change_asks_first_and_without_one_closes(self):
        page = self.page
        message, article, edit = self.open_thread()
        editor = article.get_by_label("Je bericht bewerken")
        note = article.get_by_text(ESCAPE_AGAIN)

        # Nothing changed: Escape closes the box, as before, back on "Bewerken".
        edit.click()
        expect(editor).to_be_focused()
        page.keyboard.press("Escape")
        expect(editor).to_have_count(0)
        expect(edit).to_be_focused()

        # A change: the first Escape keeps the box and the text, and says how to throw it away.
        self.type_in_editor(edit, editor, " met een aanvulling")
        page.keyboard.press("Escape")
        expect(note).to_be_visible()
        expect(editor).to_be_focused()
        expect(editor).to_have_value("Eerste versie met een aanvulling")
        self.assert_accessible("edit-escape-asks")

        # Typing on takes the word away: the next Escape asks again.
        page.keyboard.type(".")
        expect(note).to_have_count(0)
        page.keyboard.press("Escape")
        expect(note).to_be_visible()
        expect(editor).to_have_value("Eerste versie met een aanvulling.")

        # Escape again: the change is thrown away, the message is as it was.
        page.keyboard.press("Escape")
        expect(editor).to_have_count(0)
        expect(article.locator(".wv-message__body")).to_have_text("Eerste versie")
        expect(edit).to_be_focused()
        assert Message.objects.get(pk=message.pk).body == "Eerste versie"

        # Changed and changed back: nothing to lose, Escape closes at once.
        self.type_in_editor(edit, editor, "!")
        page.keyboard.press("Backspace")
        page.keyboard.press("Escape")
        expect(editor).to_have_count(0)

    def test_an_emptied_message_is_refused_in_the_composers_words(self):
        message, article, edit = self.open_thread()
        edit.click()
        editor = article.get_by_label("Je bericht bewerken")
        editor.fill("   ")
        article.get_by_role("button", name="Opslaan").click()
        expect(article.get_by_text("Schrijf eerst een bericht.", exact=True)).to_be_visible()
        expect(article.get_by_text("Dit veld is verplicht.")).to_have_count(0)
        expect(editor).to_have_attribute("aria-invalid", "true")
        expect(editor).to_be_focused()
        assert Message.objects.get(pk=message.pk).body == "Eerste versie"
        self.assert_accessible("edit-empty")
