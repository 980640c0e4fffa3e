"""Who may do what on the wijk card: functions of TeamRights (tenancy/policy.py), reading no rows.

- everyone who sees the team reads the card, prints and exports it;
- members and coordinators add, edit, confirm and remove entries, and answer suggestions;
- coordinators set how often entries are confirmed again;
- client representatives (of the team, or of its region) suggest corrections; they never change data;
- the direct line for professionals and the secure-mail address are for professionals: the team's
  members and coordinators and the region's overseers, not client representatives.
"""

from wijkverband.tenancy.policy import TeamRights


def can_edit(rights: TeamRights) -> bool:
    return rights.can_contribute


def can_set_interval(rights: TeamRights) -> bool:
    return rights.can_coordinate


def can_see_professional_lines(rights: TeamRights) -> bool:
    """The direct line for professionals and the secure-mail address: not for client representatives."""
    return rights.can_see_internal


def can_suggest(rights: TeamRights) -> bool:
    """Client representatives: they read along without contributing and do not oversee."""
    return rights.can_view and not rights.can_contribute and not rights.can_oversee
