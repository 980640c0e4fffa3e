"""allauth's rate limits (ACCOUNT_RATE_LIMITS, MFA_RATE_LIMITS; the numbers and why in
docs/accounts.md), and how long someone they refuse has to wait.

allauth's refusals say "Try again later" ("Wees geduldig, je gaat te snel."), which left people
retrying, each try unseen, or giving up on an account that would have opened a minute later. Every
refusal here names the minutes. allauth keeps a rate as the moments of the attempts that count,
newest first, in the cache (allauth.core.internal.ratelimit); an attempt stops counting once it is
older than the rate's window, so the wait is until enough of them have left it.
"""

import math
import time

from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.utils.translation import ngettext

#: The setting up of an authenticator app: its own rate (MFA_RATE_LIMITS), not failed sign-ins'.
ACTIVATE_TOTP = "activate_totp"


def wait_seconds(request, *, app: str, action: str, key: str | None = None, user=None) -> int:
    """How long until `action` is allowed again for this request (0: it is now). A rate per key
    counts only with `key`; one per user with `user` or a signed-in request."""
    now = time.time()
    wait = 0.0
    if user is None and request.user.is_authenticated:
        user = request.user
    for rate in ratelimit.get_rates(app=app, action=action):
        if (rate.per == "key" and key is None) or (rate.per == "user" and user is None):
            continue
        cache_key = ratelimit.get_cache_key(request, app=app, action=action, rate=rate, key=key, user=user)
        history = [moment for moment in cache.get(cache_key, []) if moment > now - rate.duration]
        if len(history) >= rate.amount:
            # Newest first: allowed again once the attempt at index amount - 1 leaves the window.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def longest_window(*, app: str, action: str) -> int:
    """The longest window of the action's rates: the most anyone refused by it waits."""
    return math.ceil(max((rate.duration for rate in ratelimit.get_rates(app=app, action=action)), default=60))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def sign_in_refused(seconds: int) -> str:
    """The refusal of a password (signing in, or typing it again), after too many wrong ones."""
    n = minutes(seconds)
    return ngettext(
        "Signing in failed too often. Try again in %(minutes)s minute.",
        "Signing in failed too often. Try again in %(minutes)s minutes.",
        n,
    ) % {"minutes": n}


def code_refused(seconds: int) -> str:
    """The refusal of a code (from the authenticator app, or a recovery code) after too many wrong ones."""
    n = minutes(seconds)
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)s minute.",
        "Too many wrong codes. Try again in %(minutes)s minutes.",
        n,
    ) % {"minutes": n}
