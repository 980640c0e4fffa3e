"""Ids from URLs of the region's postcode-area pages, resolved with the uniform 404."""

from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.policy import region_rights


def access_region_team(*, user, region: Region, team_id) -> Team:
    """A team of this region, for someone who may open the region; 404 for anything else."""
    pk = parse_id(team_id)
    team = Team.objects.select_related("region").filter(pk=pk, region=region).first() if pk else None
    if team is None or not region_rights(user=user, region=region).can_view:
        raise Http404
    return team
