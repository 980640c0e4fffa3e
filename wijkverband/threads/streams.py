"""The threads side of the live socket: what the realtime transport asks about a thread.

Registered in ThreadsConfig.ready() (wijkverband.realtime.hooks). Each answer is one access
helper, service or selector call, so the socket's post path costs what an HTTP post costs. Writes
run inside the team scope of the thread (wijkverband/tenancy/scoping.py), as a page of that team
would run them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wijkverband.realtime.hooks import StreamAccess
from wijkverband.tenancy.policy import policy_forget
from wijkverband.tenancy.scoping import team_scope
from wijkverband.threads import selectors, services
from wijkverband.threads.access import (
    access_stream_bare,
    access_stream_rights,
    access_stream_team,
    access_stream_thread,
)
from wijkverband.threads.serialise import display_name, read_by_frame

POSTER = StreamAccess(can_post=True)
READER = StreamAccess(can_post=False)


def _access(rights) -> StreamAccess:
    return POSTER if rights.can_post else READER


class ThreadStreams:
    def access(self, user, stream_id: int) -> StreamAccess:
        return _access(access_stream_rights(user=user, thread_id=stream_id))

    def replay(self, stream_id: int, after: int, head: int | None = None):
        if head is None:
            head = selectors.thread_heads(thread_ids=[stream_id]).get(stream_id, 0)
        if head - after > selectors.REPLAY_LIMIT:
            return None
        return selectors.thread_event_frames(thread_id=stream_id, after=after, upto=head), head

    def heads(self, stream_ids) -> dict[int, int]:
        return selectors.thread_heads(thread_ids=stream_ids)

    def frames_after(self, stream_id: int, after: int, upto: int | None):
        return selectors.thread_event_frames(thread_id=stream_id, after=after, upto=upto)

    def post(self, user, stream_id, token, body, client_id, asks_ack, fresh):
        # token: the Thread this socket read for its last post here, within the rights' lifetime.
        thread = token
        if thread is None or fresh:
            thread, _rights, trights = access_stream_thread(user=user, thread_id=stream_id, fresh=fresh)
            if not trights.can_post:
                raise PermissionDenied
        # message_post checks the rights again (from the answers cached on this user object).
        with team_scope(thread.team_id):
            result = services.message_post(actor=user, thread=thread, body=body, client_id=client_id, asks_ack=asks_ack)
        return result.ack, thread

    def read(self, user, stream_id: int, seq: int) -> int:
        # The thread as the rights' written-out queries read it (its team and access fields): the
        # ORM's three-model query was a third of a read marker's CPU.
        thread, _trights = access_stream_bare(user=user, thread_id=stream_id)
        with team_scope(thread.team_id):
            return services.read_marker_set(actor=user, thread=thread, seq=seq, announce=False)

    def recheck(self, wanted: dict) -> dict:
        answers = {}
        for user in {id(u): u for u in wanted.values()}.values():
            policy_forget(user)  # once per person: their rights as they are now
        for (thread_id, user_id), user in wanted.items():
            try:
                answers[thread_id, user_id] = _access(
                    access_stream_thread(user=user, thread_id=thread_id, fresh=False)[2]
                )
            except Http404:
                answers[thread_id, user_id] = None
        return answers

    def team_access(self, user, team_id: int) -> bool:
        return access_stream_team(user=user, team_id=team_id)

    def user_name(self, user) -> str:
        return display_name(user)

    def read_by_frame(self, stream_id: int, readers: list[dict]) -> str:
        return read_by_frame(stream_id, readers)
