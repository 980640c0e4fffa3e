"""What every page's header reads for the signed-in person, in one trip to the database.

The header shows the team switcher (tenancy), the count of unread notices and the "Mijn werk"
count (work, mywork). Each app registers its statement in its AppConfig.ready()
(`register_header_read`): a function of the person that returns a `core.rows.Statement`, and one
that turns the statement's result into what the templates use. The first time a page's template
asks for any of them (`header_read`, from the apps' context processors), all are read in one trip
(`core.rows.run`; PostgreSQL takes the statements in one query string, SQLite one at a time) and
kept on the request.

They are read when the page is rendered, after the view: a thread's page marks its notices read
first, and the header counts them as read. A response without the header (an htmx part, a
redirect) reads none. Each trip costs a page on a busy worker more than its query: its thread lets
go of the GIL and waits to get it back (docs/scaling.md, "Pages during a storm").
"""

from collections.abc import Callable
from dataclasses import dataclass

from wijkverband.core import rows


@dataclass(frozen=True)
class HeaderRead:
    statement: Callable[..., rows.Statement]  # called with the signed-in person
    result: Callable  # the statement's result -> what the templates use


_READS: dict[str, HeaderRead] = {}
_KEPT = "_wv_header_reads"


def register_header_read(key: str, read: HeaderRead) -> None:
    _READS[key] = read


def header_read(request, key: str):
    """What the header read `key` answers for this page's signed-in person (all of them are read
    in one trip the first time one is asked for)."""
    kept = getattr(request, _KEPT, None)
    if kept is None:
        keys = list(_READS)
        results = rows.run(*(_READS[name].statement(request.user) for name in keys))
        kept = {name: _READS[name].result(result) for name, result in zip(keys, results, strict=True)}
        setattr(request, _KEPT, kept)
    return kept[key]
