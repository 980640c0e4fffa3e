"""A page's headings as a screen reader lists them, to check where a heading someone wrote in
Markdown lands: one h1 (the page's title), and no heading more than one level below the one before
it (an h1 under the section's h2 was a second title of the page; an h5 under an h2 skips levels)."""

from html.parser import HTMLParser


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._open: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._open, self._text = int(tag[1]), []

    def handle_endtag(self, tag):
        if self._open is not None and tag == f"h{self._open}":
            self.found.append((self._open, " ".join("".join(self._text).split())))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)


def headings(html: str) -> list[tuple[int, str]]:
    """(level, text) of each heading of the page, in order."""
    parser = _Headings()
    parser.feed(html)
    parser.close()
    return parser.found


def level_of(html: str, text: str) -> int:
    """The level of the page's heading that reads `text` (it must have exactly one)."""
    levels = [level for level, said in headings(html) if said == text]
    assert len(levels) == 1, (text, headings(html))
    return levels[0]


def assert_outline(html: str) -> None:
    found = headings(html)
    assert [level for level, _text in found].count(1) == 1, found
    previous = 1
    for level, text in found:
        assert level <= previous + 1, f"h{level} “{text}” after an h{previous}: {found}"
        previous = level
