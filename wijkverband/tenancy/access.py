"""Resolving ids and slugs from input into tenant objects: the only way views and consumers get them.

Everything here filters by what the user may see and raises the same Http404 for "does not
exist" and "not yours", so an outsider cannot tell the two apart.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wijkverband.tenancy.models import Invitation, Membership, Region, Team
from wijkverband.tenancy.policy import RegionRights, TeamRights, region_rights, team_rights


def access_team(user, slug: str) -> tuple[Team, TeamRights]:
    team = Team.objects.select_related("region").filter(slug=slug).first()
    if team is None:
        raise Http404
    rights = team_rights(user, team)
    if not rights.can_view:
        raise Http404
    return team, rights


def access_team_for_member_management(user, slug: str) -> tuple[Team, TeamRights]:
    team, rights = access_team(user, slug)
    if not rights.can_manage_members:
        # They may see the team, so 404 would be a lie; they just may not do this.
        raise PermissionDenied
    return team, rights


def access_membership(team: Team, membership_id) -> Membership:
    membership = (
        Membership.objects.for_team(team).select_related("user", "organisation").filter(pk=membership_id).first()
        if str(membership_id).isdigit()
        else None
    )
    if membership is None:
        raise Http404
    return membership


def access_invitation(team: Team, invitation_id) -> Invitation:
    invitation = (
        Invitation.objects.for_team(team).filter(pk=invitation_id).first() if str(invitation_id).isdigit() else None
    )
    if invitation is None:
        raise Http404
    return invitation


def access_region(user, slug: str) -> tuple[Region, RegionRights]:
    region = Region.objects.filter(slug=slug).first()
    if region is None:
        raise Http404
    rights = region_rights(user, region)
    if not rights.can_view:
        raise Http404
    return region, rights
