"""WebSocket routes. The live-threads consumer (/ws/) is added by the realtime app."""

websocket_urlpatterns: list = []
