"""A list typed straight under a line of text, as people type one on a phone ("…en een lijst:⏎- een⏎-
twee"), was no list: one paragraph of "- " lines joined by line breaks, while the composer's hint
promises "lijsten". Markdown wants a blank line before a list; the renderer puts it in, but not
in code, and within a quote only under the quote's own text."""

import pytest

from wijkverband.core.markdown import markdown_text, render_message


def html(text: str) -> str:
    return str(render_message(text)).replace("\n", "")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (
            "Wie belt er:\n- de apotheek\n- de huisarts",
            "<p>Wie belt er:</p><ul><li>de apotheek</li><li>de huisarts</li></ul>",
        ),
        (
            "Wie belt er:\n* de apotheek\n+ de huisarts",
            "<p>Wie belt er:</p><ul><li>de apotheek</li><li>de huisarts</li></ul>",
        ),
        ("Stappen:\n1. bellen\n2. mailen", "<p>Stappen:</p><ol><li>bellen</li><li>mailen</li></ol>"),
        # Text under the list still belongs to its last item, as with a blank line before the list.
        ("Lijst:\n- een\n- twee\nen meer", "<p>Lijst:</p><ul><li>een</li><li>twee<br>en meer</li></ul>"),
        # Within a quote, under the quote's text.
        ("> Lijst:\n> - een\n> - twee", "<blockquote><p>Lijst:</p><ul><li>een</li><li>twee</li></ul></blockquote>"),
    ],
)
def test_a_list_typed_under_a_line_is_a_list(typed, shown):
    assert html(typed) == shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # Already a list, a blank line before it, nested items and an item's own next line: as they were.
        ("Lijst:\n\n- een\n- twee", "<p>Lijst:</p><ul><li>een</li><li>twee</li></ul>"),
        ("- een\n  verder\n- twee", "<ul><li>een<br>  verder</li><li>twee</li></ul>"),
        ("- een\n    - half", "<ul><li>een<ul><li>half</li></ul></li></ul>"),
        # Code stays code, a "-" without a space is text, a rule a rule.
        ("```\nLijst:\n- een\n```", "<pre><code>Lijst:- een</code></pre>"),
        ("Lijst:\n```\nA:\n- een\n```", "<p>Lijst:</p><pre><code>A:- een</code></pre>"),
        ("`a`\n-5 graden", "<p><code>a</code><br>-5 graden</p>"),
        ("Tekst\n- - -", "<p>Tekst</p><hr>"),
        # A line under a quote without its ">" is the quote's (lazy) text, as before.
        ("> citaat\n- een", "<blockquote><p>citaat<br>- een</p></blockquote>"),
    ],
)
def test_what_is_no_list_under_a_line_stays_as_it_was(typed, shown):
    assert html(typed) == shown


def test_a_snippet_of_such_a_list_reads_its_words():
    assert markdown_text("Wie belt er:\n- de apotheek\n- de huisarts") == "Wie belt er: de apotheek de huisarts"
