import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings; tests/test_translations.py checks the Dutch."""
    with translation.override("en"):
        yield
