"""ASGI entry point: HTTP through Django, WebSockets through Channels (see docs/realtime.md)."""

import contextvars
import gc
import logging
import os
import time
from pathlib import Path

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from wijkverband.realtime.auth import SessionCookieMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(SessionCookieMiddleware(URLRouter(websocket_urlpatterns))),
    }
)


def _warm_up() -> None:
    """Do now, before the worker listens, what its first requests would otherwise do while people
    wait: compile our templates (into the cached loader), build the URL resolver's reverse table,
    load the translation catalogues and each language's formats, import the context processors, and
    compile the queries built once per process (core.rows.compiled: the header's). After a restart
    the first page of a new worker took seconds while thousands of sockets reconnected
    (docs/scaling.md, "A new worker"). Nothing here reads the database.

    Run in a context of its own (below): building the reverse table sets a flag in every URL
    resolver's `asgiref.local.Local` and the override sets the active language's, about forty
    context variables. Set in the module's context, every task the server starts would inherit them,
    and asgiref copies every context variable to the thread and back on each `sync_to_async` (every
    page, every step of a socket): 15 % of a reconnect's CPU (docs/realtime.md, "Reconnect storm").
    What the warm-up is for is kept outside the context: the resolvers' tables, the templates, the
    catalogues."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import formats, translation
    from django.utils.module_loading import import_string

    from wijkverband.core import rows

    get_resolver().reverse_dict  # noqa: B018 - builds the reverse table (and imports the views), as the first reverse() would
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Wijkverband")
            formats.get_format("DATE_FORMAT")  # imports the language's format modules, kept per process
    for engine in engines.all():
        for directory in map(Path, getattr(engine, "template_dirs", ())):
            if not directory.is_relative_to(settings.BASE_DIR) or "site-packages" in directory.parts:
                continue  # Django's and the packages' templates: the pages that use them are rare
            for path in sorted(directory.rglob("*")):
                if path.suffix in {".html", ".txt"}:
                    try:
                        engine.get_template(str(path.relative_to(directory)))
                    except (TemplateDoesNotExist, TemplateSyntaxError):
                        pass  # a page that uses it fails as it would have; tests/test_warm_up.py lists none
        if hasattr(engine, "engine"):
            engine.engine.template_context_processors  # noqa: B018 - imports them, as the first page would
    # What the first request imports: the message storage and the cache's backend.
    for path in [settings.MESSAGE_STORAGE, *(cache["BACKEND"] for cache in settings.CACHES.values())]:
        import_string(path)
    # The header's queries, which the ORM took about 40 ms of CPU to build on a worker's first page.
    # Their selectors were imported with the views above.
    rows.compile_declared()
    _warm_up_first_request()


def _warm_up_first_request() -> None:
    """What a worker's first page still did by itself after the rest of the warm-up: its first
    thread list took 24 ms of CPU against 11 ms for the next (bench/realtime/README.md, "A
    twenty-fourth machine"). It compiled the pattern of every URL it linked to as reverse() checks
    it, and Django's patterns compiled on first use (the host check, the date format, the charset,
    Vary, the signer, the cache's key check); it imported the session serializer, the IDNA codec and
    allauth's adapters; and it built Django's form renderer, its engine and the widget templates of
    every form. tests/test_warm_up.py checks that a new worker's first pages find all of it done."""
    import re

    from allauth.account.adapter import get_adapter as account_adapter
    from allauth.mfa.adapter import get_adapter as mfa_adapter
    from django import forms as django_forms
    from django.conf import settings
    from django.core import signing
    from django.core.cache import caches
    from django.forms.renderers import get_default_renderer
    from django.http import HttpResponse
    from django.http.request import split_domain_port
    from django.urls import get_resolver, get_script_prefix
    from django.utils import formats, timezone, translation
    from django.utils.cache import patch_vary_headers
    from django.utils.module_loading import import_string

    # As reverse() matches a URL to its pattern (URLResolver._reverse_with_prefix). The module `re`
    # keeps the last 512 patterns compiled from a string, and imports leave it nearly full of
    # patterns their modules keep compiled themselves: emptied first, it keeps those a page uses.
    re.purge()
    prefix = re.escape(get_script_prefix())
    resolver = get_resolver()
    for key in list(resolver.reverse_dict):
        for _possibility, pattern, _defaults, _converters in resolver.reverse_dict.getlist(key):
            re.compile(f"^{prefix}{pattern}")
    resolver.pattern.regex  # noqa: B018 - the root pattern every request is resolved against
    split_domain_port("localhost:8000")
    "wijkverband.nl".encode("idna")
    import_string(settings.SESSION_SERIALIZER)
    account_adapter()  # imports the adapters (wijkverband.accounts.adapter), as the sign-in would
    import_string(settings.ACCOUNT_FORMS["login"])  # the sign-in page's form (wijkverband.accounts.forms)
    mfa_adapter()
    signing.Signer(salt="warm-up")
    response = HttpResponse(content_type="text/html; charset=utf-8")
    response.charset  # noqa: B018 - the pattern that reads it from the content type
    response["Vary"] = "Accept-Language"
    patch_vary_headers(response, ["Cookie"])  # splits the Vary header there is
    caches["default"].make_and_validate_key("warm-up")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            formats.date_format(timezone.now(), "DATE_FORMAT")
    renderer = get_default_renderer()
    templates = Path(django_forms.__file__).parent / "templates"
    for path in sorted((templates / "django" / "forms" / "widgets").glob("*.html")):
        renderer.get_template(str(path.relative_to(templates)))


def _settle_heap() -> None:
    """Load the URLconf (and so every view module) now, then move everything loaded so far out
    of the garbage collector's way: it lives as long as the worker, and otherwise every full
    collection walks it again. Full collections come often while many sockets connect at once
    (a restart, a network blip); with 3,000 sockets connecting to two workers this cut their total
    time from 2.1 s to 1.2 s and the longest pause from 308 to 188 ms (docs/realtime.md).
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()


def _open_database_pool() -> int:
    """Open DATABASE_POOL_READY of the pool's connections before the worker listens, and keep that
    many open; how many are open. A worker's pool otherwise opens its connections when they are
    first asked for, one after another (psycopg's pool grows one connection at a time): after a
    restart the first handshakes and pages wait for them. On the bench machine, with PostgreSQL on
    the same host, that was at most 10 ms; behind TLS, passwords or a network, the sixteenth waits
    for fifteen connections opened one by one (docs/scaling.md, "A new worker").

    Waits at most DATABASE_POOL_TIMEOUT seconds: a worker whose database is not there yet still
    starts, and its pool goes on opening them, as before. Only the web worker (this module) does
    this: the task worker and management commands keep the pool's two.

    The pool hands out the connection returned last (wijkverband/core/dbpool.py), whatever
    DATABASE_POOL_READY says."""
    from django.conf import settings
    from django.db import connections

    pool = connections["default"].pool if getattr(settings, "DATABASE_POOL_SIZE", 0) else None
    if pool is None:
        return 0
    from wijkverband.core.dbpool import recent_first

    recent_first(pool)
    ready = getattr(settings, "DATABASE_POOL_READY", 0)
    if not ready:
        return 0
    pool.open(wait=False)
    if ready > pool.min_size:
        pool.resize(min_size=ready, max_size=pool.max_size)
    timeout = pool.timeout
    deadline = time.monotonic() + timeout
    while (available := pool.get_stats().get("pool_available", 0)) < ready and time.monotonic() < deadline:
        time.sleep(0.01)
    if available < ready:
        logging.getLogger(__name__).warning(
            "%s of %s database connections open after %.0f s; the pool goes on opening them", available, ready, timeout
        )
    return available


def _load_content_types() -> bool:
    """Read every model's content type into ContentType's cache (one per process), in one query,
    once the pool's connections are open; whether it did. A team's rights name the team's and the
    region's content type (tenancy.policy): a new worker's first page and first subscribes each
    read them, two trips more, when PostgreSQL is busiest (a restart's reconnects). Not when the
    pool has no connection open (the database is not there yet): the first page reads them then."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import DatabaseError, connections

    try:
        ContentType.objects.get_for_models(*apps.get_models())
    except DatabaseError:
        logging.getLogger(__name__).warning("could not read the content types before listening", exc_info=True)
        return False
    finally:
        connections["default"].close()  # back to the pool
    return True


def _set_switch_interval() -> float:
    """Let a thread that waits for the interpreter have it after WORKER_SWITCH_INTERVAL_US of
    another's turn (Python's default: 5 ms), and return the interval in seconds.

    A worker's page runs in a thread beside the event loop and the socket pools. Each time it lets
    go of the interpreter (every query's round trip) it waits for its turn again, up to a whole
    interval behind each busy thread: beside two busy threads the thread list (6 trips, 11 ms of
    CPU) took 178-215 ms with 5 ms and 62-73 ms with 1 ms (bench/realtime/busy_page.py; docs/
    scaling.md, "The interpreter's turns"). A thread that runs alone is never interrupted, so the
    fan-out of a quiet worker pays nothing for it; a storm's figures and a post's cost did not
    change within their noise."""
    import sys

    from django.conf import settings

    microseconds = getattr(settings, "WORKER_SWITCH_INTERVAL_US", 0)
    if microseconds > 0:
        sys.setswitchinterval(microseconds / 1_000_000)
    return sys.getswitchinterval()


contextvars.copy_context().run(_warm_up)
if contextvars.copy_context().run(_open_database_pool):
    contextvars.copy_context().run(_load_content_types)
_set_switch_interval()
contextvars.copy_context().run(_settle_heap)
