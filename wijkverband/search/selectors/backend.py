"""The one module that knows how text is matched: PostgreSQL full-text search with trigrams, or a
plain "contains" on SQLite (the embedded default of `make run`). Everything else of the search
(who may read what, filters, grouping, highlighting) is above it and backend-free.

A move to a search cluster (OpenSearch) replaces `matching`: it would ask the cluster for the ids
that match, ranked, and return the queryset filtered to those ids (docs/search.md says when that
pays and what the cluster's documents must carry for the visibility filters).
"""

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

from wijkverband.search.documents import TS_CONFIG, document_sql, folded_sql, tsvector_sql
from wijkverband.search.query import Query, Term

#: Below this length a word is not matched by trigram similarity (too many near neighbours).
TRIGRAM_MIN = 4


def full_text() -> bool:
    """PostgreSQL: stemming, accents, typos. Otherwise: a plain case-insensitive "contains"."""
    return connection.vendor == "postgresql"


def _tsquery(term: Term) -> str:
    # Only [0-9a-z] reach here (query.parse), so the text cannot carry tsquery syntax.
    alternatives = [term.word]
    if term.prefix:
        alternatives.append(f"{term.prefix}:*")
    if term.parts:
        alternatives.append("(" + " & ".join(f"{part}:*" for part in term.parts) + ")")
    return " | ".join(alternatives)


def _postgres(queryset: QuerySet, kind: str, query: Query, fuzzy: bool) -> QuerySet:
    tsvector, folded = tsvector_sql(kind), folded_sql(kind)
    for term in query.terms:
        sql = f"{tsvector} @@ to_tsquery('{TS_CONFIG}'::regconfig, %s)"
        params = [_tsquery(term)]
        if fuzzy and len(term.word) >= TRIGRAM_MIN:
            # word_similarity(word, document) above pg_trgm.word_similarity_threshold (0.6).
            sql = f"({sql} OR {folded} %%> %s)"
            params.append(term.word)
        queryset = queryset.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
    everything = " | ".join(f"({_tsquery(term)})" for term in query.terms)
    rank = RawSQL(  # noqa: S611
        f"ts_rank_cd({tsvector}, to_tsquery('{TS_CONFIG}'::regconfig, %s))", [everything], output_field=FloatField()
    )
    return queryset.annotate(search_rank=rank)


def _contains(queryset: QuerySet, kind: str, query: Query) -> QuerySet:
    # The same document as PostgreSQL's, joined with || (SQLite has it too; the columns are NOT NULL).
    document = RawSQL(document_sql(kind), [], output_field=TextField())  # noqa: S611
    queryset = queryset.annotate(search_document=document, search_rank=Value(0.0, output_field=FloatField()))
    for term in query.terms:
        condition = Q(search_document__icontains=term.prefix or term.word)
        if term.parts:
            parts = Q()
            for part in term.parts:
                parts &= Q(search_document__icontains=part)
            condition |= parts
        queryset = queryset.filter(condition)
    return queryset


def matching(queryset: QuerySet, *, kind: str, query: Query, fuzzy: bool = False) -> QuerySet:
    """The rows of `queryset` whose document matches every term, annotated with `search_rank`.

    fuzzy: also by trigram similarity (a typo). Asked only when the exact search found nothing:
    the stored tsvector makes an exact search cheap, while similarity reads every row's text."""
    if full_text():
        return _postgres(queryset, kind, query, fuzzy)
    return _contains(queryset, kind, query)


def fuzzy_possible(query: Query) -> bool:
    return full_text() and any(len(term.word) >= TRIGRAM_MIN for term in query.terms)
