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

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context
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


#: A new address's link (ACCOUNT_RATE_LIMITS): allauth's cooldown, one link per address per few
#: minutes, and ours, the links that a change chosen anew sends past that cooldown.
CONFIRM_EMAIL = {"app": "allauth.account", "action": "confirm_email"}
NEW_EMAIL_LINK = {"app": "allauth.account", "action": "new_email_link"}


def new_email_link_wait(request, *, email: str) -> int:
    """How long until a change to `email` can mail its link (0: now). allauth mails the link of a
    change only outside its cooldown (one per address per 3 minutes), and makes the change anew
    every time, so the earlier link stops working: someone who chose A, then B, then A again within
    the cooldown got no link that worked, while the page said one had gone. A change the person
    chose anew (after typing their password) mails past the cooldown, a few times per address
    (NEW_EMAIL_LINK), so the page cannot flood an address with links."""
    key = email.lower()
    if ratelimit.consume(request, **CONFIRM_EMAIL, key=key, dry_run=True, limit_get=True):
        return 0
    if ratelimit.consume(request, **NEW_EMAIL_LINK, key=key, dry_run=True, limit_get=True):
        return 0
    return min(wait_seconds(request, **CONFIRM_EMAIL, key=key), wait_seconds(request, **NEW_EMAIL_LINK, key=key))


def new_email_link_allow(request, *, email: str) -> None:
    """Lets the link of a change to `email` past allauth's cooldown, counting it as one of the
    few (NEW_EMAIL_LINK); the cooldown starts anew with it. Asked after `new_email_link_wait` was 0."""
    key = email.lower()
    if ratelimit.consume(request, **CONFIRM_EMAIL, key=key, dry_run=True, limit_get=True):
        return
    ratelimit.consume(request, **NEW_EMAIL_LINK, key=key, limit_get=True)
    ratelimit.clear(request, **CONFIRM_EMAIL, key=key)


def new_email_link_refused(*, email: str, seconds: int) -> str:
    n = minutes(seconds)
    return ngettext(
        "A link to %(email)s was sent just now. Choose this address again in %(minutes)s minute.",
        "A link to %(email)s was sent just now. Choose this address again in %(minutes)s minutes.",
        n,
    ) % {"email": email, "minutes": n}


def link_again_refused(*, email: str, seconds: int) -> str:
    """The refusal of "Send the link again" past the few links an address gets (NEW_EMAIL_LINK)."""
    n = minutes(seconds)
    return ngettext(
        "The link to %(email)s was sent just now and still works. You can have it sent again in %(minutes)s minute.",
        "The link to %(email)s was sent just now and still works. You can have it sent again in %(minutes)s minutes.",
        n,
    ) % {"email": email, "minutes": n}


#: Failed sign-ins (ACCOUNT_RATE_LIMITS["login_failed"]): per address and per account or person.
LOGIN_FAILED = {"app": "allauth.account", "action": "login_failed"}


def clear_failed_sign_ins_of(request, *, key: str) -> None:
    """A success forgets the failed sign-ins of one account (a wrong password typed for its
    address) or person (wrong codes), never the address's. allauth's `ratelimit.clear` deletes
    every rate of the action, the per-address one too: anyone with an account of their own could
    then guess other accounts' passwords from one address without end, by signing in to their own
    account with its code now and then, or resetting its password (docs/accounts.md)."""
    for rate in ratelimit.get_rates(**LOGIN_FAILED):
        if rate.per != "key":
            continue
        cache_key = ratelimit.get_cache_key(request, **LOGIN_FAILED, rate=rate, key=key)
        with ratelimit.cache_lock(cache_key) as locked:
            if locked:
                cache.delete(cache_key)


def check_code_rate_limit(user, error_key: str | None = None):
    """allauth.mfa.base.internal.flows.check_rate_limit, put in its place by `install` (its forms
    call it before checking a code): a wrong code counts for the person and the address, as
    allauth's does; a right one is taken back from both (as allauth takes back a right password)
    and clears the person's count, not the address's."""
    request = context.request
    key = f"mfa-auth-user-{user.pk}"
    usage = ratelimit.consume(request, **LOGIN_FAILED, key=key)
    if not usage:
        raise get_account_adapter().validation_error(error_key or "too_many_login_attempts")

    def right_code() -> None:
        usage.rollback()
        clear_failed_sign_ins_of(request, key=key)

    return right_code


def install() -> None:
    """Our `check_code_rate_limit` in place of allauth's, in each of its forms that checks a code
    (signing in and confirming again with a code or a security key; setting up an app has its own
    rate, forms.ActivateTOTPForm). AccountsConfig.ready calls it; tests check it is in place."""
    from allauth.mfa.base import forms as base_forms
    from allauth.mfa.base.internal import flows
    from allauth.mfa.webauthn import forms as webauthn_forms

    for module in (flows, base_forms, webauthn_forms):
        if not hasattr(module, "check_rate_limit"):  # allauth moved it: find its new place
            raise RuntimeError(f"{module.__name__}.check_rate_limit is gone: see accounts.rate_limits.install")
        module.check_rate_limit = check_code_rate_limit


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
