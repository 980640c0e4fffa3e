"""Where the layers below the task system hand a mail to the outbox, and read how it went.

The outbox (wijkverband.work: the `Mail` table, sent by the task worker, docs/work.md) sits above
tenancy and accounts, whose invitations and account mails (a password reset, a new address's link)
must go through it too: no mail is sent inside a web request. So work registers the functions
here in its AppConfig.ready(), and tenancy and accounts call them without knowing work.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MailState:
    """How one mail of the outbox stands."""

    sent_at: datetime | None
    #: when the next attempt is due (while unsent)
    send_after: datetime
    #: attempts that failed so far (while unsent)
    failures: int
    #: the mail server refused it for good (an address that does not exist): never sent
    refused_at: datetime | None

    @property
    def waiting_after_failure(self) -> bool:
        return self.sent_at is None and self.refused_at is None and self.failures > 0


_put: Callable[..., None] | None = None
_states: Callable[..., dict[str, MailState]] | None = None
_withdraw: Callable[..., None] | None = None


def register(
    *, put: Callable[..., None], states: Callable[..., dict[str, MailState]], withdraw: Callable[..., None]
) -> None:
    global _put, _states, _withdraw
    _put, _states, _withdraw = put, states, withdraw


def mail_put(*, key: str, to: str, subject: str, body: str, user_id: int | None = None) -> None:
    """Write one mail into the outbox, in the caller's transaction; the worker sends it after the commit.

    key: unique, says what the mail is of ("invitation:<id>", "account:<uuid>"); user_id: the account
    it goes to, if the address has one. subject and body are rendered already, in the reader's language."""
    if _put is None:
        raise RuntimeError("No outbox registered (wijkverband.work is not installed)")
    _put(key=key, to=to, subject=subject, body=body, user_id=user_id)


def mail_states(*, keys: Iterable[str]) -> dict[str, MailState]:
    """{key: MailState} for the mails of these keys that are in the outbox."""
    keys = list(keys)
    if _states is None or not keys:
        return {}
    return _states(keys=keys)


def mail_withdraw(*, keys: Iterable[str]) -> None:
    """The mails of these keys are no longer wanted (an invitation withdrawn or replaced): any still
    waiting is never sent, its body (a link) emptied, in the caller's transaction."""
    keys = list(keys)
    if _withdraw is not None and keys:
        _withdraw(keys=keys)
