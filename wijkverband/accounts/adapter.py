from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation (wijkverband.tenancy.services)."""

    def is_open_for_signup(self, request) -> bool:
        return False
