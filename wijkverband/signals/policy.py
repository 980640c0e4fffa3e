"""Who may do what with signals, read from the person's TeamRights (wijkverband.tenancy.policy).

- Everyone who sees the team reads its signals and their answers (the representatives see each
  other's); an external party sees none.
- Client representatives of the team or of its region file them.
- The team's coordinators triage them: into a bottleneck, into an agreement's review, or answered.
- A representative sees where a signal went only as far as they may see that item: a bottleneck
  made internal is named, never linked or described.
"""

from wijkverband.tenancy.policy import TeamRights


def may_read(rights: TeamRights) -> bool:
    return rights.can_view


def may_file(rights: TeamRights) -> bool:
    return rights.can_signal


def may_triage(rights: TeamRights) -> bool:
    return rights.can_coordinate


def may_see_bottleneck(rights: TeamRights, bottleneck) -> bool:
    return bottleneck is not None and (rights.can_see_internal or not bottleneck.internal)
