"""Who may do what in a thread, read from the person's TeamRights (wijkverband.tenancy.policy).

- members and coordinators (may contribute): read and post everywhere in their team;
- the region's overseers: read every thread of the team, post only in escalated threads;
- client representatives (of the team or the region): read threads opened to them, never post,
  and never the thread of an internal item (Thread.internal, kept by the bottlenecks app);
- coordinators also delete other people's messages and open or close a thread to representatives.
A thread someone may not read does not exist for them (same 404 / not_found as a missing one).
"""

from dataclasses import dataclass

from wijkverband.tenancy.policy import TeamRights


@dataclass(frozen=True)
class ThreadRights:
    can_read: bool = False
    can_post: bool = False
    can_moderate: bool = False

    @property
    def read_only(self) -> bool:
        return self.can_read and not self.can_post


NO_THREAD_RIGHTS = ThreadRights()


def thread_rights(*, rights: TeamRights, thread) -> ThreadRights:
    if not rights.can_view:
        return NO_THREAD_RIGHTS
    if rights.can_contribute:
        return ThreadRights(can_read=True, can_post=True, can_moderate=rights.can_coordinate)
    if rights.can_oversee:
        return ThreadRights(can_read=True, can_post=thread.escalated)
    if thread.representatives_read:
        return ThreadRights(can_read=True)
    return NO_THREAD_RIGHTS


def sees_closed_threads(rights: TeamRights) -> bool:
    """Whether this person reads threads that are not opened to representatives."""
    return rights.can_contribute or rights.can_oversee
