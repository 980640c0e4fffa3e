"""Resolving wijk card ids from input, always within the team: the same Http404 for "does not
exist" and "not yours". Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access."""

from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import team_rights
from wijkverband.wijkcard.models import ContactEntry, Suggestion


def access_entry(*, user, team: Team, entry_id) -> ContactEntry:
    pk = parse_id(entry_id)
    entry = (
        ContactEntry.objects.for_team(team)
        .select_related("team", "organisation", "maintainer", "confirmed_by")
        .filter(pk=pk)
        .first()
        if pk and team_rights(user=user, team=team).can_view
        else None
    )
    if entry is None:
        raise Http404
    return entry


def access_suggestion(*, user, team: Team, suggestion_id) -> Suggestion:
    pk = parse_id(suggestion_id)
    suggestion = (
        Suggestion.objects.for_team(team)
        .select_related("team", "entry__organisation", "entry__maintainer", "entry__confirmed_by", "author")
        .filter(pk=pk)
        .first()
        if pk and team_rights(user=user, team=team).can_view
        else None
    )
    if suggestion is None:
        raise Http404
    return suggestion
