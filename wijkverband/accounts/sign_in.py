"""A password checked as the sign-in page checks it, for a page of ours that signs someone in.

The invitation's new-account form, sent twice (tenancy.views), signs in the account its first send
made: that is a sign-in by password, so it passes what the sign-in page's passes, no less. allauth's
limits on sign-ins per address (ACCOUNT_RATE_LIMITS "login") and on failed ones, per address and per
account, shared with the sign-in page (a wrong password here counts there too), and allauth's
backends (an inactive account does not sign in). It signs no one in: the caller goes on with
allauth's login flow, which asks for a second factor the account has (its stages).
"""

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django import forms


def password_signs_in(request, *, user, password: str) -> bool:
    if not ratelimit.consume(request, action="login"):
        return False
    try:
        signed_in = get_adapter(request).authenticate(request, email=user.email, password=password)
    except forms.ValidationError:  # too many failed sign-ins (AccountAdapter.pre_authenticate)
        return False
    return signed_in is not None and signed_in.pk == user.pk
