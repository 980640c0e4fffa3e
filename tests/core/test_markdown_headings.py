"""Headings someone writes in Markdown sit below the heading their text stands under on its page
(render_markdown's top_heading), found by a tester: "# Kop" in an agreement's text, a bottleneck's
description or a regional item was an <h1> inside the page, a second title in the largest type
that broke the heading navigation of a screen reader. Messages had it fixed alone (h4)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

from wijkverband.core.markdown import MESSAGE_TOP_HEADING, render_markdown, render_message

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"
TEXT = "# Kop\n\ntekst\n\n## Onder\n\n### Dieper\n\n#### Diepst"


def test_the_first_heading_takes_the_level_given_and_the_rest_follow_down_to_h6():
    html = str(render_markdown(TEXT, top_heading=3))
    assert re.findall(r"<h(\d)>", html) == ["3", "4", "5", "6"]
    assert "<h3>Kop</h3>" in html and "<h6>Diepst</h6>" in html and "<p>tekst</p>" in html


def test_without_a_level_markdown_keeps_its_own():
    assert re.findall(r"<h(\d)>", str(render_markdown(TEXT))) == ["1", "2", "3", "4"]


def test_a_message_uses_the_same_mechanism():
    assert str(render_message(TEXT)) == str(render_markdown(TEXT, top_heading=MESSAGE_TOP_HEADING))


def test_a_heading_in_code_or_typed_as_html_text_is_not_moved():
    html = str(render_markdown("`<h1>` en\n\n```\n<h2>kop</h2>\n```", top_heading=3))
    assert "&lt;h1&gt;" in html and "&lt;h2&gt;kop&lt;/h2&gt;" in html


@pytest.mark.parametrize("level", [0, 7])
def test_a_level_outside_h1_to_h6_is_refused(level):
    with pytest.raises(ValueError):
        render_markdown("# Kop", top_heading=level)


@pytest.mark.parametrize("library", ["bottlenecks_tags", "regional_tags"])
def test_the_markdown_filter_names_its_level(library):
    """A template that leaves the level out does not compile: no page can fall back to an h1."""
    with pytest.raises(TemplateSyntaxError):
        Template(f"{{% load {library} %}}{{{{ text|markdown }}}}")
    html = Template(f"{{% load {library} %}}{{{{ text|markdown:3 }}}}").render(Context({"text": "# Kop"}))
    assert html == "<h3>Kop</h3>"


def test_every_template_names_the_level_of_its_markdown():
    uses = [
        (path.relative_to(TEMPLATES), use)
        for path in TEMPLATES.rglob("*.html")
        for use in re.findall(r"\|markdown(?::\w+)?", path.read_text())
    ]
    assert uses
    assert [(str(path), use) for path, use in uses if use == "|markdown"] == []
