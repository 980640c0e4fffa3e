"""The public lookup's per-IP limit (wijkverband.core.ratelimit: shared by every worker)."""

import time

from wijkverband.core.ratelimit import rate_limit_hit
from wijkverband.lookup.clientip import rate_limit_key

#: Searches per client per minute: plenty for a person, a brake on scraping every postcode.
LOOKUPS_PER_MINUTE = 30
WINDOW_SECONDS = 60


def lookup_allowed(request) -> tuple[bool, int]:
    """(allowed, seconds until the window ends: the Retry-After of a refusal)."""
    allowed = rate_limit_hit(
        f"lookup.postcode:{rate_limit_key(request)}", limit=LOOKUPS_PER_MINUTE, window_seconds=WINDOW_SECONDS
    )
    retry_after = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
    return allowed, retry_after
