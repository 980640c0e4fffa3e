"""A request renews the session's idle expiry, at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST writes the session (an UPDATE and a COMMIT that waits for the
disk) on every page, every htmx fragment and every poll. Here a request marks the session as
changed only when it was last renewed RENEW_EVERY_SECONDS ago or longer, and Django's
SessionMiddleware (outside this one) saves it then. Someone idle is signed out between
SESSION_COOKIE_AGE - RENEW_EVERY_SECONDS and SESSION_COOKIE_AGE after their last request.
"""

import time

#: At most this often a request writes the session again.
RENEW_EVERY_SECONDS = 60
#: When this session was last renewed (seconds since the epoch), in the session itself.
RENEWED_AT = "wv_renewed_at"


class SessionRenewalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A request without a session cookie, and one that ended its session (signing out), has
        # nothing to renew: stamping it would store a session for nobody.
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(RENEWED_AT, 0) >= RENEW_EVERY_SECONDS:
            session[RENEWED_AT] = now  # (saved by SessionMiddleware, with a new idle expiry)
        return response
