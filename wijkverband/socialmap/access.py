"""Resolving sociale kaart ids from input: the same Http404 for "does not exist" and "not on
your kaart" (another team's entry, another region's).

Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access; on the region's
pages the region takes the team's place.
"""

from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.socialmap.models import Entry, Suggestion
from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.policy import region_rights, team_rights

RELATED = ("team", "region", "maintainer", "confirmed_by", "created_by")


def access_entry(*, user, team: Team, entry_id) -> Entry:
    """An entry on the team's kaart: the team's own or a region-wide one of its region."""
    pk = parse_id(entry_id)
    entry = (
        Entry.objects.for_team(team).select_related(*RELATED).filter(pk=pk).first()
        if pk and team_rights(user=user, team=team).can_view
        else None
    )
    if entry is None:
        raise Http404
    return entry


def access_region_entry(*, user, region: Region, entry_id) -> Entry:
    """An entry of the region: region-wide, or of one of its teams."""
    pk = parse_id(entry_id)
    entry = (
        Entry.objects.for_region(region).select_related(*RELATED).filter(pk=pk).first()
        if pk and region_rights(user=user, region=region).can_view
        else None
    )
    if entry is None:
        raise Http404
    return entry


def access_suggestion(*, user, entry: Entry, suggestion_id) -> Suggestion:
    """A suggestion on this entry (the entry was resolved by one of the helpers above)."""
    pk = parse_id(suggestion_id)
    suggestion = (
        Suggestion.objects.for_region(entry.region_id).filter(entry=entry, pk=pk).select_related("author").first()
        if pk
        else None
    )
    if suggestion is None:
        raise Http404
    return suggestion
