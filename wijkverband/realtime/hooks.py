"""What the transport asks the app that owns the streams it carries.

The realtime app is a transport: sockets, the per-worker fan-out, presence, the session watch. It
knows no feature and imports none. A stream is what the protocol calls a `thread` (docs/realtime.md):
a sequence of events with gap-free numbers, kept in the database by the app that owns it. Whether a
person may follow a stream, its events as ready frames, posting, read markers and people's names
come from that app through the one object registered here (the threads app registers its
`wijkverband.threads.streams.ThreadStreams` in ThreadsConfig.ready()).

Every method is synchronous (it may read the database) and is called from a worker thread. A stream
that does not exist and one the person may not read both raise Http404 (the protocol's
`not_found`: the same answer for both); PermissionDenied is `forbidden`; ActionRefused carries its
own protocol code (invalid, too_large, rate_limited).
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamAccess:
    """A person may follow the stream; may they also post in it (else: read only)?"""

    can_post: bool


class StreamHooks(Protocol):
    def access(self, user, stream_id: int) -> StreamAccess:
        """The person's rights on the stream, read from the database now (a subscribe). Http404: not_found."""

    def replay(self, stream_id: int, after: int, head: int | None = None) -> tuple[list[tuple[int, str]], int] | None:
        """Every (seq, frame) with seq > after up to the head, and the head; None when it is too far behind
        (the client is sent `reset` and reloads). `head`: the stream's head as this worker knows it
        (read after joining), so it need not be read again; None: read it."""

    def heads(self, stream_ids: list[int]) -> dict[int, int]:
        """The current sequence number of each stream (streams that do not exist are left out)."""

    def frames_after(self, stream_id: int, after: int, upto: int | None) -> list[tuple[int, str]]:
        """(seq, frame) with after < seq <= upto, in order: what a worker missed (a dropped doorbell)."""

    def post(
        self, user, stream_id: int, token, body: str, client_id: str, asks_ack: bool, fresh: bool
    ) -> tuple[dict, object]:
        """Post a message; returns the `ack` frame and a token the socket passes to its next post in this stream.

        token: what the previous post here returned (None for the first); fresh: the rights must be read
        from the database again (the socket asks every few seconds), else the token's may be reused.
        """

    def read(self, user, stream_id: int, seq: int) -> int:
        """Move the person's read marker forward (never back); returns the marker. The socket announces it."""

    def recheck(self, wanted: dict) -> dict:
        """{(stream id, user id): user} -> {(stream id, user id): StreamAccess, or None when not readable}.

        After a `wv.revoke` (the stream's readers changed) and as a backstop once per session age:
        every person's rights as they are now, once per person.
        """

    def team_access(self, user, team_id: int) -> bool:
        """May the person watch this team's list of streams (a `watch_team` frame)? True: they read
        every stream of the team; False: only the opened ones (`wv.team` messages say which). Read
        from the database now; Http404 (not_found) for a team they may not see, as for one that
        does not exist."""

    def user_name(self, user) -> str:
        """How the person is named to others in presence and typing frames (no database access)."""

    def read_by_frame(self, stream_id: int, readers: list[dict]) -> str:
        """The frame telling viewers who read how far: readers are [{"id", "name", "seq"}]."""


_hooks: StreamHooks | None = None


def register_stream_hooks(hooks: StreamHooks) -> None:
    """For the app that owns the streams, in its AppConfig.ready(); the last one registered counts."""
    global _hooks
    _hooks = hooks


def stream_hooks() -> StreamHooks:
    if _hooks is None:
        raise ImproperlyConfigured("No app registered the realtime stream hooks (wijkverband.realtime.hooks).")
    return _hooks


# --- who may open a socket at all -----------------------------------------------------------------

_connect_checks: list = []


def register_connect_check(check) -> None:
    """check(user) -> a close code (wijkverband.realtime.codes) or None: for the app that knows what
    a person must have done before the pages serve them (tenancy: the second factor). In its
    AppConfig.ready(); synchronous, may read the database."""
    if check not in _connect_checks:
        _connect_checks.append(check)


def connect_refusal(user) -> int | None:
    """The close code for a signed-in person the pages would not serve yet, or None."""
    for check in _connect_checks:
        code = check(user)
        if code is not None:
            return code
    return None


# --- why a session ended ----------------------------------------------------------------------------

_session_ended_why = None


def register_session_ended_why(lookup) -> None:
    """lookup(session_key) -> why someone ended that session (a codes.SIGNED_OUT_* reason) or None:
    for the app that ends sessions (accounts: sessions.session_ended_why), in its AppConfig.ready()."""
    global _session_ended_why
    _session_ended_why = lookup


def session_ended_why(session_key: str) -> str:
    """The close's reason for a socket whose session has gone: why someone ended it, or "" (it
    expired, nobody said why, or the store where that is kept did not answer)."""
    if _session_ended_why is None:
        return ""
    try:
        return _session_ended_why(session_key) or ""
    except Exception:  # noqa: BLE001 - the cache is away: the close says what it said before, no reason
        logger.warning("realtime: could not read why a session ended", exc_info=True)
        return ""
