"""A result's snippet: the text around the first matching word, with the matching words marked.

Done here rather than by the database (ts_headline), so both backends mark the same way and only
the few rows shown pay for it. A word is marked when its folded form starts with one of the
query's word beginnings (query.Term.marks) or is a compound that ends in one of its words
(query.Marks, by the rule the search finds it with)."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wijkverband.core.textsearch.query import Marks, fold

_WORDS = re.compile(r"\w+")
#: Characters of context around the first match, and the longest snippet.
BEFORE, LENGTH = 60, 220


def snippet(text: str, marks: Marks) -> SafeString:
    text = " ".join((text or "").split())
    hits = [m.span() for m in _WORDS.finditer(text) if marks(fold(m.group()))]
    start = 0
    if hits and hits[0][0] > BEFORE:
        start = text.rfind(" ", 0, hits[0][0] - BEFORE) + 1
    end = min(len(text), start + LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + LENGTH // 2 else end
    parts = ["…"] if start > 0 else []
    cursor = start
    for a, b in hits:
        if a < start or b > end:
            continue
        parts += [escape(text[cursor:a]), "<mark>", escape(text[a:b]), "</mark>"]
        cursor = b
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
