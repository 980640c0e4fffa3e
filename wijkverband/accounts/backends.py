from allauth.account.auth_backends import AuthenticationBackend

from wijkverband.accounts.models import normalise_email


class ConfirmedAddressBackend(AuthenticationBackend):
    """allauth's sign-in by e-mail, by the account's own address only.

    While someone changes their address, the new one is on the account unconfirmed until its link
    is followed (ACCOUNT_CHANGE_EMAIL, docs/accounts.md). allauth would sign in by that address
    already; here it counts only once it is confirmed, as for a password reset
    (accounts.forms.ResetPasswordForm)."""

    def _authenticate_by_email(self, email, password):
        user = super()._authenticate_by_email(email, password)
        if user is not None and normalise_email(user.email) != normalise_email(email or ""):
            return None
        return user
