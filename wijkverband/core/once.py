"""A form that makes something is saved once, however often it is sent.

A double tap on a slow phone without JavaScript sends the form twice (app.js stops the second
click when it runs). A form that makes something new (a bottleneck, a referral record, an agreement,
a discussion) made it twice, and the person saw only the second. (Back and send again is not caught
here: our pages are `no-store`, so Back fetches the form anew, with a new token, and a browser does
not restore a hidden field's value. Where a second item of the same name is a mistake, a bottleneck,
a discussion, a sociale kaart entry, core/same_name.py stops it.)

The form carries a token of its own (`{% sent_once_field %}`, a new one each time the page is
made). The view (`@sent_once`) claims the token in the cache with an atomic `add`: the first send
runs and, when it ends in a redirect (saved), leaves where it went; a send with the same token goes
there too, and is told that the form was saved once. A send that was refused (the form shown again
with its errors) frees the token, so the corrected form goes through. A second send that arrives
while the first still runs waits for it, briefly: a browser shows the answer to the last send.

The token is kept for ten minutes, per person, in the cache that every worker shares (Redis in
production). Without a cache that survives, a send after that time makes a new thing, as before.
"""

import functools
import re
import time
import uuid

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.translation import gettext as _

FIELD = "sent_once"
KEEP_SECONDS = 600
#: How long a second send waits for the first to finish (a double tap comes 0.1–0.5 s later).
WAIT_SECONDS = 5.0
_RUNNING = "…"
_TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return uuid.uuid4().hex


def _key(request, token: str) -> str:
    return f"sent-once:{request.user.pk}:{token}"


def sent_once(view):
    """For a view whose successful POST redirects to what it made (see the module)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.fullmatch(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _key(request, token)
        if not cache.add(key, _RUNNING, KEEP_SECONDS):
            done = _first_send(key)
            if done is not None:
                messages.info(request, _("You sent this form twice; it was saved once."))
                return redirect(done)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            cache.delete(key)
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            cache.set(key, response["Location"], KEEP_SECONDS)
        else:
            cache.delete(key)  # refused: the corrected form must go through
        return response

    return wrapped


def _first_send(key: str) -> str | None:
    """Where the first send of this form went; None when it was refused or is not known (this send
    then runs as a send of its own)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        done = cache.get(key)
        if done != _RUNNING or time.monotonic() >= deadline:
            return None if done in (None, _RUNNING) else done
        time.sleep(0.05)
