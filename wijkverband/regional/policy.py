"""Who may do what with regional work, read from the tenancy policy's rights (never from rows).

- The region's overseers and administrators take patterns up as regional items, own them, link the
  teams' bottlenecks, post progress, and offer regional agreements (RegionRights.can_oversee).
- Everyone with a role in the region reads its regional work; a client representative of the region
  never sees an internal bottleneck in it (not in a list, not in a count).
- A team's readers see the regional item's progress on their linked bottleneck and the region's
  offers; a team's coordinator adopts an offer as the team's own agreement.
"""

from wijkverband.tenancy.policy import RegionRights, TeamRights


def may_manage(rights: RegionRights) -> bool:
    return rights.can_oversee


def may_read(rights: RegionRights) -> bool:
    return rights.can_view


def sees_internal(rights: RegionRights) -> bool:
    """Internal bottlenecks are for the team's professionals and the region's overseers."""
    return rights.can_oversee


def may_adopt(rights: TeamRights) -> bool:
    return rights.can_coordinate and rights.can_contribute
