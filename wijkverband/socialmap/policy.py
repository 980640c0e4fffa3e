"""Who may do what on the sociale kaart (read from TeamRights / RegionRights, never the rows).

- A team's entries are kept by its members and coordinators; region-wide entries by the region's
  administrators.
- Everyone who sees a team sees its kaart (with the region-wide entries); everyone with a role in
  a region sees the region's kaart.
- Client representatives (of the team or the region) read it and may suggest a correction; they
  never change an entry. Overseers read along.
"""

from wijkverband.tenancy.policy import RegionRights, TeamRights, region_rights, team_rights


def may_add(rights) -> bool:
    """Add or import entries on this page: the team's professionals, or the region's administrators."""
    if isinstance(rights, TeamRights):
        return rights.can_contribute
    return isinstance(rights, RegionRights) and rights.can_administer


def may_edit(*, user, entry) -> bool:
    """Edit, confirm, remove the entry and answer its suggestions (whatever page it is seen on)."""
    if entry.team_id is None:
        return region_rights(user=user, region=entry.region).can_administer
    return team_rights(user=user, team=entry.team).can_contribute


def is_representative(rights) -> bool:
    """A client representative (of the team or its region): reads along, may suggest corrections."""
    if isinstance(rights, TeamRights):
        return rights.can_view and not rights.can_contribute and not rights.can_oversee
    return isinstance(rights, RegionRights) and rights.can_view and not rights.can_oversee


def rights_on_page(*, user, team, region):
    """The person's rights on the page a suggestion is made on (a team's kaart, or the region's)."""
    return team_rights(user=user, team=team) if team is not None else region_rights(user=user, region=region)
