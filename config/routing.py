"""WebSocket routes. The live-threads consumer (/ws/) is added by the realtime app."""

from django.urls import path

from wijkverband.realtime.consumers import live_socket

websocket_urlpatterns: list = [path("ws/", live_socket)]
