"""Markdown for text that people write (thread messages, descriptions), rendered server-side.

Markdown first turns the text into HTML; nh3 (an allow-list sanitiser) then keeps only the tags,
attributes and URL schemes below. No script, no style, no event handlers, no javascript: or data:
URLs survive, whatever the author typed. Links open as ordinary links with rel="noopener noreferrer nofollow".
A bare address in the text ("https://www.thuisarts.nl/medicijnen", "www.thuisarts.nl") is a link
too (_BareLinks), through the same sanitiser. No image is shown (no <img>: a message would fetch
from anywhere); an image is a link to its address with its alt text as the link's text
(_ImagesAsLinks). A table scrolls sideways in a box of its own (_scrolling_tables). A heading sits
below the heading the text stands under on its page (render_markdown's top_heading; a message's
at MESSAGE_TOP_HEADING), never a second title of the page.
"""

import html as _html
import re
import threading
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown as _markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "del", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Removed together with everything inside them, not just unwrapped.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "svg", "math"}

# A bare http(s) or www. address, as people paste one on a phone; only where a word starts (after a
# space, a bracket, a quote or emphasis, or a tag Markdown took out of the text: \x03 ends its place
# holder), never inside an e-mail address or a word. It ends at a space, at "<" or ">", or at a place
# holder (\x02: an escaped character, inline HTML). Only http and https: nothing here makes a
# javascript: or data: link, and the sanitiser's scheme list stands behind it anyway.
_BARE_URL = r"(?i)(?<![^\s(\[*_~\"'‘“«\x03])(?:https?://|www\.)[^\s<>\x02\x03]+"
_LINK_START = re.compile(r"https?://|www\.", re.IGNORECASE)
# What ends a sentence or closes emphasis or a quote ends the text, not the address: "Zie
# https://www.thuisarts.nl/medicijnen." links without the full stop, "…/Medicatie…" without the
# ellipsis (it linked to "…/Medicatie%E2%80%A6").
_TRAILING = frozenset(".,:;!?'\"*_~’”»…")
# A closing bracket ends the address unless it closes one of the address's own: "(zie
# https://x.nl/a)" and "[zie https://www.thuisarts.nl]" link without it, "…/Zorg_(Nederland)" with.
_CLOSING = {")": "(", "]": "["}


class _BareLinkProcessor(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)  # a Markdown link's text, or an address already made a link

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        url = m.group(0)
        while url and (
            url[-1] in _TRAILING or (url[-1] in _CLOSING and url.count(_CLOSING[url[-1]]) < url.count(url[-1]))
        ):
            url = url[:-1]  # a ")" stays when it closes a "(" of the address: …/wiki/Zorg_(Nederland)
        rest = _LINK_START.sub("", url, count=1)
        if not rest or not rest[0].isalnum():
            return None, None, None  # "https://" or "www." alone
        link = etree.Element("a")
        link.set("href", url if "://" in url[:8] else f"https://{url}")
        link.text = AtomicString(url)
        return link, m.start(0), m.start(0) + len(url)


class _BareLinks(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After inline HTML (90: an address inside a tag stays the tag's) and before the entity
        # (80) and emphasis (60, 50) patterns: an address's "_" or "&" is its own.
        md.inlinePatterns.register(_BareLinkProcessor(_BARE_URL, md), "bare_link", 85)


_WEB_ADDRESS = re.compile(r"https?://[^\s\"'<>]+\Z", re.IGNORECASE)


class _ImagesAsLinksProcessor(Treeprocessor):
    """An image becomes a link to its address, its alt text the link's text (the address when it
    has none): no image is shown, and the sanitiser took <img> out with its alt text, leaving an
    empty paragraph. An address the sanitiser refuses leaves the alt text as plain text
    (_dead_anchor_to_text). Only a web address (http, https) is linked: any other (a relative
    "x.png", a javascript: or data: one) leaves the alt text alone, as does an image inside a link
    (links do not nest)."""

    def run(self, root):
        self._replace(root, in_link=False)

    def _replace(self, element, *, in_link: bool) -> None:
        for child in element:
            if child.tag == "img":
                src, alt, title = child.get("src", ""), child.get("alt", ""), child.get("title")
                child.attrib.clear()
                if in_link or not _WEB_ADDRESS.match(src):
                    child.tag = "span"  # not an allowed tag: the sanitiser keeps its text only
                    child.text = AtomicString(alt)
                else:
                    child.tag = "a"
                    child.set("href", src)
                    if title:
                        child.set("title", title)
                    child.text = AtomicString(alt or src)
            else:
                self._replace(child, in_link=in_link or child.tag == "a")


class _ImagesAsLinks(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After the inline patterns (20), which made the images.
        md.treeprocessors.register(_ImagesAsLinksProcessor(md), "images_as_links", 15)


# A list item's line: "- een", "* een", "+ een", "1. een", at most three spaces in (four are code).
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}\.)[ \t]+\S")
# A quote's marks at a line's start ("> ", "> > ").
_QUOTE = re.compile(r"(?: {0,3}>[ \t]?)*")
# "- - -", "***": a rule, not a list.
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\Z")


class _ListAfterLinePreprocessor(Preprocessor):
    """A list typed straight under a line of text ("Wie belt:⏎- de apotheek⏎- de huisarts", as
    people type one on a phone) is a list: Markdown wants a blank line before it and made one
    paragraph of "- " lines joined by line breaks. The blank line is put in before the first item
    when the line above is text of the same quote (or of none): not in a list already (its items
    and their continuation lines stay as they are), not indented code. Fenced code is out of the
    text by now (fenced_code runs first, 25), so a "- " in it stays code."""

    def run(self, lines):
        out = []
        in_list = False
        previous_quote = ""
        for line in lines:
            # Within a quote the same, on the text after its ">" marks ("> Wie:⏎> - een").
            quote = _QUOTE.match(line).group(0)
            text = line[len(quote) :]
            if quote.strip() != previous_quote.strip():
                in_list = False
            if not text.strip():
                in_list = False
            elif _LIST_ITEM.match(text) and not _RULE.match(text):
                above = out[-1][len(previous_quote) :] if out else ""
                if not in_list and above.strip() and quote.strip() == previous_quote.strip():
                    if not above.startswith(("    ", "\t")):  # not indented code
                        out.append(quote.rstrip())
                in_list = True
            out.append(line)
            previous_quote = quote
        return out


class _ListAfterLine(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After fenced_code (25), which takes fenced blocks out of the lines, and normalize_whitespace (30).
        md.preprocessors.register(_ListAfterLinePreprocessor(md), "list_after_line", 15)


_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br", _BareLinks(), _ImagesAsLinks(), _ListAfterLine()]
_local = threading.local()


def _converter() -> _markdown.Markdown:
    """This thread's Markdown converter: setting one up (its extensions) took more than half of a
    short message's rendering, 115 of 200 µs. A converter is not thread-safe, hence one per thread;
    reset() before each text clears what the previous one left (as a new instance would be)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    return converter


# A line Markdown leaves as it is: no character that means something to it (with the extensions
# above) or to HTML anywhere in the line, and none at its start that opens a block (a heading, a
# quote, a list, a rule, a table, a fence). Python-Markdown renders such a line as one paragraph
# of the same text (tests/core/test_markdown_plain.py holds the two equal, character by character),
# unless it holds an address (a link).
_MARKED_ANYWHERE = frozenset("\\`*_[]<>&")
_MARKED_AT_START = frozenset("#>-+*=|~: ")


def _plain_line(text: str) -> bool:
    return (
        text.isprintable()  # one line: no newline, tab, control or Unicode separator character
        and text[0] not in _MARKED_AT_START  # a space would be dropped, the others open a block
        and not text[0].isdigit()  # "1. " opens a list, in any script's digits
        and _MARKED_ANYWHERE.isdisjoint(text)
        and not _LINK_START.search(text)  # an address becomes a link
    )


#: The level of a message's first heading ("# Belangrijk"); "##" the next, and so on to h6. A
#: message stands under the thread page's h1 and its day's heading (h2 there, h3 in a subject's
#: discussion): an <h1> in the bubble was a second title of the page, in the largest type.
MESSAGE_TOP_HEADING = 4
_HEADING = re.compile(r"<(/?)h([1-6])>")


def render_message(text: str) -> SafeString:
    """A message's text (threads): render_markdown, its headings below the page's (MESSAGE_TOP_HEADING)."""
    return render_markdown(text, top_heading=MESSAGE_TOP_HEADING)


def render_markdown(text: str, *, top_heading: int = 1) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a template as is.

    top_heading is the level a "# " heading takes ("##" the next, and so on down to h6): one below
    the heading the text stands under on its page (an agreement's text under the section's h2: 3).
    Left at 1, "# Kop" was an <h1> inside the page, a second title in the largest type that broke
    a screen reader's list of headings. Pages pass it (the markdown filters of bottlenecks_tags
    and regional_tags take it as their argument); 1 is Markdown's own, for the text alone."""
    if not 1 <= top_heading <= 6:
        raise ValueError(f"a heading level is 1 to 6, not {top_heading}")
    text = text or ""
    # Most messages are one plain line ("Kun je me morgen bellen?"): Markdown's parser took 150 of
    # a short message's 220 µs of rendering, a twentieth of a post's CPU, to give back the line in
    # a paragraph. Such a line is put in its paragraph here.
    # Nor does it need the sanitiser: with no "<", ">" or "&" it holds no tag and no entity, and nh3
    # gives such a paragraph back as it is (tests/core/test_markdown_plain.py checks every character
    # of Unicode): another 50 µs of every such post.
    if text and _plain_line(text):
        return mark_safe(f"<p>{text}</p>")  # noqa: S308 - no markup in it: see above
    html = _sanitised(_converter().reset().convert(text))
    if top_heading == 1 or "<h" not in html:
        return html
    shift = top_heading - 1
    # The sanitiser writes a heading's tags bare (it allows them no attribute), and a "<h1>" in the
    # text or in code as "&lt;h1&gt;": only real headings match.
    return mark_safe(_HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}>", html))  # noqa: S308


# An <a> as nh3 writes it (attributes in double quotes, a quote inside one escaped), and its text
# (links do not nest).
_ANCHOR = re.compile(r'<a((?:\s[^\s=>]+="[^"]*")*)>(.*?)</a>', re.DOTALL)


def _dead_anchor_to_text(match: re.Match) -> str:
    return match.group(0) if ' href="' in match.group(1) else match.group(2)


def _sanitised(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    if "<a" in cleaned:
        # A link whose address the sanitiser refused (a scheme not allowed, an address that is no
        # URL, as "https://www.thuisarts.nl]" was) keeps its text as plain text: an <a> without
        # href is no link, shown in black and dead to a click, nor reached by the keyboard.
        cleaned = _ANCHOR.sub(_dead_anchor_to_text, cleaned)
    if "<table>" in cleaned:
        cleaned = _scrolling_tables(cleaned)
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 with the allow-list above


# Elements that end a line or a cell where they stand: their text is kept apart from the next
# element's by a space ("Agenda" and the paragraph under it), while inline marks join ("**wijk**overleg").
_BLOCKS = frozenset({"p", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "tr", "td", "th"})


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def markdown_text(text: str) -> str:
    """The text a reader sees of Markdown, without its marks: "**wijkoverleg**" reads "wijkoverleg",
    a link its text, a heading or a list item its words. For a snippet (search), where the marks would
    show as asterisks and brackets the thread itself never shows. Plain text, not HTML: escape it."""
    parser = _Text()
    parser.feed(str(render_markdown(text)))
    parser.close()
    return " ".join("".join(parser.parts).split())


# A table and a header cell as nh3 writes them (a table has no attribute; a cell at most its align).
_TABLE_START = re.compile(r"<table>")
_HEADER_CELL = re.compile(r"<th(?:\s[^>]*)?>(.*?)</th>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _table_name(html: str, start: int) -> str:
    """The name of the box of the table starting at `start`: its header cells' text (the words of
    the text, so in its language whoever reads it later; "Table" when they have none)."""
    end = html.find("</tr>", start)
    row = html[start:end] if end != -1 else ""
    cells = [" ".join(_html.unescape(_TAG.sub("", cell)).split()) for cell in _HEADER_CELL.findall(row)]
    return ", ".join(cell for cell in cells if cell)[:200] or _("Table")


def _scrolling_tables(html: str) -> str:
    """Each table in a box that scrolls sideways (a phone broke a table's words, "Da g", to fit it in
    the width): focusable, so a keyboard scrolls it too, and named, as the app's own tables are. Put
    in after the sanitiser, which would take the box's attributes from anyone who typed them."""

    def box(match: re.Match) -> str:
        name = _html.escape(_table_name(html, match.end()), quote=True)
        return (
            f'<div class="utrecht-table-container wv-markdown-table" tabindex="0" role="region" aria-label="{name}">'
            "<table>"
        )

    return _TABLE_START.sub(box, html).replace("</table>", "</table></div>")
