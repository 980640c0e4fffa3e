import pytest
from django.utils import translation

from tests.bottlenecks.conftest import clock  # noqa: F401  (the bottleneck tests' fixed clock)


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings; test_translations checks the Dutch."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for):
    """These tests read the English interface (the Dutch one is checked in test_translations)."""

    def make(name):
        client = client_for(name)
        client.cookies["django_language"] = "en"
        return client

    return make
