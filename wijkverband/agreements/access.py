"""Resolving agreement ids from input, always within the team: the same Http404 for missing and not-yours.

Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access.
"""

from django.http import Http404

from wijkverband.agreements.models import Agreement, Indicator, Party
from wijkverband.agreements.selectors import external_party_agreements
from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import team_rights


def access_agreement(*, user, team: Team, agreement_id) -> Agreement:
    """An agreement of the team; for an external party only one its organisation is party to
    (and not a concept): any other is a 404, exactly like one that does not exist."""
    pk = parse_id(agreement_id)
    rights = team_rights(user=user, team=team)
    if rights.can_view:
        agreements = Agreement.objects.for_team(team)
    elif rights.can_endorse_as_party:
        agreements = external_party_agreements(team=team, organisation_id=rights.organisation_id)
    else:
        raise Http404
    agreement = (
        agreements.select_related("current_version", "current_version__owner", "adopted_version", "team")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if agreement is None:
        raise Http404
    return agreement


def access_party(*, user, team: Team, agreement: Agreement, party_id) -> Party:
    pk = parse_id(party_id)
    party = Party.objects.for_team(team).filter(agreement=agreement, pk=pk).first() if pk else None
    if party is None or not team_rights(user=user, team=team).can_view:  # not for an external party
        raise Http404
    return party


def access_indicator(*, user, team: Team, agreement: Agreement, indicator_id) -> Indicator:
    pk = parse_id(indicator_id)
    indicator = Indicator.objects.for_team(team).filter(agreement=agreement, pk=pk).first() if pk else None
    # The agreement came through access_agreement: an external party reads its indicators too.
    if indicator is None or not team_rights(user=user, team=team).can_view_agreements:
        raise Http404
    return indicator
