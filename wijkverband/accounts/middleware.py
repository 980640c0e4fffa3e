from django.shortcuts import redirect
from django.urls import reverse

from wijkverband.accounts.second_factor import has_second_factor, second_factor_required

# Paths a person without a second factor may still reach: setting one up, signing out, and the
# pages that hold no team data.
_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/invitations/",
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and second_factor_required(user)
            and not has_second_factor(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
