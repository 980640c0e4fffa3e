"""Resolving regional ids from input: the same Http404 for "does not exist", "another region's"
and "not yours" (an offer the team's region withdrew before the team adopted it).

Shape: access_<noun>(*, user, region, <noun>_id) on the region's pages, and
access_<noun>(*, user, team, <noun>_id) on a team's (see wijkverband.tenancy.access).
"""

from django.db.models import Q
from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.regional.models import OfferStatus, RegionalAgreement, RegionalItem, RegionalLink
from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.policy import region_rights, team_rights


def access_regional_item(*, user, region: Region, item_id) -> RegionalItem:
    pk = parse_id(item_id)
    item = (
        RegionalItem.objects.filter(region=region, pk=pk).select_related("owner", "category", "region").first()
        if pk and region_rights(user=user, region=region).can_view
        else None
    )
    if item is None:
        raise Http404
    return item


def access_regional_link(*, user, item: RegionalItem, link_id) -> RegionalLink:
    """A link of this item (the item was resolved by access_regional_item)."""
    pk = parse_id(link_id)
    link = (
        RegionalLink.objects.filter(region_id=item.region_id, item=item, pk=pk).select_related("bottleneck").first()
        if pk
        else None
    )
    if link is None:
        raise Http404
    return link


def access_regional_agreement(*, user, region: Region, offer_id) -> RegionalAgreement:
    pk = parse_id(offer_id)
    offer = (
        RegionalAgreement.objects.filter(region=region, pk=pk).first()
        if pk and region_rights(user=user, region=region).can_view
        else None
    )
    if offer is None:
        raise Http404
    return offer


def access_offer(*, user, team: Team, offer_id) -> RegionalAgreement:
    """An offer of the team's region as the team sees it: offered, or withdrawn after this team
    adopted it (its agreement links back to it)."""
    pk = parse_id(offer_id)
    offer = (
        RegionalAgreement.objects.filter(region_id=team.region_id, pk=pk)
        .filter(Q(status=OfferStatus.OFFERED) | Q(adoptions__team=team))
        .distinct()
        .first()
        if pk and team_rights(user=user, team=team).can_view
        else None
    )
    if offer is None:
        raise Http404
    return offer
