import json

from django.db import connection
from django.db.utils import OperationalError
from django.test import Client


def test_healthz_reports_database_and_channel_layer(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_healthz_is_503_when_the_channel_layer_is_unreachable(db, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Nothing listens on port 1: a real connection failure, not a mock.
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = Client().get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error" and body["database"] == "ok" and body["channel_layer"].startswith("error")


def test_healthz_is_503_when_the_database_fails(db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"].startswith("error")
