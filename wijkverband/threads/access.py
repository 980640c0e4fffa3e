"""Resolving thread and message ids from input (URLs, WebSocket frames) into objects.

Same style as wijkverband.tenancy.access: filtered by team and by what the person may read, and
one Http404 for "does not exist" and "not yours".
"""

from django.http import Http404

from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import TeamRights, policy_forget, team_rights
from wijkverband.threads.models import Message, Thread
from wijkverband.threads.policy import ThreadRights, thread_rights


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def access_thread(user, team: Team, rights: TeamRights, thread_id) -> tuple[Thread, ThreadRights]:
    pk = _as_id(thread_id)
    thread = Thread.objects.for_team(team).select_related("team__region").filter(pk=pk).first() if pk else None
    if thread is None:
        raise Http404
    trights = thread_rights(user, thread, rights)
    if not trights.can_read:
        raise Http404
    return thread, trights


def access_thread_by_id(user, thread_id, *, fresh: bool = True) -> tuple[Thread, ThreadRights]:
    """For the WebSocket consumer, which gets a bare thread id.

    With fresh=True the rights are read from the database; otherwise the answers cached on this
    user object may be reused (the consumer refreshes them every few seconds).
    """
    pk = _as_id(thread_id)
    thread = Thread.objects.select_related("team__region").filter(pk=pk).first() if pk else None
    if thread is None:
        raise Http404
    if fresh:
        policy_forget(user)
    trights = thread_rights(user, thread, team_rights(user, thread.team))
    if not trights.can_read:
        raise Http404
    return thread, trights


def access_message(thread: Thread, message_id) -> Message:
    pk = _as_id(message_id)
    message = (
        Message.objects.for_team(thread.team).select_related("author").filter(thread=thread, pk=pk).first()
        if pk
        else None
    )
    if message is None:
        raise Http404
    message.thread = thread
    return message
