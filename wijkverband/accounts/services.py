"""Writes to a person's own account that are not allauth's."""

from functools import partial

from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from wijkverband.accounts.models import Session
from wijkverband.accounts.sessions import ENDED_BY_SECOND_FACTOR_RESET, sessions_ended_note
from wijkverband.audit.services import audit_record
from wijkverband.realtime import codes, publish


def user_language_set(*, user, language: str) -> bool:
    """Keep the language the person chose with the switch, for what is written to them outside a
    page (notice mails, digests). A language we do not have changes nothing. True when it changed."""
    if language not in {code for code, _name in settings.LANGUAGES} or getattr(user, "language", None) == language:
        return False
    return bool(get_user_model().objects.filter(pk=user.pk).update(language=language))


@transaction.atomic
def user_name_set(*, actor, name: str) -> bool:
    """The person's own name, as their colleagues see it (members, authors, mentions): a typo made
    at the invitation is theirs to put right. Saved with `save()`, so the client-data guard reads
    it as every typed text (a BSN, or a name with a date of birth, is refused at the field). The
    old and new name are audited: someone taking a colleague's name can be traced. True when it
    changed."""
    name = " ".join(name.split())
    user = get_user_model().objects.select_for_update().get(pk=actor.pk)
    if not name or user.name == name:
        return False
    before = user.name
    user.name = name
    user.save(update_fields=["name"])
    actor.name = name
    audit_record(actor=actor, action="user.renamed", target=user, data={"from": before, "to": name})
    return True


def sessions_end(*, user, reason: str, keep_session_key: str | None = None) -> int:
    """End the person's sessions, all of them or all but the one they are using (`keep_session_key`):
    their rows go (each session row names its person, accounts.models.Session), and their live
    sockets close as signed out after the commit, as on signing out (realtime.signals), with `reason`
    (one of accounts.sessions.ENDED_REASONS) as the close's reason. A page asked with an ended
    session goes to the sign-in page, which says why it ended (the reason, kept after the commit).
    The number of sessions ended."""
    ended = Session.objects.filter(user_id=user.pk)
    if keep_session_key:
        ended = ended.exclude(session_key=keep_session_key)
    keys = list(ended.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    if keys:
        transaction.on_commit(partial(sessions_ended_note, session_keys=keys, reason=reason))
    for key in keys:
        transaction.on_commit(
            partial(publish.user_sockets_close, user_id=user.pk, code=codes.SIGNED_OUT, session_key=key, reason=reason)
        )
    return len(keys)


@transaction.atomic
def second_factor_reset(*, actor, user) -> list[str]:
    """The platform's administrator resets the second factor of someone who lost their phone and
    their recovery codes (manage.py reset_second_factor, docs/accounts.md): every authenticator
    goes (app, security keys, recovery codes) and every session ends, so whoever has the lost
    phone is signed out there and cannot set up a factor of their own; at the next sign-in the
    person sets up a new one before anything else (tenancy.second_factor). Audited with the
    kinds removed. The person is mailed that the administrator did it (in their language, through
    the outbox, in this transaction), so a reset they did not ask for does not go unseen.

    allauth's `authenticator_removed` is not sent: its receivers are promised the request of the
    person who removed a factor of their own (a command has none), nothing of ours or of allauth's
    listens to it, and allauth's mails of a removal come from its flows, not from the signal (this
    one mail says it all, not one per kind removed). The kinds removed, sorted."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    authenticators = Authenticator.objects.filter(user=user)
    removed = sorted(set(authenticators.values_list("type", flat=True)))
    authenticators.delete()
    sessions_end(user=user, reason=ENDED_BY_SECOND_FACTOR_RESET)
    audit_record(actor=actor, action="user.second_factor_reset", target=user, data={"removed": removed})
    get_adapter().send_second_factor_reset_mail(user=user)
    return removed
