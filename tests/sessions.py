"""Test clients' sessions as a person's browser leaves them."""

import time
from unittest import mock

from django.test import Client

from wijkverband.accounts import middleware
from wijkverband.accounts.middleware import RENEWED_AT


def just_renewed(client: Client) -> Client:
    """Stamp the client's session as renewed this moment (accounts.middleware), as a sign-in leaves it."""
    session = client.session
    session[RENEWED_AT] = int(time.time())
    session.save()
    return client


def not_renewing():
    """While in this block, pages do not renew their session (accounts.middleware).

    A page counted for its queries must count the page alone: when a test's setup between two
    counted pages takes a minute (a busy machine), the second page would also renew the session,
    three statements more (seen: the agreement detail page's 21 against 18 on a loaded machine).
    Stamping the session instead would change what the page reads (its cached session)."""
    return mock.patch.object(middleware, "RENEW_EVERY_SECONDS", 10**9)
