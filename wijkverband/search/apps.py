from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_fold(sender, connection, **kwargs) -> None:
    """The embedded default (SQLite) searches by "contains": its documents are folded as the query
    is ("cliënt" → "client"), with this function, or a word with an accent was never found."""
    if connection.vendor == "sqlite":
        from wijkverband.core.textsearch.query import fold

        connection.connection.create_function("wv_fold", 1, fold, deterministic=True)


class SearchConfig(AppConfig):
    name = "wijkverband.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        connection_created.connect(_sqlite_fold, dispatch_uid="wijkverband.search.sqlite_fold")
