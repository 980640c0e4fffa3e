import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context

from wijkverband.accounts.second_factor import first_second_factor_set_up_at


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation (wijkverband.tenancy.services)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Someone sent to set up their first second factor straight after signing in has just typed
        # their password: asking for it again adds nothing, for the set-up itself and for the
        # recovery codes it shows next. A factor that existed before this sign-in (changing it,
        # adding another later) still asks for reauthentication.
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                first = first_second_factor_set_up_at(request.user)
                if first is None or first.timestamp() >= records[-1]["at"]:
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)
