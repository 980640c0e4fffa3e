"""Resolving ids and slugs from input into tenant objects: the only way views and consumers get them.

Every helper has one shape, `access_<noun>(*, user, team, <noun>_id)` (plus the parent object
where the noun lives inside one), filters by the team and by what this person may see, and raises
the same Http404 for "does not exist" and "not yours", so an outsider cannot tell the two apart.
`access_team` and `access_region` are the entry points TeamMiddleware uses (tenancy/entry.py).
"""

from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Invitation, Membership, Region, Team
from wijkverband.tenancy.policy import RegionRights, TeamRights, region_rights, team_rights, team_with_rights


def access_team(*, user, team_slug: str) -> tuple[Team, TeamRights]:
    team, rights = team_with_rights(user=user, team_slug=team_slug)  # (one trip: every team page)
    if team is None:
        raise Http404
    # can_view_agreements: everyone who sees the team, and an external party, whom team_view
    # keeps to the pages that ask for a right it can hold (its agreements).
    if not rights.can_view_agreements:
        raise Http404
    return team, rights


def access_region(*, user, region_slug: str) -> tuple[Region, RegionRights]:
    region = Region.objects.filter(slug=region_slug).first()
    if region is None:
        raise Http404
    rights = region_rights(user=user, region=region)
    if not rights.can_view:
        raise Http404
    return region, rights


def access_membership(*, user, team: Team, membership_id) -> Membership:
    pk = parse_id(membership_id)
    membership = (
        Membership.objects.for_team(team).select_related("user", "organisation").filter(pk=pk).first() if pk else None
    )
    if membership is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return membership


def access_invitation(*, user, team: Team, invitation_id) -> Invitation:
    pk = parse_id(invitation_id)
    invitation = Invitation.objects.for_team(team).filter(pk=pk).first() if pk else None
    if invitation is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return invitation
