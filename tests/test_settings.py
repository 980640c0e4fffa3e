"""Production settings refuse to start with an insecure secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "CI"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings()
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_short_or_default_secret_key():
    for key in ["short", "django-insecure-" + "x" * 60]:
        result = _import_settings(SECRET_KEY=key)
        assert result.returncode != 0 and "SECRET_KEY is insecure" in result.stderr


def test_production_starts_with_a_long_random_secret_key():
    result = _import_settings(SECRET_KEY="k" * 20 + "random-enough-0123456789-abcdefghijklmnop")
    assert result.returncode == 0, result.stderr


def test_ci_refuses_to_fall_back_to_sqlite():
    result = _import_settings(CI="true", DEBUG="true", DATABASE_URL="", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_production_refuses_a_short_metrics_token_and_an_unknown_log_format():
    key = "k" * 20 + "random-enough-0123456789-abcdefghijklmnop"
    result = _import_settings(SECRET_KEY=key, METRICS_TOKEN="short")
    assert result.returncode != 0 and "METRICS_TOKEN is too short" in result.stderr
    assert _import_settings(SECRET_KEY=key, METRICS_TOKEN="t" * 32).returncode == 0
    result = _import_settings(SECRET_KEY=key, LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr
