import time
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # allauth shows the TOTP QR code as a data: URI image.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: templates load everything from /static/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin (staff only) uses inline styles; everything else gets the strict policy.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def chosen_language(cookies) -> str:
    """The language chosen with the switch (its cookie, from `cookies`), otherwise Dutch: for a
    page (LanguageMiddleware) and a live socket's messages (realtime.auth) alike."""
    language = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Dutch first: the language chosen with the switch (cookie), otherwise Dutch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language, so a Dutch
    professional on an English-language laptop still gets the Dutch interface.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request.COOKIES)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            _language_of_account(request, response)
        return response


def _language_of_account(request, response) -> None:
    """A browser that has no choice of its own yet (a new device, a cleared cookie) takes the one
    kept on the signed-in person's account (accounts.User.language), from their next page on: the
    English they chose on their laptop was Dutch on their phone."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    kept = getattr(user, "language", "")
    if kept in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            kept,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


class PrivateDataCacheMiddleware:
    """Nothing we serve is kept by a browser's cache or a proxy: `Cache-Control: private, no-store`.

    Pages, exports and fragments carry team or person data (an invitation page names the invitee
    even before they sign in), so every response gets it, whatever a view set; a shared
    computer's back button or a caching proxy would otherwise keep them. Static files never reach
    this middleware: WhiteNoise, above it, answers them with their own long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.pop("Cache-Control", None)
        patch_cache_control(response, private=True, no_store=True)
        return response


class RequestIdMiddleware:
    """Every request gets an id (nginx's X-Request-ID, else a new one) for its log lines and the
    answer's X-Request-ID header, and is counted in the HTTP metrics (wijkverband.core.metrics)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from wijkverband.core import metrics
        from wijkverband.core.logging import REQUEST_ID, request_id_from

        request_id = request_id_from(request.headers.get("X-Request-ID"))
        # Not reset on the way out: Django logs a 4xx answer after every middleware is done, and
        # under ASGI each request runs in a context of its own anyway.
        REQUEST_ID.set(request_id)
        start = time.perf_counter()
        response = self.get_response(request)
        metrics.HTTP_SECONDS.observe(time.perf_counter() - start)
        metrics.HTTP_REQUESTS.labels(status=f"{response.status_code // 100}xx").inc()
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class MethodNotAllowedPageMiddleware:
    """An address that only takes a form's POST (an action, or a form shown again with its errors
    at the action's address) answered a GET with an empty 405: a blank page after a reload, a
    bookmark or a language switch. It now says why, with a way back: the page the form was on
    (the Referer, when it is ours) and the start page. Still 405, so nothing treats it as a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.method in ("GET", "HEAD") and not response.content:
            page = render(request, "405.html", {"back": _same_site_referer(request)}, status=405)
            if "Allow" in response.headers:
                page.headers["Allow"] = response.headers["Allow"]
            return page
        return response


def same_site_referer(request) -> str | None:
    """The page this request came from (its Referer) when it is one of ours, else None."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def _same_site_referer(request) -> str | None:
    """The way back from the 405 page: the form's page, not this address again."""
    referer = same_site_referer(request)
    return referer if referer and urlsplit(referer).path != request.path else None
