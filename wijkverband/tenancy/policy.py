"""One place that answers "may this user do X to this object" for teams and regions.

Permissions come from guardian (team-role and region-role groups, see permissions.py). A checker
is cached on the user object, which Django builds anew for every request and every socket.
"""

from dataclasses import dataclass

from guardian.core import ObjectPermissionChecker

from wijkverband.tenancy.models import Region, Team


def _checker(user) -> ObjectPermissionChecker:
    checker = getattr(user, "_wijkverband_perm_checker", None)
    if checker is None:
        checker = ObjectPermissionChecker(user)
        user._wijkverband_perm_checker = checker
    return checker


def policy_forget(user) -> None:
    """Drop cached answers, e.g. after a service changed this user's roles."""
    if hasattr(user, "_wijkverband_perm_checker"):
        del user._wijkverband_perm_checker


@dataclass(frozen=True)
class TeamRights:
    can_view: bool = False
    can_contribute: bool = False
    can_manage_members: bool = False
    # May invite or appoint coordinators (coordinators and region administrators).
    can_appoint_coordinators: bool = False

    @property
    def read_only(self) -> bool:
        return self.can_view and not self.can_contribute


@dataclass(frozen=True)
class RegionRights:
    can_view: bool = False
    can_view_teams: bool = False
    can_oversee: bool = False
    can_administer: bool = False


NO_TEAM_RIGHTS = TeamRights()
NO_REGION_RIGHTS = RegionRights()


def region_rights(user, region: Region) -> RegionRights:
    if not user.is_authenticated or not user.is_active:
        return NO_REGION_RIGHTS
    perms = set(_checker(user).get_perms(region))
    return RegionRights(
        can_view="view_region" in perms,
        can_view_teams="view_region_teams" in perms,
        can_oversee="oversee_region" in perms,
        can_administer="administer_region" in perms,
    )


def team_rights(user, team: Team) -> TeamRights:
    if not user.is_authenticated or not user.is_active:
        return NO_TEAM_RIGHTS
    perms = set(_checker(user).get_perms(team))
    region = region_rights(user, team.region)
    manage = "manage_team_members" in perms or region.can_administer
    return TeamRights(
        can_view="view_team" in perms or region.can_view_teams,
        can_contribute="contribute_team" in perms,
        can_manage_members=manage,
        can_appoint_coordinators=manage,
    )
