"""Absolute links of ours, for mails: every link in a mail starts with settings.SITE_URL.

A mail program cannot open a relative link, and a link built from the request's Host header
would depend on who asked. The system check `work.E001` stops the server, the worker and
seed_demo when SITE_URL is not an absolute http(s) address.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def site_url() -> str:
    """settings.SITE_URL without its trailing slash; refused unless it is an absolute http(s) address.

    An empty SITE_URL (a `SITE_URL=` line in an environment file reads as "", not as the default)
    or one without a scheme made every link in a mail relative, which no mail program can open.
    """
    url = (settings.SITE_URL or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"SITE_URL must be an absolute http(s) address, not {settings.SITE_URL!r}")
    return url


def absolute(path: str) -> str:
    """A link of ours for a mail: always with scheme and host."""
    if not path.startswith("/"):
        raise ValueError(f"Not a path of ours: {path!r}")
    return site_url() + path
