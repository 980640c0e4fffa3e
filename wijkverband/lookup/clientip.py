"""Who is asking, for a per-IP rate limit: the client's address as the sign-in limits see it
(wijkverband.core.clientip says how it is found behind the proxy).

IPv6: one household or phone holds a whole /64, so the limit counts per /64, not per address.
"""

import ipaddress

from wijkverband.core.clientip import client_ip

__all__ = ["client_ip", "rate_limit_key"]


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
