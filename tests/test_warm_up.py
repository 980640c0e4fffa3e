"""A new worker compiles our templates before it listens (config/asgi.py, _warm_up), without
touching the database: its first pages after a restart do not pay for it (docs/scaling.md)."""

from pathlib import Path

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
