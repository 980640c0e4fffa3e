"""A form that makes something is saved once, however often it is sent.

A double tap on a slow phone without JavaScript sends the form twice (app.js stops the second
click when it runs). A form that makes something new (a bottleneck, a referral record, an agreement,
a discussion) made it twice, and the person saw only the second.

Back and send again is another matter: our pages are `no-store`, so Back fetches the form anew,
with a new token, and the browser fills in what was typed; a second send saved a second referral
record or signal without a word. So the content of every send that was saved is remembered too (a
digest of its fields and address, per person, as long as the token): the same content sent again
by the same person is answered with a question (`core/sent_again.html`) saying when it was saved
and linking to it; "Ja" sends it once more, marked `sent_again`. Not refused outright: two
identical referral records are two clients referred to one offer on one day. Where a second item
of the same name is a mistake whatever its other fields, a bottleneck, a discussion, a sociale kaart
entry, core/same_name.py stops it, and the question here is left to it (`asks_again=False`). A form
with a file (an import) is not remembered: its file cannot be sent on from the question.

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
import hashlib
import re
import time
import uuid

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

FIELD = "sent_once"
#: Marks a send the person confirmed after being told the same was saved a moment ago.
AGAIN = "sent_again"
#: Fields that are not the form's content: a digest of the rest tells a send again.
_NOT_CONTENT = {"csrfmiddlewaretoken", FIELD, AGAIN}
KEEP_SECONDS = 600
#: How long a second send waits for the first to finish (a double tap comes 0.1–0.5 s later).
WAIT_SECONDS = 5.0
_RUNNING = "…"
_TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return uuid.uuid4().hex


def _key(request, token: str) -> str:
    return f"sent-once:{request.user.pk}:{token}"


def sent_once(view=None, *, asks_again: bool = True):
    """For a view whose successful POST redirects to what it made (see the module).

    `asks_again=False` for a view that stops the same item itself (core/same_name.py: a warning at
    the name, linking to the first, and a tick to go on): its own question is the better one."""
    if view is None:
        return functools.partial(sent_once, asks_again=asks_again)

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
        same = _content_key(request) if asks_again else None
        if same is not None and request.POST.get(AGAIN) != "1" and (saved := cache.get(same)) is not None:
            cache.delete(key)  # nothing was done with this send: its "yes" comes with a token of its own
            return _ask_again(request, *saved)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            cache.delete(key)
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            cache.set(key, response["Location"], KEEP_SECONDS)
            if same is not None:
                cache.set(same, (response["Location"], timezone.now()), KEEP_SECONDS)
        else:
            cache.delete(key)  # refused: the corrected form must go through
        return response

    return wrapped


def _content_key(request) -> str | None:
    """The cache key of what this send says (its address and fields, not its token), per person;
    None for a form with a file."""
    if request.FILES:
        return None
    fields = sorted((name, values) for name, values in request.POST.lists() if name not in _NOT_CONTENT)
    digest = hashlib.sha256(repr((request.path, fields)).encode()).hexdigest()
    return f"sent-same:{request.user.pk}:{digest}"


def _ask_again(request, location: str, saved_at):
    """The question when the same was saved a moment ago (Back, then send again): send it once more?"""
    fields = [(name, value) for name, values in request.POST.lists() if name not in _NOT_CONTENT for value in values]
    context = {
        "location": location,
        "saved_at": saved_at,
        "fields": fields,
        "token": new_token(),
        "token_field": FIELD,
        "again": AGAIN,
    }
    return render(request, "core/sent_again.html", context)


def _first_send(key: str) -> str | None:
    """Where the first send of this form went; None when it was refused or is not known (this send
    then runs as a send of its own)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        done = cache.get(key)
        if done != _RUNNING or time.monotonic() >= deadline:
            return None if done in (None, _RUNNING) else done
        time.sleep(0.05)
