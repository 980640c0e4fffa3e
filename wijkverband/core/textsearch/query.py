"""What a search box's text means, the same for every backend (selectors/backend.py renders it).

A query is a list of terms; an item matches when every term matches (AND). A term matches when
one of its alternatives does (OR):

- the word itself (stemmed by the full-text search on PostgreSQL: "overdragen" finds "overdraagt");
- for a word of 7 letters or more, its first letters as a prefix (the word less its last three,
  at least five): "overdracht" → "overdra…" also finds "overdragen", "medicatie" → "medica…";
- for a compound of two known words (words.py), both parts as prefixes, in any order or place:
  "medicatieoverdracht" finds "medicatie-overdracht" and "de medicatie bij ontslag overdragen";
- for two neighbouring words that make a compound, the compound as a prefix: "medicatie
  overdracht" also finds "medicatieoverdracht" (on PostgreSQL a prefix matches only a word's start);
- for a word of 4 letters or more, the compounds that end in it (`ends_compound`: a known word
  of words.py first, then the word, give or take an ending): "overdracht" and "overdragen" find
  "Medicatieoverdracht", "brief" "ontslagbrief" and "ontslagbrieven", "preventie" "Valpreventie"
  (on PostgreSQL such words of the word list, backend.py `widened`: its full text matches a word
  whole or by its start, never inside; SQLite's "contains" finds them as it is);
- on PostgreSQL, when nothing matches as written, the most similar words of the word list
  (pg_trgm similarity, backend.py `corrected`), so a typo still finds it.

Words are folded (lower case, no accents) and stop words dropped; a hyphenated word counts as its
parts. Only letters and digits reach a backend, so a query can never carry syntax of its own.
"""

import dataclasses
import re
from dataclasses import dataclass, field

from wijkverband.core.sorting import without_accents
from wijkverband.core.textsearch.words import COMPOUND_PARTS, STOP_WORDS

#: The most characters a search box takes, on every page: the header's box, the search page's and
#: each list's (its maxlength and the server's check, core/listfilters.SearchField). A longer text
#: is refused with a word at the box, never cut.
MAX_LENGTH = 200
#: At most this many terms are searched (the rest of a pasted paragraph is ignored).
MAX_TERMS = 6
MIN_LENGTH = 2
#: Dutch writes a last f or s as v or z before a plural's ending: "brief" → "brieven".
_VOICED = {"f": "v", "s": "z"}
#: A word this long or longer also finds the compounds that end in it (`ends_compound`).
INSIDE_MIN = 4
#: The first part of such a compound has at least this many letters ("val|preventie").
INSIDE_AFTER = 3
#: Letters a compound may have after the word's (its prefix's) own: an ending ("brief|je",
#: "overdracht|en"), not a third part ("overdracht|sformulier" is a form, not a handover).
INSIDE_ENDING = 3
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without accents ("Cliënt" → "client")."""
    return without_accents(text).lower()


def prefix_of(word: str) -> str:
    """The prefix a long word is also searched by: the word less its last three letters, at least five."""
    return word[: max(5, len(word) - 3)] if len(word) >= 7 else word


def _part_prefix(word: str) -> str:
    return word[: max(5, len(word) - 3)] if len(word) >= 8 else word


def _is_part(word: str) -> bool:
    return word in COMPOUND_PARTS


def split_compound(word: str) -> tuple[str, str] | None:
    """Two known words glued together (with a linking s or e allowed), or None."""
    for i in range(3, len(word) - 2):
        head, tail = word[:i], word[i:]
        if not _is_part(tail) and not any(tail.startswith(w) and len(tail) - len(w) <= 3 for w in COMPOUND_PARTS):
            continue
        if _is_part(head) or (head[-1:] in ("s", "e") and _is_part(head[:-1])):
            return (head if _is_part(head) else head[:-1]), tail
    return None


@dataclass(frozen=True)
class Term:
    word: str  # folded, letters and digits only
    prefix: str | None = None  # also matched as a prefix (long words)
    parts: tuple[str, ...] = ()  # a compound's parts, each matched as a prefix
    joined: tuple[str, ...] = ()  # the compound it makes with a neighbouring word, as a prefix
    similar: tuple[str, ...] = ()  # corrections of a typo (PostgreSQL's word list), each a word
    inside: tuple[str, ...] = ()  # compounds of the word list that end in it (`ends`; PostgreSQL)

    @property
    def inner(self) -> str | None:
        """What a compound ends in to be found by this term: the prefix of a long word ("overdragen"
        → "overdra…" in "medicatieoverdracht"), a shorter word whole; None below INSIDE_MIN letters."""
        return (self.prefix or self.word) if len(self.word) >= INSIDE_MIN else None

    @property
    def inners(self) -> tuple[str, ...]:
        """`inner`, and for a short word that ends in f or s also the form its plural takes ("brief"
        → "briev…" in "ontslagbrieven", "huis" → "huiz…" in "zorghuizen"): a compound's plural
        changes its last part's spelling, a word's own plural its stem (which PostgreSQL's stemmer
        and the prefix already find)."""
        if not self.inner:
            return ()
        if self.inner == self.word and self.word[-1] in _VOICED:
            return (self.inner, self.inner[:-1] + _VOICED[self.word[-1]])
        return (self.inner,)

    def ends(self, word: str) -> bool:
        """Whether the folded `word` is a compound that ends in this term's word (`ends_compound`)."""
        return any(ends_compound(word, inner, self.ending) for inner in self.inners)

    @property
    def ending(self) -> int:
        """How many letters may follow `inner` at the compound's end: what the prefix left off, and
        an ending."""
        return len(self.word) - len(self.inner or self.word) + INSIDE_ENDING

    @property
    def marks(self) -> tuple[str, ...]:
        """Word beginnings to highlight in a result."""
        starts = {w[: max(4, len(w) - 3)] if len(w) >= 7 else w for w in (self.word, *self.similar)}
        starts.update(self.parts)
        return tuple(sorted(starts, key=len, reverse=True))


def ends_compound(word: str, inner: str, ending: int) -> bool:
    """Whether the folded `word` is a compound that ends in `inner` (followed by at most `ending`
    letters), after a first part that is a known word of words.py (a linking s or e allowed) or
    two of them: "medicatieoverdracht", "ontslagbrief", "valpreventie", "thuiszorgoverleg". Dutch
    puts what a thing is last, so a search for that word finds it. Not "overdrachtsformulier" for
    "overdracht" (a form, not a handover), nor "afwijking" for "wijk" ("af" is no first part): the
    known first part keeps out words that merely hold the letters."""
    start = word.find(inner, INSIDE_AFTER)
    while start >= 0:
        if len(word) - start - len(inner) <= ending and _known_head(word[:start]):
            return True
        start = word.find(inner, start + 1)
    return False


def _known_head(head: str) -> bool:
    if _is_part(head) or (head[-1:] in ("s", "e") and _is_part(head[:-1])):
        return True
    return len(head) >= 6 and split_compound(head) is not None


@dataclass(frozen=True)
class Marks:
    """What a result highlights: a word that starts with one of `starts`, or is a compound that
    ends in one of `inside` ((inner, ending) pairs, `ends_compound`), as the search finds it."""

    starts: tuple[str, ...] = ()
    inside: tuple[tuple[str, int], ...] = ()

    def __call__(self, folded: str) -> bool:
        return folded.startswith(self.starts) or any(ends_compound(folded, *part) for part in self.inside)


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...] = field(default_factory=tuple)
    left_out: tuple[str, ...] = ()  # words after the first MAX_TERMS, not searched for

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def has_letters(self) -> bool:
        """Whether the text has a letter or a digit at all (not only "🏥" or "?!")."""
        return any(c.isalnum() for c in self.text)

    @property
    def marks(self) -> Marks:
        return Marks(
            starts=tuple(sorted({m for t in self.terms for m in t.marks}, key=len, reverse=True)),
            inside=tuple(sorted({(inner, t.ending) for t in self.terms for inner in t.inners})),
        )


def term_of(word: str) -> Term:
    """The term of one folded word: the word, its prefix, a compound's parts."""
    prefix = prefix_of(word)
    compound = split_compound(word) if len(word) >= 8 else None
    parts = tuple(_part_prefix(p) for p in compound) if compound else ()
    return Term(word=word, prefix=prefix if prefix != word else None, parts=parts)


def _joined(words: list[str]) -> dict[str, list[str]]:
    """Of neighbouring words that are a compound written apart ("medicatie overdracht"), the
    compound's prefix ("medicatieoverdr…") for each of the two: a text that writes it as one word
    matches both terms (PostgreSQL's full text matches a prefix only at a word's start)."""
    joined: dict[str, list[str]] = {}
    for first, second in zip(words, words[1:], strict=False):
        if split_compound(first + second) is not None:
            compound = prefix_of(first + second)
            for word in (first, second):
                joined.setdefault(word, []).append(compound)
    return joined


def parse(text: str) -> Query:
    words = []
    for word in _WORD.findall(fold(text)):
        if len(word) >= MIN_LENGTH and word not in STOP_WORDS and word not in words:
            words.append(word)
    searched = words[:MAX_TERMS]
    joined = _joined(searched)
    return Query(
        text=text.strip(),
        terms=tuple(dataclasses.replace(term_of(word), joined=tuple(joined.get(word, ()))) for word in searched),
        left_out=tuple(words[MAX_TERMS:]),
    )
