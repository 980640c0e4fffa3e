"""Resolving bottleneck ids from input, in the style of wijkverband.tenancy.access: the same Http404
for "does not exist", "another team's" and "internal, and you may not see internal items"."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wijkverband.bottlenecks.models import Bottleneck, Category
from wijkverband.bottlenecks.policy import LogRights, log_rights
from wijkverband.tenancy.access import access_region, access_team
from wijkverband.tenancy.models import Region, Team


def access_log(user, team_slug: str) -> tuple[Team, LogRights]:
    team, rights = access_team(user, team_slug)
    return team, log_rights(user, team, rights)


def access_log_for_contributing(user, team_slug: str) -> tuple[Team, LogRights]:
    team, rights = access_log(user, team_slug)
    if not rights.can_contribute:
        raise PermissionDenied
    return team, rights


def access_log_for_coordinating(user, team_slug: str) -> tuple[Team, LogRights]:
    team, rights = access_log(user, team_slug)
    if not rights.can_coordinate:
        raise PermissionDenied
    return team, rights


def _id(value) -> int | None:
    text = str(value).strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 18 else None


def access_bottleneck(team: Team, rights: LogRights, bottleneck_id) -> Bottleneck:
    pk = _id(bottleneck_id)
    queryset = Bottleneck.objects.for_team(team).select_related(
        "team__region", "category", "reporter", "reporter_organisation", "owner", "owner_candidate", "duplicate_of"
    )
    if not rights.can_see_internal:
        queryset = queryset.filter(internal=False)
    bottleneck = queryset.filter(pk=pk).first() if pk is not None else None
    if bottleneck is None:
        raise Http404
    return bottleneck


def access_category(team: Team, category_id) -> Category | None:
    pk = _id(category_id)
    return Category.objects.for_team(team).filter(pk=pk).first() if pk is not None else None


def access_region_for_overseeing(user, region_slug: str) -> Region:
    region, rights = access_region(user, region_slug)
    if not rights.can_oversee:
        raise PermissionDenied
    return region


def access_region_bottleneck(region: Region, bottleneck_id) -> Bottleneck:
    pk = _id(bottleneck_id)
    bottleneck = (
        Bottleneck.objects.filter(team__region=region, pk=pk).select_related("team__region").first()
        if pk is not None
        else None
    )
    if bottleneck is None:
        raise Http404
    return bottleneck
