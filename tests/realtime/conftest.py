import pytest
from channels.layers import channel_layers


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # A new in-memory layer per test: its queues belong to the event loop of one test.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
