"""Markdown as a message shows it (wijkverband.core.markdown), found by a tester: "# Belangrijk" was
an <h1> in the bubble (a second h1 on the page, in huge type), `![foto](https://…)` vanished and
left an empty paragraph, and a table broke its words on a phone ("Da g")."""

import pytest
from django.utils import translation

from tests.html_tags import start_tags
from wijkverband.core.markdown import MESSAGE_TOP_HEADING, render_markdown, render_message


def test_a_messages_headings_sit_below_the_pages_own():
    html = str(render_message("# Belangrijk\n\ntekst\n\n## Wat\n\n### Wie\n\n#### Waar\n\n<h1>Rauw</h1>"))
    assert MESSAGE_TOP_HEADING == 4
    assert "<h4>Belangrijk</h4>" in html and "<h5>Wat</h5>" in html
    assert "<h6>Wie</h6>" in html and "<h6>Waar</h6>" in html
    assert not {"h1", "h2", "h3"} & {tag for tag, _attrs in start_tags(html)}  # typed as HTML neither
    assert "<p>tekst</p>" in html
    # Without a level Markdown keeps its own; each page passes the level its text stands under
    # (tests/core/test_markdown_headings.py).
    assert "<h1>Belangrijk</h1>" in str(render_markdown("# Belangrijk"))


def test_code_about_a_heading_stays_code():
    html = str(render_message("`<h1>` en\n\n```\n<h2>kop</h2>\n```"))
    assert "&lt;h1&gt;" in html and "&lt;h2&gt;kop&lt;/h2&gt;" in html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "![foto van de gang](https://example.nl/gang.jpg)",
            '<p><a href="https://example.nl/gang.jpg" rel="noopener noreferrer nofollow">foto van de gang</a></p>',
        ),
        (
            'Zie ![plattegrond](https://example.nl/p.png "Begane grond") hier',
            '<p>Zie <a href="https://example.nl/p.png" title="Begane grond" rel="noopener noreferrer nofollow">'
            "plattegrond</a> hier</p>",
        ),
        (  # no alt text: the address is the link's text
            "![](https://example.nl/x.png)",
            '<p><a href="https://example.nl/x.png" rel="noopener noreferrer nofollow">https://example.nl/x.png</a></p>',
        ),
        # An address the sanitiser refuses: the alt text stays, as plain text, never a link.
        ("![plaatje](javascript:alert(1))", "<p>plaatje</p>"),
        ("![plaatje](data:image/png;base64,AAAA)", "<p>plaatje</p>"),
        ('![x](x" onerror="alert(1))', "<p>x)</p>"),  # no web address: no link (the ")" is text)
        ("![plattegrond](/media/p.png)", "<p>plattegrond</p>"),
        # An image inside a link: its alt text is the link's text (links do not nest).
        (
            "[![logo](https://example.nl/logo.png)](https://example.nl)",
            '<p><a href="https://example.nl" rel="noopener noreferrer nofollow">logo</a></p>',
        ),
        ("![foto][f]\n\n[f]: https://example.nl/f.jpg", None),
    ],
)
def test_an_image_keeps_its_alt_text_and_its_address_as_a_link(text, html):
    rendered = str(render_markdown(text))
    if html is not None:
        assert rendered == html
    else:
        assert '<a href="https://example.nl/f.jpg" rel="noopener noreferrer nofollow">foto</a>' in rendered
    assert "<img" not in rendered and "<p></p>" not in rendered


def test_an_images_alt_text_is_text_not_markup():
    html = str(render_markdown('![<script>alert(1)</script> "x" & <b>y</b>](https://example.nl/x.png)'))
    assert "<script" not in html and "<b>" not in html
    assert [tag for tag, _attrs in start_tags(html)] == ["p", "a"]


TABLE = "| Dag | Tijd | Wie |\n|---|---|---|\n| Maandag | 09:00 | Wijkverpleging |\n| Dinsdag | 14:00 | Apotheek |"


def test_a_table_scrolls_in_its_own_named_focusable_box():
    html = str(render_message(TABLE))
    found = start_tags(html)
    box = found[0]
    assert box == (
        "div",
        {
            "class": "utrecht-table-container wv-markdown-table",
            "tabindex": "0",
            "role": "region",
            "aria-label": "Dag, Tijd, Wie",
        },
    )
    assert found[1][0] == "table"
    assert html.endswith("</table></div>")
    assert "<td>Maandag</td>" in html


def test_a_table_without_header_text_is_still_named_and_its_name_is_plain_text():
    with translation.override("en"):
        html = str(render_markdown('|  |  |\n|---|---|\n| a | b |\n\n| "x" & <i>y</i> | z |\n|---|---|\n| 1 | 2 |'))
    boxes = [attrs for tag, attrs in start_tags(html) if tag == "div"]
    assert [box["aria-label"] for box in boxes] == ["Table", '"x" & y, z']
    assert html.count("<div") == html.count("</div>") == 2


def test_html_typed_by_the_author_makes_no_box_and_no_attribute():
    """The box is ours: an author's own <div role tabindex> stays out, as all raw HTML but the allowed tags."""
    html = str(render_message('<div class="x" role="region" tabindex="0" aria-label="a">tekst</div>'))
    assert "<div" not in html and "tabindex" not in html and "tekst" in html
