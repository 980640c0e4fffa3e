from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

# Monday 2 March 2026, 10:00 in the Netherlands (in Q1 2026): every dashboard test runs on it.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings; test_translations checks the Dutch."""
    with translation.override("en"):
        yield
