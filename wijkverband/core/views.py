import asyncio
import contextlib
import functools
import hmac
import ipaddress
import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

#: The header's colour (theme.css's --wv-brand): the phone's status bar and the installed app's
#: title bar take it (the web app manifest, and base.html's theme-color, the same).
THEME_COLOR = "#0b5c6b"


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


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and bookmarks ask for whatever a page names: the icon the pages
    name (base.html), at its static address (a hashed name when the deployment ran collectstatic,
    hence not a permanent redirect)."""
    return HttpResponseRedirect(static("wijkverband/favicon.svg"))


@require_safe
def service_worker(request):
    """The service worker (frontend/static/wijkverband/js/sw.js) at the site's root, so that its
    scope is every page: it shows the notice on this device that something waits, once the person
    turned that on (the notifications page), and nothing else. Public, as browsers fetch it: it
    names nothing but the app. Kept by no cache (core.middleware), so a new release's is the one
    the next page load finds. docs/frontend.md, "Notices on this device"."""
    return HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")


@functools.cache
def _service_worker_source() -> bytes:
    # From the static files' sources (the app's folder), where collectstatic reads it too: the
    # collected copy has a hashed name beside the plain one, and the worker's address must not change.
    with open(finders.find("wijkverband/js/sw.js"), "rb") as source:
        return source.read()


@require_safe
def web_manifest(request):
    """The web app manifest (base.html links it): on a phone "Add to home screen" (Android, iOS)
    or "Install" (desktop Chrome, Edge) puts Wijkverband beside the person's other apps, with its
    icon, in a window of its own, and a long press on the icon offers Mijn werk, the notifications
    and the search. Public, as browsers fetch it: it names nothing but the app. In the person's
    language when the browser sends the language's cookie (base.html asks for credentials), Dutch
    otherwise. docs/frontend.md, "On the home screen"."""
    manifest = {
        "id": "/",
        "name": "Wijkverband",
        "short_name": "Wijkverband",
        "description": _("The shared workplace of a neighbourhood care team."),
        "lang": get_language(),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static("wijkverband/favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            # Each through static(): a deployment that ran collectstatic serves them under hashed names.
            {
                "src": static("wijkverband/icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": static("wijkverband/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": static("wijkverband/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {"name": name, "url": reverse(url_name)}
            for name, url_name in [
                (_("My work"), "my_work"),
                (_("Notifications"), "notification_list"),
                (_("Search"), "search"),
            ]
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """A request Django could not take (handler400). One sent with more than
    DATA_UPLOAD_MAX_MEMORY_SIZE is almost always a form with a text pasted into it that was far too
    long: the page says so, and that going back usually gives the text again (browsers keep what
    was typed in a form), instead of "this address is not right", which sent people looking for a
    fault in the link."""
    if isinstance(exception, RequestDataTooBig):
        # Without the request, as Django renders its 400 page: nothing of it is read again.
        return HttpResponseBadRequest(loader.get_template("400_too_large.html").render())
    return defaults.bad_request(request, exception)


def csrf_failure(request, reason=""):
    """A form came back without a valid CSRF token: almost always a page left open for a long time
    (the session ended) or a browser that blocks cookies. Say so in the interface's own words;
    Django's page speaks to developers."""
    return render(request, "403_csrf.html", status=403)


def _operator(request) -> bool:
    """A request from the operators' networks, or with the metrics token."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    from wijkverband.core.clientip import client_ip

    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for network in settings.METRICS_ALLOWED_NETWORKS:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
def metrics(request):
    """Prometheus metrics (wijkverband.core.metrics) for the operators only: anyone else gets the
    ordinary 404 page, so the endpoint is not even advertised."""
    if not _operator(request):
        raise Http404
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    from wijkverband.core.metrics import scrape_collectors

    if settings.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    output = generate_latest(registry)
    extra = CollectorRegistry(auto_describe=False)
    extra.register(_Guarded(scrape_collectors()))
    output += generate_latest(extra)
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)


class _Guarded:
    """The apps' scrape-time collectors, each on its own: one that fails (the database is down)
    costs its own series, not the whole scrape, and says so in wijkverband_scrape_collector_up."""

    def __init__(self, collectors):
        self.collectors = collectors

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        up = GaugeMetricFamily(
            "wijkverband_scrape_collector_up",
            "1 when a scrape-time collector could read its data.",
            labels=["collector"],
        )
        for collector in self.collectors:
            try:
                families = list(collector.collect())
            except Exception:  # noqa: BLE001 - reported as a series, and logged
                logger.warning("metrics: %s failed", type(collector).__name__, exc_info=True)
                families = []
                up.add_metric([type(collector).__name__], 0)
            else:
                up.add_metric([type(collector).__name__], 1)
            yield from families
        yield up
