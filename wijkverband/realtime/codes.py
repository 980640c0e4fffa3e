"""WebSocket close codes (4000–4999 are ours) and what the browser client does with them."""

# Reconnect at once and re-subscribe with `after`: nothing is lost, the server asks for a catch-up.
RECONNECT = 4000
# The socket fell too far behind (its outgoing queue is full): reconnect and catch up.
TOO_SLOW = 4008
# Rights changed (a membership ended or changed): reconnect; threads no longer visible answer not_found.
RIGHTS_CHANGED = 4003
# Signed out, session ended, or no session at all: do not reconnect, the page must sign in again.
SIGNED_OUT = 4001
# Why a session was ended elsewhere, in the close's reason with SIGNED_OUT, so the page says that,
# not only that it was signed out (threads.js; the same words as the sign-in page's,
# accounts.middleware). No reason: signed out here, expired, deactivated, or not known.
SIGNED_OUT_PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"  # "Overal afmelden" on another device
SIGNED_OUT_SECOND_FACTOR_RESET = "second_factor_reset"  # the administrator's reset
# Signed in, but not finished: the pages send this person to set up a second factor first. Do not
# reconnect; the page shows where to finish signing in.
SIGN_IN_INCOMPLETE = 4002

# Protocol error codes and the HTTP status the same refusal gets on the plain-form pages.
ERROR_STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "too_large": 413, "rate_limited": 429}
