"""Who may do what on the sociale kaart (read from TeamRights / RegionRights, never the rows).

- A team's entries are kept by its members and coordinators; region-wide entries by the region's
  administrators.
- Everyone who sees a team sees its kaart (with the region-wide entries); everyone with a role in
  a region sees the region's kaart.
- Client representatives (of the team or the region) read it and may suggest a correction; they
  never change an entry. Overseers read along.
- A team's professionals edit their team's entries, so they suggest nothing there; a region-wide
  entry on their kaart they cannot edit, so they suggest a correction to it as a representative
  does (the region's administrators answer it).
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


def may_suggest(*, user, rights, entry) -> bool:
    """Suggest a correction to the entry on this page (`rights`: the person's rights on it,
    rights_on_page): a client representative, or a team's professional on a region-wide entry of
    the team's kaart. Never who may edit the entry: they change it themselves."""
    if may_edit(user=user, entry=entry):
        return False
    if is_representative(rights):
        return True
    return isinstance(rights, TeamRights) and rights.can_contribute and entry.team_id is None
