"""Resolving agreement ids from input, always within the team: the same Http404 for missing and not-yours.

Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access.
"""

from django.http import Http404

from wijkverband.agreements.models import Agreement, Indicator, Party
from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import team_rights


def access_agreement(*, user, team: Team, agreement_id) -> Agreement:
    pk = parse_id(agreement_id)
    agreement = (
        Agreement.objects.for_team(team)
        .select_related("current_version", "current_version__owner", "adopted_version", "team")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if agreement is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return agreement


def access_party(*, user, team: Team, agreement: Agreement, party_id) -> Party:
    pk = parse_id(party_id)
    party = Party.objects.for_team(team).filter(agreement=agreement, pk=pk).first() if pk else None
    if party is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return party


def access_indicator(*, user, team: Team, agreement: Agreement, indicator_id) -> Indicator:
    pk = parse_id(indicator_id)
    indicator = Indicator.objects.for_team(team).filter(agreement=agreement, pk=pk).first() if pk else None
    if indicator is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return indicator
