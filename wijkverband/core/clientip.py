"""The address of the client asking, as the sign-in rate limits see it.

The app runs behind a proxy (deploy/nginx.conf) under uvicorn with --proxy-headers, which puts the
client address from X-Forwarded-For into REMOTE_ADDR; nginx sets that header to the address it
saw, so a client cannot choose its own. allauth's sign-in rate limits read the same address
(through the account adapter, which also honours ALLAUTH_TRUSTED_PROXY_COUNT when a deployment
sets it), so every limit and check agrees on who a client is (the postcode lookup's rate limit,
the /metrics address check).
"""

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied


def client_ip(request) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all
        return None
