"""Resolving bottleneck ids from input: the same Http404 for "does not exist", "another team's"
and "internal, and you may not see internal items".

Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access; on the region's
pages the region takes the team's place.
"""

from django.http import Http404

from wijkverband.bottlenecks.models import Bottleneck, Category
from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.policy import region_rights, team_rights


def access_bottleneck(*, user, team: Team, bottleneck_id) -> Bottleneck:
    pk = parse_id(bottleneck_id)
    rights = team_rights(user=user, team=team)
    queryset = Bottleneck.objects.for_team(team).select_related(
        "team__region", "category", "reporter", "reporter_organisation", "owner", "owner_candidate", "duplicate_of"
    )
    if not rights.can_see_internal:
        queryset = queryset.filter(internal=False)
    bottleneck = queryset.filter(pk=pk).first() if pk and rights.can_view else None
    if bottleneck is None:
        raise Http404
    return bottleneck


def access_category(*, user, team: Team, category_id) -> Category:
    """A built-in category or one of the team's own."""
    pk = parse_id(category_id)
    category = Category.objects.for_team(team).filter(pk=pk).first() if pk else None
    if category is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return category


def access_region_bottleneck(*, user, region: Region, bottleneck_id) -> Bottleneck:
    """An item of one of the region's teams, for the region's overseers (who see internal items)."""
    pk = parse_id(bottleneck_id)
    bottleneck = (
        Bottleneck.objects.across_teams().filter(team__region=region, pk=pk).select_related("team__region").first()
        if pk and region_rights(user=user, region=region).can_oversee
        else None
    )
    if bottleneck is None:
        raise Http404
    return bottleneck
