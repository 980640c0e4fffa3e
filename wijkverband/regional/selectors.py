"""Reads of regional work. Each list uses a constant number of queries whatever the number of
rows (tests assert it). A client representative (region or team) never sees an internal bottleneck
here: not listed, not counted."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wijkverband.bottlenecks.models import OPEN_STATUSES, Bottleneck, Category
from wijkverband.bottlenecks.selectors import Pattern, region_patterns
from wijkverband.regional.models import (
    OPEN_ITEM_STATUSES,
    Adoption,
    OfferStatus,
    RegionalAgreement,
    RegionalItem,
    RegionalLink,
    RegionalUpdate,
)
from wijkverband.tenancy.models import Region, RegionRole, Team

#: The most bottlenecks one form offers to link (the oldest first); more: link in a second round.
CANDIDATE_LIMIT = 100
#: Mijn werk's label of a regional item the person owns (wijkverband.mywork).
WORK_KIND_LABELS = {"regional": _("You own this regional item")}
#: Progress updates shown on a team's linked bottleneck (the newest first).
TEAM_PANEL_UPDATES = 5


def region_teams(*, region: Region) -> dict[int, Team]:
    return {team.pk: team for team in Team.objects.filter(region=region).order_by("name")}


def _link_count(*, sees_internal: bool) -> Count:
    """Links of an item, without internal bottlenecks for those who may not see them."""
    if sees_internal:
        return Count("links", distinct=True)
    return Count("links", filter=Q(links__bottleneck__internal=False), distinct=True)


def _team_count(*, sees_internal: bool) -> Count:
    if sees_internal:
        return Count("links__team", distinct=True)
    return Count("links__team", filter=Q(links__bottleneck__internal=False), distinct=True)


def regional_items(*, region: Region, sees_internal: bool, open_only: bool = False) -> QuerySet[RegionalItem]:
    """The region's items, open first, with how many teams' bottlenecks (and teams) they link (one query)."""
    queryset = RegionalItem.objects.filter(region=region)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_ITEM_STATUSES)
    return (
        queryset.select_related("owner", "category")
        .annotate(
            link_count=_link_count(sees_internal=sees_internal), team_count=_team_count(sees_internal=sees_internal)
        )
        .order_by("status", "-updated_at", "-pk")
    )


@dataclass
class PatternRow:
    pattern: Pattern
    items: list[RegionalItem]  # the open regional items of this category


def pattern_rows(*, region: Region, sees_internal: bool) -> list[PatternRow]:
    """Categories open in two or more of the region's teams, with the open regional items already
    taking them up: the region's patterns (three queries) and one for the items."""
    patterns = [p for p in region_patterns(region=region, can_see_internal=sees_internal) if p.multi_team]
    by_category: dict[int, list[RegionalItem]] = {}
    if patterns:
        items = RegionalItem.objects.filter(
            region=region, status__in=OPEN_ITEM_STATUSES, category_id__in=[p.category.pk for p in patterns]
        ).order_by("pk")
        for item in items:
            by_category.setdefault(item.category_id, []).append(item)
    return [PatternRow(p, by_category.get(p.category.pk, [])) for p in patterns]


def region_category(*, region: Region, category_id: int | None) -> Category | None:
    """A built-in category or one of a team of the region."""
    if not category_id:
        return None
    return Category.objects.for_teams(region_teams(region=region)).filter(pk=category_id).first()


def candidate_bottlenecks(*, region: Region, category: Category | None, sees_internal: bool) -> list[Bottleneck]:
    """Open bottlenecks of the region's teams (in this category) that no regional item holds yet,
    oldest first, at most CANDIDATE_LIMIT (one query, with a second for the region's teams)."""
    teams = region_teams(region=region)
    queryset = (
        Bottleneck.objects.for_teams(teams)
        .filter(status__in=OPEN_STATUSES)
        .exclude(pk__in=RegionalLink.objects.filter(region=region).values("bottleneck_id"))
        .select_related("team", "category")
        .order_by("team__name", "created_at", "pk")
    )
    if category is not None:
        queryset = queryset.filter(category=category)
    if not sees_internal:
        queryset = queryset.filter(internal=False)
    return list(queryset[:CANDIDATE_LIMIT])


def region_bottlenecks(*, region: Region, ids) -> list[Bottleneck]:
    """These bottlenecks, if they belong to the region's teams (the form's choices are re-checked here)."""
    teams = region_teams(region=region)
    return list(Bottleneck.objects.for_teams(teams).filter(pk__in=list(ids)).select_related("team"))


def item_links(*, item: RegionalItem, sees_internal: bool) -> list[RegionalLink]:
    queryset = RegionalLink.objects.filter(region_id=item.region_id, item=item).select_related(
        "team", "bottleneck", "bottleneck__owner"
    )
    if not sees_internal:
        queryset = queryset.filter(bottleneck__internal=False)
    return list(queryset.order_by("team__name", "bottleneck_id"))


def item_updates(*, item: RegionalItem, limit: int | None = None) -> list[RegionalUpdate]:
    queryset = RegionalUpdate.objects.filter(region_id=item.region_id, item=item).select_related("author")
    return list(queryset[:limit] if limit else queryset)


def region_managers(*, region: Region) -> list:
    """The people who may own a regional item: the region's overseers and administrators."""
    roles = (
        RegionRole.objects.filter(
            region=region, role__in=[RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN], user__is_active=True
        )
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    return [role.user for role in roles]


def linked_bottleneck_people(*, item: RegionalItem) -> list[tuple[Bottleneck, list[int]]]:
    """Each linked bottleneck with the people who hear of the regional item's progress: its owner and
    its reporter (one query)."""
    links = RegionalLink.objects.filter(region_id=item.region_id, item=item).select_related("bottleneck__team")
    return [(link.bottleneck, [link.bottleneck.owner_id, link.bottleneck.reporter_id]) for link in links]


# --- what a team sees --------------------------------------------------------------------------


@dataclass
class TeamView:
    """A regional item as a team sees it on its linked bottleneck: only what is meant for teams."""

    item: RegionalItem
    team_count: int
    updates: list[RegionalUpdate]


def team_view_of(*, bottleneck: Bottleneck, sees_internal: bool) -> TeamView | None:
    """The regional item holding this bottleneck, its number of teams and latest updates (two queries).
    For a client representative the teams are counted by their items that are not internal."""
    team_count = (
        Count("item__links__team", distinct=True)
        if sees_internal
        else Count("item__links__team", filter=Q(item__links__bottleneck__internal=False), distinct=True)
    )
    link = (
        RegionalLink.objects.filter(team_id=bottleneck.team_id, bottleneck=bottleneck)
        .select_related("item__owner")
        .annotate(team_count=team_count)
        .first()
    )
    if link is None:
        return None
    updates = item_updates(item=link.item, limit=TEAM_PANEL_UPDATES)
    return TeamView(item=link.item, team_count=link.team_count, updates=updates)


def team_offers(*, team: Team) -> list[RegionalAgreement]:
    """The region's offers to this team: those still offered and those it adopted, each with
    `adoption` (this team's, or None); one query with one for the adoptions."""
    offers = (
        RegionalAgreement.objects.filter(region_id=team.region_id)
        .filter(Q(status=OfferStatus.OFFERED) | Q(adoptions__team=team))
        .distinct()
        .prefetch_related(
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.filter(team=team).select_related("agreement__current_version"),
                to_attr="team_adoptions",
            )
        )
        .order_by("-created_at", "-pk")
    )
    result = list(offers)
    for offer in result:
        offer.adoption = offer.team_adoptions[0] if offer.team_adoptions else None
    return result


def offer_detail(*, offer: RegionalAgreement):
    """(suggested parties, suggested indicators) of an offer (two queries)."""
    return (
        list(offer.suggested_parties.filter(region_id=offer.region_id)),
        list(offer.suggested_indicators.filter(region_id=offer.region_id)),
    )


def adoption_of(*, agreement) -> Adoption | None:
    """The adoption a team's agreement came from, with its offer (one query)."""
    return Adoption.objects.filter(team_id=agreement.team_id, agreement=agreement).select_related("offer").first()


def team_adoption(*, team: Team, offer: RegionalAgreement) -> Adoption | None:
    return Adoption.objects.filter(team=team, offer=offer).select_related("agreement").first()


# --- what the region sees ------------------------------------------------------------------------


def regional_agreements(*, region: Region) -> QuerySet[RegionalAgreement]:
    """The region's offers, newest first, with how many teams adopted each (one query)."""
    return (
        RegionalAgreement.objects.filter(region=region)
        .annotate(adoption_count=Count("adoptions", distinct=True))
        .order_by("status", "-created_at", "-pk")
    )


def offer_adoptions(*, offer: RegionalAgreement) -> list[Adoption]:
    return list(
        Adoption.objects.filter(region_id=offer.region_id, offer=offer).select_related(
            "team", "agreement", "agreement__current_version"
        )
    )


@dataclass
class RegionSummary:
    open_items: int
    offers: int


def region_summary(*, region: Region) -> RegionSummary:
    """Counts for the region home's panel (two queries): open regional items and open offers."""
    open_items = RegionalItem.objects.filter(region=region, status__in=OPEN_ITEM_STATUSES).count()
    offers = RegionalAgreement.objects.filter(region=region, status=OfferStatus.OFFERED).count()
    return RegionSummary(open_items=open_items, offers=offers)


def owned_items(*, user, team: Team | None = None) -> QuerySet[RegionalItem]:
    """Open regional items this person owns, in every region where they still oversee (for Mijn
    werk); with a team, only those linking that team's bottlenecks. One query."""
    queryset = RegionalItem.objects.all()
    if team is not None:
        queryset = queryset.filter(pk__in=RegionalLink.objects.filter(team=team).values("item_id"))
    return (
        queryset.filter(
            owner=user,
            status__in=OPEN_ITEM_STATUSES,
            region__roles__user=user,
            region__roles__role__in=[RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN],
        )
        .select_related("region")
        .order_by("updated_at", "pk")
    )


def team_open_offers(*, team: Team) -> list[RegionalAgreement]:
    """Offers of the team's region the team has not adopted yet (one query), for its home page."""
    return list(
        RegionalAgreement.objects.filter(region_id=team.region_id, status=OfferStatus.OFFERED)
        .exclude(adoptions__team=team)
        .order_by("-created_at", "-pk")[:5]
    )
