"""Meta-test: every URL pattern of ours has a permission ladder that every key persona climbs."""

import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.ladder import REQUIRED_PERSONAS

# URL names that deliberately have no ladder, with the reason and where they are tested instead.
EXEMPT = {
    "healthz": "public by design (load balancers); tests/core/test_healthz.py",
    "favicon": "public by design (browsers ask for it); tests/core/test_favicon.py",
    "web_manifest": "public by design (browsers fetch it to install the app); tests/core/test_web_app.py",
    "service_worker": "public by design (browsers fetch it for notices on the device); tests/core/test_web_app.py",
    "metrics": "operators only, by network or token, never by persona; tests/core/test_metrics.py",
}


def _our_url_names(patterns=None, found=None):
    found = set() if found is None else found
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            _our_url_names(pattern.url_patterns, found)
        elif isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith("wijkverband."):
            found.add(pattern.name)
    return found


def _all_rungs():
    rungs = []
    for module_info in pkgutil.walk_packages(tests.__path__, "tests."):
        if module_info.name.rsplit(".", 1)[-1].startswith("test_"):
            module = importlib.import_module(module_info.name)
            rungs.extend(getattr(module, "LADDER", []))
    return rungs


def test_every_url_of_ours_has_a_permission_ladder():
    covered = {rung.name for rung in _all_rungs()}
    missing = _our_url_names() - covered - set(EXEMPT)
    assert not missing, f"URL patterns without a permission ladder in tests: {sorted(missing)}"


def test_every_rung_is_climbed_by_the_key_personas():
    for rung in _all_rungs():
        lacking = REQUIRED_PERSONAS - set(rung.expect)
        assert not lacking, f"{rung.name} {rung.method} lacks personas {sorted(lacking)}"


def test_the_meta_test_sees_our_urls():
    names = _our_url_names()
    assert {"team_home", "region_home", "member_invite", "home"} <= names
