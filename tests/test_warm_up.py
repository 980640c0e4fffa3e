"""A new worker compiles our templates before it listens (config/asgi.py, _warm_up), without
touching the database: its first pages after a restart do not pay for it (docs/scaling.md)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from config import asgi


def _ours() -> set[str]:
    names = set()
    for directory in map(Path, engines["django"].template_dirs):
        if directory.is_relative_to(settings.BASE_DIR) and "site-packages" not in directory.parts:
            names |= {
                str(path.relative_to(directory)) for path in directory.rglob("*") if path.suffix in {".html", ".txt"}
            }
    return names


def test_every_template_of_ours_compiles():
    """What the warm-up would skip: a template that does not compile. There is none."""
    names = _ours()
    assert len(names) > 100  # the frontend's and every app's
    for name in sorted(names):
        engines["django"].get_template(name)


def test_the_warm_up_fills_the_template_cache_without_the_database():
    # No django_db mark: pytest-django refuses any query, so this also shows it reads nothing.
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    assert not loader.get_template_cache
    asgi._warm_up()
    assert _ours() <= set(loader.get_template_cache)
    assert "base.html" in loader.get_template_cache


def test_the_warm_up_compiles_the_queries_built_once_per_process_without_the_database():
    """Every page's header runs queries the ORM compiles once per process (core.rows.compiled):
    compiled by a worker's first page, they cost it about 40 ms of CPU in a reconnect storm.
    The warm-up compiles them all, and no query (no django_db mark: any would fail)."""
    from wijkverband.core import rows
    from wijkverband.mywork.selectors import _asked_counts, _kinds_with_items
    from wijkverband.tenancy.selectors import _switcher_places
    from wijkverband.work.selectors import _notice_tally

    header = {_switcher_places, _notice_tally, _asked_counts, _kinds_with_items}
    assert header <= set(rows._DECLARED)
    rows._compiled_sql.cache_clear()
    asgi._warm_up()
    compiled = rows._compiled_sql.cache_info()
    assert compiled.currsize == len(rows._DECLARED)
    for build in rows._DECLARED:
        rows._compiled_sql(build, "default")
    assert rows._compiled_sql.cache_info().misses == compiled.misses  # nothing left for a page


def test_a_new_worker_starts_its_tasks_with_no_context_variables():
    """The warm-up's Local values (a flag in every URL resolver, the active language) stay in a
    context of their own: every task the server starts copies the module's context, and asgiref
    walks every variable in it twice on each `sync_to_async`. The warm-up's work is still done."""
    code = (
        "import contextvars, json\n"
        "import config.asgi\n"
        "from django.urls import get_resolver\n"
        "print(json.dumps([[v.name for v in contextvars.copy_context()], get_resolver()._populated]))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    variables, populated = json.loads(done.stdout.strip().splitlines()[-1])
    # The decimal module's own context, which PostgreSQL's driver sets on import, is the one allowed.
    assert [name for name in variables if name != "decimal_context"] == []
    assert populated  # the reverse table was built all the same


def test_a_new_workers_first_sign_in_page_finds_the_warm_up_done():
    """A fresh interpreter with no database: after the warm-up, the sign-in page (a form's widgets,
    links to other pages, the host check, the session's serializer, allauth's adapters) imports no
    module, compiles no pattern and reads nothing. Before, this page imported two modules and
    compiled eleven patterns, and a new worker's first thread list took twice the CPU of its second."""
    code = (
        "import json, re, sys\n"
        "import config.asgi\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "modules, patterns, queries = set(sys.modules), set(re._cache), []\n"
        "with connection.execute_wrapper(lambda run, sql, *rest: queries.append(sql)):\n"
        "    answer = Client().get('/accounts/login/', HTTP_HOST='localhost')\n"
        "new_patterns = sorted(str(key[1]) for key in set(re._cache) - patterns)\n"
        "print(json.dumps([answer.status_code, sorted(set(sys.modules) - modules), new_patterns, queries]))\n"
    )
    # A database that cannot be there: any query would fail the page.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATABASE_URL": "sqlite:////nonexistent-directory/wijkverband.sqlite3",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    status, modules, patterns, queries = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 200
    assert modules == []
    assert patterns == []
    assert queries == []


@pytest.mark.django_db
def test_a_new_workers_first_thread_list_compiles_no_link_and_reads_no_content_type(world, client_for, monkeypatch):
    """What the warm-up and the content types read before listening leave a first page: as the
    worker starts, the module `re` holds no URL pattern and ContentType's cache nothing. Then the
    thread list compiles no pattern for its links and makes the queries of any later visit."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("maarten")
    client.handler.load_middleware()  # as a worker's handler has before the warm-up (django_asgi_app)
    re.purge()
    ContentType.objects.clear_cache()
    asgi._warm_up()
    closed = []  # the worker gives its connection back to the pool; the test keeps its own
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    assert asgi._load_content_types()
    assert closed == [True]
    monkeypatch.undo()
    patterns = set(re._cache)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/t/oost/threads/").status_code == 200
    assert sorted(str(key[1]) for key in set(re._cache) - patterns) == []
    with CaptureQueriesContext(connection) as later:
        assert client.get("/t/oost/threads/").status_code == 200
    assert not [q["sql"] for q in first.captured_queries if "django_content_type" in q["sql"]]
    assert len(first.captured_queries) == len(later.captured_queries)


@pytest.mark.django_db
def test_without_the_content_types_read_first_the_first_page_reads_them(world, client_for):
    """The control of the test above: the first page does read them when nobody did."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("maarten")
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/t/oost/threads/").status_code == 200
    assert [q["sql"] for q in first.captured_queries if "django_content_type" in q["sql"]]
