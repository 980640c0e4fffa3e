"""What the account tests share: a person signed in with both factors, and the messages a page flashed."""

from django.test import Client

from tests.personas import PASSWORD, totp_code


def signed_in(email) -> Client:
    """A browser of `email`, signed in with the password and the authenticator app's code."""
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    return client


def flashed(response) -> list[str]:
    """The messages the page shows at its top (django.contrib.messages), as text."""
    return [str(m) for m in response.context["messages"]]
