"""What a search box's words find: the one meaning of a query (query.py) and the one way it is
matched (backend.py), for the site's search (wijkverband/search) and for every list's own search box
(agreements, bottlenecks, sociale kaart), so that a list never finds less than the search does for
the same words ("medicatie overdracht" finds "Medicatieoverdracht" in both).

A list filters its own rows with `text_matching`; the site's search uses `matching` and `corrected`
itself (it corrects a typo only when no kind found anything).
"""

from django.db.models import QuerySet

from wijkverband.core.textsearch.backend import corrected, full_text, matching, widened
from wijkverband.core.textsearch.query import parse


def text_matching(queryset: QuerySet, *, kind: str, text: str) -> QuerySet:
    """The rows of `queryset` (rows of `kind`, documents.py) that the site's search finds for this
    text: every word (or what it means: its stem, a prefix, a compound's parts, the compounds that
    end in it), and on PostgreSQL, when nothing matches as written, the most similar known words (a
    typo). Blank text: every row; text of only stop words or signs ("de", "?!"): none, as the search
    finds nothing for it.

    Apply it to the outermost query (not in a subquery): the backend names the kind's table."""
    if not text.strip():
        return queryset
    query = parse(text)
    if not query:
        return queryset.none()
    query = widened(query)
    matches = matching(queryset, kind=kind, query=query)
    # A typo is corrected on PostgreSQL only (its word list): SQLite is not asked whether any matched.
    if full_text() and not matches.exists() and (typo := corrected(query)):
        matches = matching(queryset, kind=kind, query=typo)
    return matches
