"""The guardian side of roles: one group per (team, role) and per (region, role).

Each group holds object permissions on its own Team or Region; a person's rows in Membership and
RegionRole decide which groups they are in. Services call these helpers in the same transaction
as the row change, so the two never drift; `manage.py sync_permissions` rebuilds them all.
"""

from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from wijkverband.tenancy.models import Membership, Region, RegionRole, Team

TEAM_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Membership.Role.MEMBER: ("view_team", "contribute_team"),
    Membership.Role.COORDINATOR: ("view_team", "contribute_team", "manage_team_members"),
    Membership.Role.CLIENT_REPRESENTATIVE: ("view_team",),
    # Not view_team: an external party sees the team's agreements its organisation is party to, no more.
    Membership.Role.EXTERNAL_PARTY: ("endorse_team_agreements",),
}

REGION_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    RegionRole.Role.OVERSEER: ("view_region", "view_region_teams", "oversee_region"),
    RegionRole.Role.ADMIN: ("view_region", "view_region_teams", "oversee_region", "administer_region"),
    RegionRole.Role.CLIENT_REPRESENTATIVE: ("view_region", "view_region_teams"),
}


def team_group_name(team_id: int, role: str) -> str:
    return f"team:{team_id}:{role}"


def region_group_name(region_id: int, role: str) -> str:
    return f"region:{region_id}:{role}"


def team_groups_ensure(team: Team) -> dict[str, Group]:
    groups = {}
    for role, perms in TEAM_ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=team_group_name(team.pk, role))
        if created:
            for perm in perms:
                assign_perm(f"tenancy.{perm}", group, team)
        groups[role] = group
    return groups


def region_groups_ensure(region: Region) -> dict[str, Group]:
    groups = {}
    for role, perms in REGION_ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=region_group_name(region.pk, role))
        if created:
            for perm in perms:
                assign_perm(f"tenancy.{perm}", group, region)
        groups[role] = group
    return groups


def team_role_grant(membership: Membership) -> None:
    """Put the member in exactly the group of their current role in this team."""
    groups = team_groups_ensure(membership.team)
    membership.user.groups.remove(*[g for role, g in groups.items() if role != membership.role])
    membership.user.groups.add(groups[membership.role])


def team_role_revoke(*, team: Team, user) -> None:
    names = [team_group_name(team.pk, role) for role in TEAM_ROLE_PERMISSIONS]
    user.groups.remove(*Group.objects.filter(name__in=names))


def region_role_grant(region_role: RegionRole) -> None:
    groups = region_groups_ensure(region_role.region)
    region_role.user.groups.remove(*[g for role, g in groups.items() if role != region_role.role])
    region_role.user.groups.add(groups[region_role.role])


def region_role_revoke(*, region: Region, user) -> None:
    names = [region_group_name(region.pk, role) for role in REGION_ROLE_PERMISSIONS]
    user.groups.remove(*Group.objects.filter(name__in=names))
