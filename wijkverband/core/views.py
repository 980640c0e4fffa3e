import asyncio
import contextlib
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        return f"error: {error.__class__.__name__}"
    return "ok"


def _channel_layer_state() -> str:
    """A real round trip through the channel layer (Redis in production)."""
    layer = get_channel_layer()
    if layer is None:
        return "error: not configured"

    async def round_trip():
        channel = await layer.new_channel("healthz.")
        marker = uuid.uuid4().hex
        await layer.send(channel, {"type": "healthz.ping", "marker": marker})
        try:
            message = await asyncio.wait_for(layer.receive(channel), timeout=3)
        finally:
            # Let go of the channel: the pub/sub layer unsubscribes when a receive is cancelled
            # (it has no other way to close a channel); for the list-based layer this is a no-op.
            pending = asyncio.ensure_future(layer.receive(channel))
            await asyncio.sleep(0)
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending
        return message.get("marker") == marker

    try:
        ok = async_to_sync(round_trip)()
    except Exception as error:  # noqa: BLE001
        return f"error: {error.__class__.__name__}"
    return "ok" if ok else "error: wrong message"


@never_cache
def healthz(request):
    state = {"database": _database_state(), "channel_layer": _channel_layer_state()}
    healthy = all(value == "ok" for value in state.values())
    return JsonResponse({"status": "ok" if healthy else "error", **state}, status=200 if healthy else 503)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form came back without a valid CSRF token: almost always a page left open for a long time
    (the session ended) or a browser that blocks cookies. Say so in the interface's own words;
    Django's page speaks to developers."""
    return render(request, "403_csrf.html", status=403)
