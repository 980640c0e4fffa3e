"""The start tags of a piece of HTML, with their attributes, for tests of what a renderer lets through."""

from html.parser import HTMLParser


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def start_tags(html) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(str(html))
    return parser.tags
