import pytest
from channels.layers import channel_layers

from wijkverband.realtime import presence


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # A new in-memory layer per test: its queues belong to the event loop of one test.
    channel_layers.backends.clear()
    presence._marked_at.clear()  # every test's cache starts empty: so does who this process marked online
    yield
    channel_layers.backends.clear()
