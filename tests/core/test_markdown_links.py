"""A bare address in what people write ("https://www.thuisarts.nl/medicijnen", pasted on a phone)
is a link, as a Markdown link is: the same sanitiser, rel="noopener noreferrer nofollow", only
http(s), and the full stop after it is the sentence's (wijkverband.core.markdown._BareLinks)."""

import pytest

from wijkverband.core.markdown import render_markdown

REL = 'rel="noopener noreferrer nofollow"'


def link(href: str, text: str | None = None) -> str:
    return f'<a href="{href}" {REL}>{text or href}</a>'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "https://www.thuisarts.nl/medicijnen",
            f"<p>{link('https://www.thuisarts.nl/medicijnen')}</p>",
        ),
        (
            "Zie https://www.thuisarts.nl/medicijnen.",
            f"<p>Zie {link('https://www.thuisarts.nl/medicijnen')}.</p>",
        ),
        # www. without a scheme: a link to https.
        (
            "Kijk op www.thuisarts.nl, of bel.",
            f"<p>Kijk op {link('https://www.thuisarts.nl', 'www.thuisarts.nl')}, of bel.</p>",
        ),
        ("http://example.org/pagina?", f"<p>{link('http://example.org/pagina')}?</p>"),
        ("Zie “https://x.nl/a”!", f"<p>Zie “{link('https://x.nl/a')}”!</p>"),
        # A ")" is the address's when it closes its "(", else the sentence's.
        (
            "(https://nl.wikipedia.org/wiki/Zorg_(Nederland))",
            f"<p>({link('https://nl.wikipedia.org/wiki/Zorg_(Nederland)')})</p>",
        ),
        ("(zie https://x.nl/a)", f"<p>(zie {link('https://x.nl/a')})</p>"),
        # So is a "]": "[zie …]" was a dead <a> without href, its text "https://www.thuisarts.nl]".
        ("[zie https://www.thuisarts.nl]", f"<p>[zie {link('https://www.thuisarts.nl')}]</p>"),
        ("https://x.nl/a]", f"<p>{link('https://x.nl/a')}]</p>"),
        ("https://x.nl/lijst[1]", f"<p>{link('https://x.nl/lijst[1]')}</p>"),
        # An ellipsis is the sentence's: it linked to "…/Medicatie%E2%80%A6", or to no address at all.
        (
            "https://wiki.example.nl/Medicatie…",
            f"<p>{link('https://wiki.example.nl/Medicatie')}…</p>",
        ),
        ("zie https://a.nl…", f"<p>zie {link('https://a.nl')}…</p>"),
        # Its "_" and "&" are its own: no emphasis in it, escaped once.
        ("https://x.nl/a_b_c?q=1&r=2", f"<p>{link('https://x.nl/a_b_c?q=1&amp;r=2')}</p>"),
        ("*https://x.nl*", f"<p><em>{link('https://x.nl')}</em></p>"),
        ("Een\nhttps://x.nl\ntwee", f"<p>Een<br>\n{link('https://x.nl')}<br>\ntwee</p>"),
    ],
)
def test_a_bare_address_becomes_a_link(text, html):
    assert str(render_markdown(text)) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        # Already a link: not linked twice, its text not made a link inside the link.
        ("[thuisarts](https://www.thuisarts.nl)", f"<p>{link('https://www.thuisarts.nl', 'thuisarts')}</p>"),
        ("[https://x.nl](https://x.nl)", f"<p>{link('https://x.nl')}</p>"),
        ("<https://x.nl>", f"<p>{link('https://x.nl')}</p>"),
        # Code stays code.
        ("`https://x.nl`", "<p><code>https://x.nl</code></p>"),
        ("    https://x.nl", "<pre><code>https://x.nl\n</code></pre>"),
        # Not an address of the web, or not where a word starts.
        ("ftp://x.nl", "<p>ftp://x.nl</p>"),
        ("jan@www.example.nl", "<p>jan@www.example.nl</p>"),
        ("xhttps://x.nl", "<p>xhttps://x.nl</p>"),
        ("https:// en www.", "<p>https:// en www.</p>"),
    ],
)
def test_what_is_no_bare_address_is_left_as_it_was(text, html):
    assert str(render_markdown(text)) == html


def test_a_bare_address_is_as_safe_as_a_markdown_link():
    # Never a javascript: or data: link, however it is written.
    for text in ("javascript:alert(1)", "data:text/html,<b>x</b>", "[https://x.nl](javascript:alert(1))"):
        assert "href" not in str(render_markdown(text)), text
    # A quote ends nothing: it is escaped inside the address, no attribute gets out.
    written = 'https://x.nl/"onmouseover="alert(1)'
    html = str(render_markdown(written))
    assert html == "<p>" + link(written.replace('"', "&quot;"), written) + "</p>"
    # A tag after it is not part of it, and is taken out as before.
    html = str(render_markdown("https://x.nl/<script>alert(1)</script>"))
    assert html == f"<p>{link('https://x.nl/')}</p>"
    # An address inside an allowed tag stays that tag's.
    html = str(render_markdown('<a href="https://x.nl">hier</a>'))
    assert html == f"<p>{link('https://x.nl', 'hier')}</p>"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<https://x…>", "<p>https://x…</p>"),
        ("[klik](javascript:alert(1))", "<p>klik</p>"),
        ('[klik](javascript:x "t>i\\"tel")', "<p>klik</p>"),
        (
            '<a title="a>b" href="ftp://x.nl">hier</a> of <a href="https://x.nl">daar</a>',
            f"<p>hier of {link('https://x.nl', 'daar')}</p>",
        ),
        ("<a>los</a>", "<p>los</p>"),
    ],
)
def test_a_link_whose_address_is_refused_is_plain_text_never_an_anchor_without_address(text, html):
    """Found by an exploratory test: the sanitiser took a refused address out and left the <a>: its
    text black and dead to a click. The text stays, as text."""
    rendered = str(render_markdown(text))
    assert rendered == html
    assert "<a rel" not in rendered and "<a title" not in rendered
