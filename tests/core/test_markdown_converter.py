"""render_markdown reuses one converter per thread: nothing of one text may reach the next."""

import threading

from wijkverband.core.markdown import render_markdown

TEXTS = [
    "```\nfenced <b>code</b>\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "first line\nsecond line",
    "<script>alert(1)</script> **bold**",
    "1. one\n2. two",
    "```\nan unclosed fence",
    "plain text after it",
]


def test_each_text_renders_as_it_would_alone_whatever_came_before():
    alone = {}
    for text in TEXTS:
        alone[text] = str(render_markdown(text))
    # Again in another order, each after texts that leave state behind (stashed code, a table, a fence).
    for text in reversed(TEXTS):
        assert str(render_markdown(text)) == alone[text]
    assert str(render_markdown("plain text after it")) == "<p>plain text after it</p>"
    assert "script" not in alone["<script>alert(1)</script> **bold**"]


def test_threads_render_at_the_same_time_without_mixing_their_texts():
    expected = {text: str(render_markdown(text)) for text in TEXTS}
    wrong = []

    def render_many(offset: int) -> None:
        for i in range(200):
            text = TEXTS[(i + offset) % len(TEXTS)]
            if str(render_markdown(text)) != expected[text]:
                wrong.append(text)

    workers = [threading.Thread(target=render_many, args=(n,)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert wrong == []


def test_the_reused_converter_keeps_nothing_of_earlier_texts():
    """Without a reset the converter's stash of raw HTML and code blocks would grow with every
    message a worker renders, for as long as it runs."""
    from wijkverband.core.markdown import _converter

    for _ in range(100):
        render_markdown("```\ncode\n```\n\n<div>raw</div>")
    assert len(_converter().htmlStash.rawHtmlBlocks) <= 2
