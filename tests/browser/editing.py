"""Editing one's own message in place (threads.js): the thread opened, live, at Carla's message."""

import re

from playwright.sync_api import expect

from tests.browser.harness import BrowserTestCase
from tests.threads.helpers import post
from wijkverband.threads import services

ESCAPE_AGAIN = "Druk nog eens op Escape om je wijziging weg te gooien."


class EditInPlaceCase(BrowserTestCase):
    def open_thread(self):
        """Carla's thread with her message "Eerste versie", live: the message, its article and its
        "Bewerken" link."""
        world = self.world
        thread = services.thread_create(actor=world.carla, team=world.team_a, title="Overdracht")
        message = post(thread, world.carla, "Eerste versie").message
        self.sign_in(world.carla)
        self.page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
        expect(self.page.get_by_text("Live: nieuwe berichten verschijnen vanzelf.")).to_be_visible()
        article = self.page.locator(f"#message-{message.pk}")
        return message, article, article.get_by_role("link", name=re.compile("^Bewerken"))

    def type_in_editor(self, edit, editor, text: str) -> None:
        """Opens the message's editor with `edit` ("Bewerken") and types `text` after its words."""
        edit.click()
        expect(editor).to_be_focused()  # opened (its text is asked for first): typed keys land in it
        self.page.keyboard.press("End")
        self.page.keyboard.type(text)
