"""The one module that knows how text is matched: PostgreSQL full-text search with trigrams, or a
plain "contains" on SQLite (the embedded default of `make run`). Everything else of the search
(who may read what, filters, grouping, highlighting) is above it and backend-free.

A move to a search cluster (OpenSearch) replaces `matching`: it would ask the cluster for the ids
that match, ranked, and return the queryset filtered to those ids (docs/search.md says when that
pays and what the cluster's documents must carry for the visibility filters).
"""

import dataclasses

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

from wijkverband.core.textsearch.documents import TS_CONFIG, document_sql, tsvector_sql
from wijkverband.core.textsearch.query import INSIDE_AFTER, Query, Term, term_of

#: Below this length a word is not corrected (too many near neighbours); the word list holds
#: words of 4–40 letters (migration 0002).
TRIGRAM_MIN = 4
#: A word of the list counts as what a typo meant from this trigram similarity on ("dementei" →
#: "dementie" is 0.5, "clientenrad" → "clientenraad" 0.79, "apotheek" → "apotheker" 0.46).
SIMILARITY = 0.45
#: At most this many corrections per word, the most similar first.
CORRECTIONS = 3
#: Of the known words that hold a search word after their first letters, this many of the shortest
#: are looked at (the trigram index finds them; most are no compound ending in it)…
CANDIDATES = 200
#: …and at most this many compounds that end in it are searched for, the shortest first.
INSIDE = 5


def full_text() -> bool:
    """PostgreSQL: stemming, accents, typos. Otherwise: a plain case-insensitive "contains"."""
    return connection.vendor == "postgresql"


def _tsquery(term: Term) -> str:
    # Only [0-9a-z] reach here (query.parse; the word list holds only such words), so the text
    # cannot carry tsquery syntax.
    alternatives = [term.word]
    if term.prefix:
        alternatives.append(f"{term.prefix}:*")
    if term.parts:
        alternatives.append("(" + " & ".join(f"{part}:*" for part in term.parts) + ")")
    alternatives.extend(f"{compound}:*" for compound in term.joined)
    alternatives.extend(term.inside)  # whole words of the list, stemmed as the documents' words are
    # A typo's corrections, each with its own prefix and parts ("medicatieoverdracht" as both).
    alternatives.extend(_tsquery(term_of(word)) for word in term.similar)
    return " | ".join(alternatives)


def _postgres(queryset: QuerySet, kind: str, query: Query) -> QuerySet:
    tsvector = tsvector_sql(kind)
    for term in query.terms:
        sql = f"{tsvector} @@ to_tsquery('{TS_CONFIG}'::regconfig, %s)"
        queryset = queryset.filter(RawSQL(sql, [_tsquery(term)], output_field=BooleanField()))  # noqa: S611
    everything = " | ".join(f"({_tsquery(term)})" for term in query.terms)
    rank = RawSQL(  # noqa: S611
        f"ts_rank_cd({tsvector}, to_tsquery('{TS_CONFIG}'::regconfig, %s))", [everything], output_field=FloatField()
    )
    return queryset.annotate(search_rank=rank)


def _contains(queryset: QuerySet, kind: str, query: Query) -> QuerySet:
    # The same document as PostgreSQL's, joined with || (SQLite has it too; the columns are NOT NULL),
    # folded as the query is (wv_fold: SearchConfig registers it with each SQLite connection).
    document = RawSQL(f"wv_fold({document_sql(kind)})", [], output_field=TextField())  # noqa: S611
    queryset = queryset.annotate(search_document=document, search_rank=Value(0.0, output_field=FloatField()))
    for term in query.terms:
        condition = Q(search_document__icontains=term.prefix or term.word)
        if term.parts:
            parts = Q()
            for part in term.parts:
                parts &= Q(search_document__icontains=part)
            condition |= parts
        for compound in term.joined:
            condition |= Q(search_document__icontains=compound)
        for plural in term.inners[1:]:  # "brief" → "briev…": "ontslagbrieven" (and "brieven")
            condition |= Q(search_document__icontains=plural)
        queryset = queryset.filter(condition)
    return queryset


def matching(queryset: QuerySet, *, kind: str, query: Query) -> QuerySet:
    """The rows of `queryset` whose document matches every term, annotated with `search_rank`."""
    if full_text():
        return _postgres(queryset, kind, query)
    return _contains(queryset, kind, query)


def widened(query: Query) -> Query:
    """The query with, for each word of INSIDE_MIN letters or more, the known words (the word list
    `search_word`, migration 0002) that are compounds ending in it (`query.ends_compound`), as
    alternatives: "overdracht" and "overdragen" ("overdra…") find "Medicatieoverdracht", "brief"
    finds "ontslagbrief". PostgreSQL's full text matches a word whole or by its start, never inside;
    SQLite's "contains" needs no list (unchanged there).

    One query on the word list for every word at once (its trigram index answers the pattern): the
    shortest CANDIDATES that hold the word after their first letters, of which the compounds count,
    at most INSIDE per word. Each is one more word that every row of the person's teams is checked
    against, so they are few (docs/search.md, the bench). The list spans every team, but as with
    `corrected` a word of it only widens the person's own query: what it finds passes every read
    rule, and the words are never shown."""
    terms = [term for term in query.terms if term.inner]
    if not full_text() or not terms:
        return query
    # The part after INSIDE_AFTER letters or more, and at most its ending after it: a regular
    # expression the trigram index answers as it does a LIKE (only [0-9a-z] reach here).
    candidates = _words_for(
        "SELECT t.word, c.word FROM unnest(%s::text[], %s::text[]) AS t(word, pattern) "
        "CROSS JOIN LATERAL (SELECT s.word FROM search_word AS s WHERE s.word ~ t.pattern "
        "ORDER BY length(s.word), s.word LIMIT %s) AS c",
        [[t.word for t in terms], [_ending_in(t) for t in terms], CANDIDATES],
    )
    by_word = {term.word: term for term in terms}
    inside = {word: [c for c in found if by_word[word].ends(c)][:INSIDE] for word, found in candidates.items()}
    return _with(query, "inside", inside) if any(inside.values()) else query


def _ending_in(term: Term) -> str:
    return f"^.{{{INSIDE_AFTER},}}({'|'.join(term.inners)}).{{0,{term.ending}}}$"


def corrected(query: Query) -> Query | None:
    """The query with, for each word that no searchable text holds, the most similar words that
    some text does hold (pg_trgm similarity on the word list `search_word`, migration 0002) as
    alternatives; None when there is nothing to correct (SQLite, or every word is known).

    One query on the small word list instead of trigrams over every row of the person's teams.
    The list spans every team, but a correction only widens the person's own query: what it finds
    still passes every read rule, and the corrections themselves are never shown."""
    words = [term.word for term in query.terms if len(term.word) >= TRIGRAM_MIN]
    if not full_text() or not words:
        return None
    similar = _words_for(
        "SELECT t.word, c.word FROM unnest(%s::text[]) AS t(word) "
        "CROSS JOIN LATERAL (SELECT s.word FROM search_word AS s "
        "WHERE s.word %% t.word AND similarity(s.word, t.word) >= %s "
        "ORDER BY similarity(s.word, t.word) DESC, s.word LIMIT %s) AS c "
        "WHERE NOT EXISTS (SELECT 1 FROM search_word AS known WHERE known.word = t.word)",
        [words, SIMILARITY, CORRECTIONS],
    )
    return _with(query, "similar", similar) if similar else None


def _words_for(sql: str, params: list) -> dict[str, list[str]]:
    """Words of the word list for each search word: (search word, word) rows, in their order."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for word, listed in cursor.fetchall():
            found.setdefault(word, []).append(listed)
    return found


def _with(query: Query, alternatives: str, found: dict[str, list[str]]) -> Query:
    """The query with each term's `alternatives` (a field of Term) the words found for its word."""
    terms = tuple(dataclasses.replace(term, **{alternatives: tuple(found.get(term.word, ()))}) for term in query.terms)
    return dataclasses.replace(query, terms=terms)
