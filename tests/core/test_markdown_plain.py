"""A plain line skips Markdown's parser (wijkverband.core.markdown._plain_line): it must render
exactly as the parser renders it, and everything else must still go through the parser."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkverband.core import markdown
from wijkverband.core.markdown import _plain_line, render_markdown


def _parsed(text: str) -> str:
    return markdown._converter().reset().convert(text)


# Every ASCII punctuation character, digits, spaces, and what Unicode has that Markdown or
# str.isprintable might treat differently: accents, emoji, a no-break space, line and paragraph
# separators, NEL, a zero-width space, full-width and Arabic-Indic digits, Markdown's own stash
# markers (STX, ETX), tabs and newlines.
ALPHABET = (
    string.ascii_letters[:12]
    + string.digits[:4]
    + string.punctuation
    + "  \t\n\r"
    + "éßøĳ€😀\xa0\u2028\u2029\x85\u200b１٣\x02\x03"
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=24))
def test_a_line_taken_as_plain_renders_as_markdown_renders_it(text):
    if _plain_line(text):
        assert f"<p>{text}</p>" == _parsed(text) == markdown._sanitised(f"<p>{text}</p>")


def test_the_sanitiser_gives_back_a_plain_line_as_it_is_for_every_character():
    """A plain line skips nh3 too (render_markdown): for every character of Unicode, inside a line
    and at its start, where the line is plain its paragraph must come back from nh3 unchanged."""
    differ = []
    for code in range(0x110000):
        for line in (f"a{chr(code)}b", f"{chr(code)}b"):
            if _plain_line(line) and markdown._sanitised(f"<p>{line}</p>") != f"<p>{line}</p>":
                differ.append(hex(code))
    assert differ == []


# Words, and the pieces Markdown builds its blocks and inlines from.
TOKENS = [
    "Kun", "je", "morgen", "bellen", "?", ".", ",", "(a)", "@jan", "12", "%", "é", "😀",
    "1.", "1)", "٣.", "１.", "#", "##", ">", "-", "--", "---", "*", "+", "=", "==", "|", ":", "!",
    "```", "~~~", "<b>", "</b>", "&amp;", "&", "\\", "_", "__", "[x]", "(https://x.nl)", "![a]", "  ",
    "\t", "\n", "\n\n", "\xa0", "\u2028", "\x02", "",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8), st.sampled_from(["", " "]))
def test_sentences_taken_as_plain_render_as_markdown_renders_them(words, between):
    text = between.join(words)
    if text and _plain_line(text):
        assert f"<p>{text}</p>" == _parsed(text) == markdown._sanitised(f"<p>{text}</p>")


@pytest.mark.parametrize(
    "text",
    [
        "Kun je morgen even bellen over de afspraak?",
        "Ja: 12.5% (ongeveer) - klopt? @jan",
        'Hij zei "prima", dat is \'t beste.',
        "café ß 😀 €",
        "a#b en #12 in de tekst",
        "Dit is {x} en $y",
        "@@00001234",
        "met een spatie aan het eind ",
        "!belangrijk",
    ],
)
def test_everyday_plain_lines_skip_the_parser_and_render_the_same(text, monkeypatch):
    expected = str(render_markdown(text))
    assert expected == _parsed(text)  # the parser's own answer
    monkeypatch.setattr(markdown, "_converter", lambda: pytest.fail("the parser was used for a plain line"))
    monkeypatch.setattr(markdown.nh3, "clean", lambda *a, **k: pytest.fail("the sanitiser ran for a plain line"))
    assert str(render_markdown(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1. een",  # a list
        "# kop",  # a heading
        "> citaat",  # a quote
        "- punt",
        "+ punt",
        "* punt",
        "--- ",
        "===",
        " ingesprongen",  # leading space, dropped by Markdown
        "    code",
        "twee  \nregels",
        "tab\tje",
        "**vet**",
        "_schuin_",
        "`code`",
        "[link](https://example.org)",
        "Zie https://example.org/pagina",  # an address: a link
        "Zie www.example.org",
        "<b>html</b>",
        "a & b",
        "a\\b",
        "| a | b |",
        "~~~",
        "\u2028x",
        "a\x02b",
    ],
)
def test_anything_markdown_or_html_could_read_goes_through_the_parser(text):
    assert not _plain_line(text)


def test_a_plain_line_is_still_sanitised_and_script_never_survives():
    assert str(render_markdown("javascript:alert(1)")) == "<p>javascript:alert(1)</p>"
    assert "<script" not in str(render_markdown("<script>alert(1)</script>"))
    assert str(render_markdown("")) == ""
