"""A minimal stock Channels group-broadcast app: every consumer joins the group, every message is
group_send to it (one channel-layer message per consumer)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.realtime.stock_settings")

import django  # noqa: E402

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

urlpatterns: list = []


class Broadcast(AsyncWebsocketConsumer):
    group = "room"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group, {"type": "room.message", "text": text_data})

    async def room_message(self, event):
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/", Broadcast.as_asgi())])})
