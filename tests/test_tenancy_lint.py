"""Tenant scoping lives in few places, and the tooling keeps it there (docs/tenancy.md).

At run time the scoped default managers refuse any read of team data outside a team scope
(tenancy/scoping.py). These checks catch, before anything runs:

- a module that reads team data through a model manager although it is not one of the places
  allowed to (services, selectors and access modules, migrations, management commands);
- the ways out of the team scope (`across_teams`, `scopes_disabled`, `with_scopes_disabled`)
  anywhere else;
- a team or region URL whose view does not declare itself with `team_view` / `region_view`
  (tenancy/entry.py), so every such view gets request.team / request.rights from one place.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from wijkverband.tenancy.entry import REGION_KWARG, TEAM_KWARG

ROOT = Path(__file__).resolve().parent.parent / "wijkverband"

#: Module names (file stems or package names) allowed to query team data themselves.
ALLOWED_NAMES = {"services", "selectors", "access"}
ALLOWED_DIRS = {"migrations", "commands"}
#: Where the scope is defined and entered (the manager itself; the middleware opens it for the admin).
SCOPE_MODULES = {ROOT / "tenancy" / "scoping.py", ROOT / "tenancy" / "entry.py"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
ESCAPES = {"across_teams", "scopes_disabled", "with_scopes_disabled"}
LOOKUP_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def tenant_model_names() -> set[str]:
    """Our models that hold a team's or a region's data, and the tenants themselves."""
    names = set()
    for model in apps.get_models():
        if not model.__module__.startswith("wijkverband."):
            continue
        fields = {field.name for field in model._meta.get_fields()}
        if model._meta.model_name in {"team", "region"} or fields & {"team", "region"}:
            names.add(model.__name__)
    return names


def is_allowed(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return path.stem in ALLOWED_NAMES or bool(set(parts[:-1]) & (ALLOWED_NAMES | ALLOWED_DIRS))


def violations(source: str, *, allowed: bool, scope_module: bool = False, models: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            receiver = node.value
            if node.attr in MANAGERS and isinstance(receiver, ast.Name) and receiver.id in models and not allowed:
                found.append((node.lineno, f"{receiver.id}.{node.attr}"))
            if node.attr in ESCAPES and not (allowed or scope_module):
                found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Name) and node.id in ESCAPES and not (allowed or scope_module):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.alias) and node.name in ESCAPES and not (allowed or scope_module):
            found.append((getattr(node, "lineno", 0), node.name))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in LOOKUP_SHORTCUTS:
            found.append((node.lineno, node.func.id))
    return found


def test_team_data_is_read_only_in_services_selectors_and_access():
    models = tenant_model_names()
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line} {what}"
        for path in sorted(ROOT.rglob("*.py"))
        for line, what in violations(
            path.read_text(), allowed=is_allowed(path), scope_module=path in SCOPE_MODULES, models=models
        )
    ]
    assert not offenders, (
        "Read team data through selectors and access helpers (they use Model.objects.for_team), "
        "not here: " + ", ".join(offenders)
    )


def test_the_lint_knows_the_team_models():
    assert {"Team", "Region", "Membership", "Agreement", "Bottleneck", "Thread", "Message"} <= tenant_model_names()


def test_the_lint_catches_a_planted_lookup_in_a_view_form_or_panel():
    models = tenant_model_names()
    view = "def view(request, pk):\n    return Bottleneck.objects.filter(pk=pk).first()\n"
    assert violations(view, allowed=False, models=models) == [(2, "Bottleneck.objects")]
    form = "class F:\n    def __init__(self):\n        self.q = Membership._default_manager.all()\n"
    assert violations(form, allowed=False, models=models) == [(3, "Membership._default_manager")]
    shortcut = "def view(request, pk):\n    return get_object_or_404(Team, pk=pk)\n"
    assert violations(shortcut, allowed=True, models=models) == [(2, "get_object_or_404")]
    # The same read in a selector is where it belongs.
    assert violations(view, allowed=True, models=models) == []


def test_the_lint_catches_a_planted_way_out_of_the_scope():
    models = tenant_model_names()
    planted = (
        "from django_scopes import scopes_disabled\n"
        "def panel(team):\n"
        "    return Thread.objects.across_teams().count()\n"
    )
    found = {what for _line, what in violations(planted, allowed=False, models=models)}
    assert found == {"scopes_disabled", "across_teams", "Thread.objects"}


def test_allowed_places_are_services_selectors_access_migrations_and_commands():
    assert is_allowed(ROOT / "threads" / "services.py")
    assert is_allowed(ROOT / "threads" / "selectors.py")
    assert is_allowed(ROOT / "bottlenecks" / "access.py")
    assert is_allowed(ROOT / "threads" / "migrations" / "0001_initial.py")
    assert is_allowed(ROOT / "demo" / "management" / "commands" / "seed_demo.py")
    assert not is_allowed(ROOT / "threads" / "views.py")
    assert not is_allowed(ROOT / "threads" / "panels.py")
    assert not is_allowed(ROOT / "agreements" / "forms.py")
    assert not is_allowed(ROOT / "tenancy" / "policy.py")


# --- every team and region URL goes through the one way in ---------------------------------------


def _team_and_region_patterns(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _team_and_region_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and (f"<slug:{TEAM_KWARG}>" in route or f"<slug:{REGION_KWARG}>" in route):
            yield route, pattern


def unmarked_views(patterns) -> list[str]:
    lacking = []
    for route, pattern in patterns:
        marker = "team_view" if f"<slug:{TEAM_KWARG}>" in route else "region_view"
        if not getattr(pattern.callback, marker, False):
            lacking.append(f"{route} ({pattern.name})")
    return lacking


def test_every_team_and_region_url_declares_its_entry():
    patterns = list(_team_and_region_patterns())
    assert len(patterns) > 40  # the check sees our URLs
    lacking = unmarked_views(patterns)
    assert not lacking, f"Wrap these views in team_view / region_view: {lacking}"


def test_the_entry_check_catches_a_plain_view():
    from django.urls import path

    def plain(request, team_slug):
        return None

    planted = path("t/<slug:team_slug>/plain/", plain, name="plain")
    assert unmarked_views([("t/<slug:team_slug>/plain/", planted)]) == ["t/<slug:team_slug>/plain/ (plain)"]
