"""Resolving Welzijn op Recept ids from input, always within the team: the same Http404 for missing
and not-yours. Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access."""

from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.referrals.models import Kind, Referral, ReferralMonth
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import team_rights


def access_referral(*, user, team: Team, referral_id) -> Referral:
    pk = parse_id(referral_id)
    record = Referral.objects.for_team(team).select_related("referrer").filter(pk=pk).first() if pk else None
    if record is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return record


def access_counts(*, user, team: Team, counts_id) -> ReferralMonth:
    """A month kept as counts (a month kept as records has no counts to change)."""
    pk = parse_id(counts_id)
    row = (
        ReferralMonth.objects.for_team(team).select_related("referrer").filter(pk=pk, kind=Kind.COUNTS).first()
        if pk
        else None
    )
    if row is None or not team_rights(user=user, team=team).can_view:
        raise Http404
    return row
