"""Django's CSRF strings drawn with one call for randomness instead of one per character.

Every page with a form masks the CSRF secret anew (Django's protection against BREACH): its
`_get_new_csrf_string` draws the 32-character mask with `get_random_string`, which asks the
operating system for randomness once per character (`secrets.choice`: about 33 `getrandom` calls
a page). CPython lets go of the GIL around each of those calls. On a quiet worker that costs
nothing; on a busy one (a reconnect storm: the event loop and the handshake pools all want the
GIL) the page's thread waits to get it back after each, every time behind another thread's
switch interval. With two busy threads beside it, `get_random_string(32)` took 31–184 ms instead
of 0.1 ms, and a thread list page 540–560 ms (bench/realtime/README.md, "A twentieth machine").

`new_csrf_string` makes the same string (CSRF_SECRET_LENGTH characters of CSRF_ALLOWED_CHARS, each
equally likely, from the operating system's randomness) out of one `os.urandom` call, and
`install` (core's AppConfig.ready) puts it where Django's csrf module looks for it. Tokens are
checked as before: only how the random characters are drawn changes. tests/core/test_csrf.py
holds Django to using it (a page with a form draws randomness at most three times) and the
tokens to working.
"""

import os

from django.middleware import csrf


def new_csrf_string() -> str:
    """CSRF_SECRET_LENGTH characters of CSRF_ALLOWED_CHARS, uniformly, from one os.urandom call
    (another only in the rare case that too many bytes fall outside the even range)."""
    chars, length = csrf.CSRF_ALLOWED_CHARS, csrf.CSRF_SECRET_LENGTH
    # A byte maps to a character by its remainder; bytes from `limit` up would favour the first
    # characters, so they are dropped (rejection sampling: 8 of 256 values for 62 characters).
    limit = 256 - 256 % len(chars)
    drawn: list[str] = []
    while len(drawn) < length:
        drawn += [chars[byte % len(chars)] for byte in os.urandom(length + 16) if byte < limit]
    return "".join(drawn[:length])


def install() -> None:
    csrf._get_new_csrf_string = new_csrf_string
