import pytest
from django.utils import translation

from tests.bottlenecks.conftest import clock  # noqa: F401  (the bottleneck tests' fixed clock)


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings; test_translations checks the Dutch."""
    with translation.override("en"):
        yield
