"""Resolving agreement ids from input, always within the team: the same Http404 for missing and not-yours."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wijkverband.agreements.models import Agreement, AgreementVersion, Indicator, Party
from wijkverband.agreements.policy import AgreementRights, agreement_rights
from wijkverband.tenancy.access import access_team
from wijkverband.tenancy.models import Team


def _id(value) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 18 else None


def access_agreements(user, team_slug: str, *, contribute: bool = False) -> tuple[Team, AgreementRights]:
    """The team and the person's agreement rights; 403 for readers when a change is asked."""
    team, rights = access_team(user, team_slug)
    agreement_rights_ = agreement_rights(user, team, rights)
    if contribute and not agreement_rights_.can_contribute:
        # They may see the team, so 404 would be a lie; they just may not change agreements.
        raise PermissionDenied
    return team, agreement_rights_


def access_agreement(team, agreement_id) -> Agreement:
    pk = _id(agreement_id)
    agreement = (
        Agreement.objects.for_team(team)
        .select_related("current_version", "current_version__owner", "adopted_version", "team")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if agreement is None:
        raise Http404
    return agreement


def access_party(agreement: Agreement, party_id) -> Party:
    pk = _id(party_id)
    party = (
        Party.objects.for_team(agreement.team).filter(agreement=agreement, pk=pk).first() if pk is not None else None
    )
    if party is None:
        raise Http404
    return party


def access_indicator(agreement: Agreement, indicator_id) -> Indicator:
    pk = _id(indicator_id)
    indicator = (
        Indicator.objects.for_team(agreement.team).filter(agreement=agreement, pk=pk).first()
        if pk is not None
        else None
    )
    if indicator is None:
        raise Http404
    return indicator


def access_version(agreement: Agreement, number) -> AgreementVersion | None:
    """A version by its number, or None (callers turn that into a form error)."""
    value = _id(number)
    if value is None:
        return None
    return (
        AgreementVersion.objects.for_team(agreement.team)
        .select_related("owner")
        .filter(agreement=agreement, number=value)
        .first()
    )
