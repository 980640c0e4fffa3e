"""Tenant scoping lives in one place: views and consumers never query models themselves.

They resolve input through access helpers (access.py) and read through selectors, which filter
by team. This check fails the build when a view or consumer reaches for `Model.objects` directly.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "wijkverband"


def _view_and_consumer_files():
    for path in ROOT.rglob("*.py"):
        if path.name in {"views.py", "consumers.py"} or path.parent.name in {"views", "consumers"}:
            yield path


def _direct_lookups(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager", "_base_manager"}:
            yield node.lineno
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"get_object_or_404", "get_list_or_404"}:
            yield node.lineno


def test_no_view_or_consumer_queries_models_directly():
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in _view_and_consumer_files()
        for line in _direct_lookups(path)
    ]
    assert not offenders, "Use access helpers and selectors instead of direct lookups: " + ", ".join(offenders)


def test_the_lint_catches_a_direct_lookup(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def view(request, pk):\n    return Team.objects.get(pk=pk)\n")
    assert list(_direct_lookups(sample)) == [2]
