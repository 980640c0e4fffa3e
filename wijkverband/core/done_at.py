"""Word of what was just done, shown at what it was done to.

A page that comes back at one item of a long page (the wijk card at `…#entry-12` after "Bevestigen:
klopt nog" or a save) shows its "“X” is bevestigd: klopt nog." in that item. At the top of the page
it stood 2,600 px above where the page landed, and the browser's move to the item took the focus
from it (to <body>): a keyboard or screen-reader user never heard it.

`add(request, level, message, at="entry-12")` marks a message (django.contrib.messages) with the
anchor of its item; the page that shows the item takes it out of the page's messages with
`take(request, anchors)` and shows it in the item, where it takes the focus (app.js,
`[data-done-here]`). A message whose item is not on the page stays at the top, as any other.

`at_the_word(url)`: a redirect after an action whose word stays at the top of the page (notices,
Mijn werk): to base.html's `#done`, the first message, which takes the focus also without
JavaScript. Without that fragment the browser keeps the one the form's page had (or none), and the
focus lands on <body> (or below a list): a keyboard or screen-reader user hears nothing.
"""

from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages

DONE = "done"  # base.html's id of the first message

_MARK = "wv-at:"


def add(request, level: int, message, *, at: str) -> None:
    messages.add_message(request, level, message, extra_tags=_MARK + at)


def take(request, anchors) -> tuple[dict[str, list], list]:
    """(the messages of each of `anchors` shown on the page, the others): the others are what the
    page shows at its top (pass them as `messages`, which base.html shows). Reading them marks all
    as shown, as base.html's loop does."""
    anchors = set(anchors)
    placed, rest = {}, []
    for message in messages.get_messages(request):
        tags = message.extra_tags or ""
        anchor = tags.removeprefix(_MARK) if tags.startswith(_MARK) else None
        if anchor in anchors:
            placed.setdefault(anchor, []).append(message)
        else:
            rest.append(message)
    return placed, rest


def at_the_word(url: str) -> str:
    """`url` at the word that it is done (base.html's #done), in place of any fragment it had."""
    return urlunsplit(urlsplit(url)._replace(fragment=DONE))
