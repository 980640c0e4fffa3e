"""Resolving thread and message ids from input (URLs, WebSocket frames) into objects.

Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access: filtered by team
and by what the person may read, and one Http404 for "does not exist" and "not yours". The socket
knows only a thread id: `access_stream_thread` finds the thread's team first, then asks the same
questions.
"""

from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import TeamRights, team_rights, team_rights_fresh
from wijkverband.threads.models import Message, Thread
from wijkverband.threads.policy import ThreadRights, thread_rights


def access_thread(*, user, team: Team, thread_id) -> Thread:
    pk = parse_id(thread_id)
    thread = Thread.objects.for_team(team).filter(pk=pk).first() if pk else None
    if thread is None:
        raise Http404
    thread.team = team
    if not thread_rights(rights=team_rights(user=user, team=team), thread=thread).can_read:
        raise Http404
    return thread


def access_message(*, user, team: Team, thread: Thread, message_id) -> Message:
    pk = parse_id(message_id)
    message = (
        Message.objects.for_team(team).select_related("author").filter(thread=thread, pk=pk).first() if pk else None
    )
    if message is None or not thread_rights(rights=team_rights(user=user, team=team), thread=thread).can_read:
        raise Http404
    message.thread = thread
    return message


def access_stream_thread(*, user, thread_id, fresh: bool = True) -> tuple[Thread, TeamRights, ThreadRights]:
    """For the socket, which gets a bare thread id: the thread, in whichever team it is.

    With fresh=True the rights are read from the database; otherwise the answers cached on this
    user object may be reused (the socket refreshes them every few seconds).
    """
    pk = parse_id(thread_id)
    # Any team's thread by id; the rights below decide, with the same 404 as a missing one.
    # ([:1], not first(): no ORDER BY to build for a primary key; the socket asks this on every subscribe)
    thread = (
        next(iter(Thread.objects.across_teams().select_related("team__region").filter(pk=pk)[:1]), None) if pk else None
    )
    if thread is None:
        raise Http404
    # Fresh: one query (team_rights_fresh), and what it read is what team_rights answers after it.
    rights = team_rights_fresh(user=user, team=thread.team) if fresh else team_rights(user=user, team=thread.team)
    trights = thread_rights(rights=rights, thread=thread)
    if not trights.can_read:
        raise Http404
    return thread, rights, trights
