"""Who opens a socket: the session cookie, read by the socket's own connect work.

Channels' stack (CookieMiddleware, SessionMiddleware, AuthMiddleware) reads the session and then
the user, and the socket then read both again for the session's expiry and the password-hash check
(lifecycle.session_expiry): four queries and two decodes of the session per handshake, a good part
of a worker's CPU when every page reconnects at once after a restart (docs/realtime.md, "Reconnect
storm"). Here the middleware only takes the session key from the cookie; the socket reads the
session and the user once, in its connect pool trip with the refusal checks
(consumers._connect_from_cookie, lifecycle.session_user), with the rules of Django's get_user.
"""

from django.conf import settings
from django.http.cookie import parse_cookie

from wijkverband.core.middleware import chosen_language

#: The scope key with the session cookie's value (None without one); the socket resolves it.
SESSION_COOKIE = "wv.session_cookie"
#: The scope key with the person's language, as their pages have it (the language cookie).
LANGUAGE = "wv.language"


class SessionCookieMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        cookies: dict[str, str] = {}
        for name, value in scope.get("headers") or ():
            if name == b"cookie":
                cookies.update(parse_cookie(value.decode("latin1")))
        key = cookies.get(settings.SESSION_COOKIE_NAME) or None
        return await self.inner({**scope, SESSION_COOKIE: key, LANGUAGE: chosen_language(cookies)}, receive, send)
