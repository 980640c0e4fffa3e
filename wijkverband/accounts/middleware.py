"""A request renews the session's idle expiry, at most once a minute; a request whose session
ended is told so on the sign-in page; one made in place (htmx) takes the whole page there.

Django's SESSION_SAVE_EVERY_REQUEST writes the session (an UPDATE and a COMMIT that waits for the
disk) on every page, every htmx fragment and every poll. Here a request marks the session as
changed only when it was last renewed RENEW_EVERY_SECONDS ago or longer, and Django's
SessionMiddleware (outside this one) saves it then. Someone idle is signed out between
SESSION_COOKIE_AGE - RENEW_EVERY_SECONDS and SESSION_COOKIE_AGE after their last request.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from wijkverband.accounts.sessions import ENDED_BY_SECOND_FACTOR_RESET, ENDED_ELSEWHERE, session_ended_why

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


class SessionEndedNoticeMiddleware:
    """A page asked with a session that has ended (its idle time ran out, or it was ended elsewhere)
    goes to the sign-in page like any visitor's, which then said nothing: people took it for an
    error and did not know why. Such a redirect carries the word "Je sessie is verlopen; meld je
    opnieuw aan." (in the messages' cookie: there is no session to keep it in). A visitor without
    a session cookie, and someone who signed out (the cookie goes with the session), get no word.
    A session ended by a password change elsewhere (its password's hash no longer matches), by
    "Overal afmelden" on another device, or by the administrator's reset of the second factor is
    told that instead: it did not expire (the last two by the reason sessions_end kept,
    accounts.sessions.session_ended_why; one the cache lost reads as an expiry).

    After django.contrib.messages' middleware in MIDDLEWARE, so the word is stored on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Asked before the view: signing out ends the session during the request, and is no expiry.
        ended = (
            bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
            and not request.user.is_authenticated
            and request.session.session_key is None  # the cookie's session was not found
        )
        response = self.get_response(request)
        if (
            ended
            and response.status_code == 302
            and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
        ):
            messages.info(request, _why_ended(request))
        return response


def _why_ended(request) -> str:
    if getattr(request, "wv_ended_by_password_change", False):  # (accounts.sessions.request_user)
        return _("Your password was changed, so you were signed out here. Sign in with your new password.")
    why = session_ended_why(request.COOKIES.get(settings.SESSION_COOKIE_NAME))  # (accounts.services.sessions_end)
    if why == ENDED_ELSEWHERE:
        return _("“Sign out everywhere else” was chosen on another device, so you were signed out here. Sign in again.")
    if why == ENDED_BY_SECOND_FACTOR_RESET:
        return _(
            "The administrator reset your two-factor authentication, so you were signed out here. "
            "Sign in and set up two-factor authentication again."
        )
    return _("Your session has expired; sign in again.")


class HtmxSignInMiddleware:
    """A request made in place (htmx: an answer on Mijn werk, a list's live refresh) that must sign in
    first takes the whole page to the sign-in page (HX-Redirect), back to the page it was made on.

    A plain redirect was followed by the browser inside the request, and htmx swapped the sign-in
    page in: an item whose form swaps with "delete" left the list as if it were done, and nothing
    was; a refreshed list became the sign-in page. Between django_htmx's middleware and
    django.contrib.messages' in MIDDLEWARE: the word that the session expired
    (SessionEndedNoticeMiddleware) is in the messages' cookie of the redirect, which goes with the
    new answer.

    The same for the setup of the second factor (tenancy.second_factor.SecondFactorRequiredMiddleware):
    someone whose new role asks for one, with Mijn werk open, had its setup page swapped into the
    list; that middleware keeps the page (not the fragment) to go on to afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        path = urlsplit(response["Location"]).path
        if path == resolve_url(settings.LOGIN_URL):
            page = request.htmx.current_url_abs_path
            to = redirect_to_login(page)["Location"] if page else response["Location"]
        elif path == reverse("mfa_activate_totp"):
            to = response["Location"]
        else:
            return response
        client_redirect = HttpResponseClientRedirect(to)
        client_redirect.cookies = response.cookies
        for header in ("Vary", "Content-Language"):
            if header in response:
                client_redirect[header] = response[header]
        return client_redirect
