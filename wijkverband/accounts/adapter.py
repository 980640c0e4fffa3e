import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context

from wijkverband.accounts.second_factor import has_second_factor


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation (wijkverband.tenancy.services)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Someone sent to set up their first second factor straight after signing in has just typed
        # their password: asking for it again adds nothing. Changing an existing factor still
        # asks for reauthentication.
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            if not has_second_factor(request.user):
                records = get_authentication_records(request, request.user)
                if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)
