"""A form sent twice with the same token, as a double tap without JavaScript sends it (core.once)."""

import re

from wijkverband.core import once

SAVED_ONCE = "Je hebt dit formulier twee keer verstuurd; het is één keer opgeslagen."
SAVED_ONCE_EN = "You sent this form twice; it was saved once."  # where a test reads the English pages


def token(page: str) -> str:
    """The form's token on a page (`{% sent_once_field %}`)."""
    return re.search(rf'name="{once.FIELD}" value="([0-9a-f]{{32}})"', page).group(1)


def send_twice(client, page_url: str, data: dict, *, to: str | None = None):
    """Open the form's page, send its form twice with the page's token (to `to`, else to the page);
    the first answer, and the second followed to where it leads."""
    sent = {**data, once.FIELD: token(client.get(page_url).content.decode())}
    first = client.post(to or page_url, sent)
    assert first.status_code == 302, first.content.decode()[:2000]
    again = client.post(to or page_url, sent, follow=True)
    return first, again


def assert_second_lands_where_the_first_went(first, again) -> None:
    assert again.redirect_chain, f"the second send was answered {again.status_code}, not sent on"
    assert again.redirect_chain[0][0] == first["Location"]
    page = again.content.decode()
    assert SAVED_ONCE in page or SAVED_ONCE_EN in page
