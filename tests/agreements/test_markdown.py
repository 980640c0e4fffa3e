"""render_markdown (wijkverband.core.markdown) against an XSS corpus, as agreements use it."""

import pytest

from tests.html_tags import start_tags
from wijkverband.core.markdown import render_markdown

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<body onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='java&#x09;script:alert(1)'>x</a>",
    "<a href=' javascript:alert(1)'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "[klik](javascript:alert(1))",
    "[klik](JAVASCRIPT:alert(1))",
    "[klik](data:text/html,<script>alert(1)</script>)",
    "![plaatje](javascript:alert(1))",
    '![x](https://example.nl/x.png "onerror=alert(1)")',
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<p style='color:red' onclick='alert(1)'>x</p>",
    "<a href='https://example.nl' onmouseover='alert(1)'>x</a>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='javascript:alert(1)'>",
    "<form action='javascript:alert(1)'><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<base href='javascript:alert(1)//'>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
    "<!--<script>alert(1)</script>-->",
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
]


ALLOWED_URL = ("http://", "https://", "mailto:", "tel:", "#", "/")
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "input", "svg", "math", "style", "link", "meta"}
FORBIDDEN_TAGS |= {"base", "img", "body", "template", "noscript", "details", "button"}


@pytest.mark.parametrize("payload", XSS)
def test_no_script_event_handler_or_dangerous_url_survives(payload):
    html = str(render_markdown(f"Tekst vooraf.\n\n{payload}\n\nTekst achteraf."))
    for tag, attrs in start_tags(html):
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", html
            if name in {"href", "src", "action", "data"}:
                assert (value or "").strip().lower().startswith(ALLOWED_URL), html
    assert "Tekst vooraf." in html and "Tekst achteraf." in html  # the rest of the text is kept


def test_ordinary_markdown_is_rendered():
    html = str(
        render_markdown(
            "# Kop\n\n**vet** en *schuin*\n\n- een\n- twee\n\n[site](https://example.nl)\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |",
            top_heading=3,
        )
    )
    # As the agreement's page places its text, under the section's h2: "# Kop" was an <h1> there.
    assert "<h3>Kop</h3>" in html and "<h1>" not in html
    assert "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert "<li>een</li>" in html
    assert '<a href="https://example.nl" rel="noopener noreferrer nofollow">site</a>' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_empty_text_gives_empty_html():
    assert str(render_markdown("")) == ""
