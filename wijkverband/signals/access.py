"""Resolving signal ids from input, within the team: the same Http404 for missing and not yours."""

from django.http import Http404

from wijkverband.core.ids import parse_id
from wijkverband.signals.models import Signal
from wijkverband.signals.policy import may_read
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import team_rights


def access_signal(*, user, team: Team, signal_id) -> Signal:
    pk = parse_id(signal_id)
    signal = (
        Signal.objects.for_team(team)
        .select_related("team", "author", "triaged_by", "bottleneck", "agreement", "agreement__current_version")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if signal is None or not may_read(team_rights(user=user, team=team)):
        raise Http404
    return signal
