"""Names in the order of the Dutch telephone book: "'t Hoekje" under H, "'s-Heerenhof" under H.

A list sorted by a name as typed put every name that starts with an apostrophe, a quote or
another sign before A: "'t Hoekje" first, "(Buurthuis) De Pijp" second. The clitics 't (het) and
's (des) are no words a name is looked up by, so they are left out with the signs in front; the
rest is folded as the search folds it (lower case, no accents: "Émile" between "Ede" and "Eva").
The articles de, het and een stay: "De Bron" is under D, as people say and type it.

Sorted in SQL, lists read a column that holds this key, kept by the model's `save()` (and by bulk
writes that pass `save()`) with the same function, so SQLite and PostgreSQL sort alike whatever
their collation."""

import re
import unicodedata

#: An apostrophe in its other spellings (’ ‘ ` ´ ʼ), written as ' before folding: NFKD would make ´ a space.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018`\u00b4\u02bc", "'"))
#: Leading signs and spaces, then 't or 's and what joins it to the name (a space, a hyphen, a dot).
_CLITIC = re.compile(r"^[\W_]*'(?:t|s)[\s\-.]+(?=\w)")
_LEADING = re.compile(r"^[\W_]+")
_SPACES = re.compile(r"\s+")


def without_accents(text: str) -> str:
    """ "Cliënt" → "Client", "Café" → "Cafe": the one way accents are taken off, for the sort, the
    search (core.textsearch.query.fold) and the sociale kaart's search column (socialmap.models.search_fold)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without accents, spaces made one."""
    plain = without_accents((text or "").translate(_APOSTROPHES)).casefold()
    return _SPACES.sub(" ", plain).strip()


def name_sort_key(name: str) -> str:
    """The key a name sorts by: "'t Hoekje" → "hoekje", "’s-Hertogenbosch" → "hertogenbosch",
    "\\"De Brug\\"" → "de brug". A name of signs only keeps them (it still sorts, first)."""
    folded = fold(name)
    key = _LEADING.sub("", _CLITIC.sub("", folded))
    return key or folded


def name_order(name: str) -> tuple[str, str]:
    """For Python's sorted(): the key, then the folded name ("'t Hoekje" and "Hoekje" keep one order)."""
    return name_sort_key(name), fold(name)
