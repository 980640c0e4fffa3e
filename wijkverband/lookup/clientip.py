"""Who is asking, for a per-IP rate limit: the client's address as the sign-in limits see it.

The app runs behind a proxy (deploy/nginx.conf) under uvicorn with --proxy-headers, which puts the
client address from X-Forwarded-For into REMOTE_ADDR; nginx sets that header to the address it
saw, so a client cannot choose its own. allauth's sign-in rate limits read the same address
(through the account adapter, which also honours ALLAUTH_TRUSTED_PROXY_COUNT when a deployment
sets it), so the two limits agree on who a client is.

IPv6: one household or phone holds a whole /64, so the limit counts per /64, not per address.
"""

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied


def client_ip(request) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all
        return None


def rate_limit_key(request) -> str:
    """The client's address (IPv4) or its /64 network (IPv6); "unknown" when there is none."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip) if ip else None
    except ValueError:
        return f"other:{ip[:64]}"
    if address is None:
        return "unknown"
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:  # "::ffff:192.0.2.1" is that IPv4 client
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))
