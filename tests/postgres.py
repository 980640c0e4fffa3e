"""The PostgreSQL server of the run, for tests that start a process of their own against it."""

import os

import pytest


def server_url() -> str:
    """The server's own "postgres" database (the run's database may not exist outside its test
    copy). Outside PostgreSQL the test is skipped; in CI, which runs on PostgreSQL, it fails."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs on PostgreSQL")
        pytest.skip("a PostgreSQL pool")
    return url.split("?")[0].rsplit("/", 1)[0] + "/postgres"
