"""Reads for signals: the team's list, the region's figures, and the parts of "Mijn werk"."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from wijkverband.agreements.models import Agreement
from wijkverband.agreements.models import Status as AgreementStatus
from wijkverband.signals.models import Signal, Status
from wijkverband.tenancy.models import Membership, Region, Team

PAGE_SIZE = 25


def team_signals(*, team: Team, status: str = "") -> QuerySet[Signal]:
    """The team's signals, newest first, with what the list shows (one query a page)."""
    signals = Signal.objects.for_team(team).select_related("author", "bottleneck", "agreement__current_version")
    if status in Status.values:
        signals = signals.filter(status=status)
    return signals.order_by("-created_at", "-id")


def team_status_counts(*, team: Team) -> dict[str, int]:
    """How many of the team's signals are in each status (one query)."""
    counts = dict(
        Signal.objects.for_team(team)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Status.values}


def review_agreement_choices(*, team: Team) -> list[tuple[int, str]]:
    """The agreements a signal can go into the review of: proposed or adopted ones."""
    agreements = (
        Agreement.objects.for_team(team)
        .filter(status__in=[AgreementStatus.PROPOSED, AgreementStatus.ADOPTED])
        .select_related("current_version")
        .order_by("current_version__title")
    )
    return [(a.pk, a.current_version.title) for a in agreements]


def review_agreement(*, team: Team, agreement_id: int) -> Agreement | None:
    return Agreement.objects.for_team(team).filter(pk=agreement_id).first()


@dataclass(frozen=True)
class TeamSignals:
    team: Team
    counts: dict  # status -> number
    total: int
    #: when the oldest signal still waiting on the coordinator was filed (None: none waits)
    oldest_open: object = None


def region_overview(*, region: Region) -> list[TeamSignals]:
    """Every team of the region with its signals counted by status, in one query. Only counts:
    the region sees the picture across teams, each signal stays with its team."""
    annotations = {
        f"n_{status}": Count("client_signals", filter=Q(client_signals__status=status)) for status in Status.values
    }
    teams = (
        Team.objects.filter(region=region)
        .annotate(
            n_total=Count("client_signals"),
            oldest_open=Min("client_signals__created_at", filter=Q(client_signals__status=Status.NEW)),
            **annotations,
        )
        .order_by("name")
    )
    return [
        TeamSignals(
            team=team,
            counts={status: getattr(team, f"n_{status}") for status in Status.values},
            total=team.n_total,
            oldest_open=team.oldest_open,
        )
        for team in teams
    ]


# --- Mijn werk (wijkverband.mywork) ---------------------------------------------------------------


def to_triage_for(*, user) -> QuerySet[Signal]:
    """Signals waiting on the person as a coordinator of their team."""
    coordinates = Membership.objects.across_teams().filter(
        team=OuterRef("team"), user=user, role=Membership.Role.COORDINATOR
    )
    return (
        Signal.objects.across_teams()  # the person's own rows say which teams
        .filter(Exists(coordinates), status=Status.NEW)
        .select_related("team", "author")
    )


def answers_unread_by(*, user) -> QuerySet[Signal]:
    """The person's own signals answered since they last looked."""
    return (
        Signal.objects.across_teams()
        .filter(author=user, answer_seen_at__isnull=True)
        .exclude(status=Status.NEW)
        .select_related("team", "triaged_by")
    )


def awaited_by(*, user) -> QuerySet[Signal]:
    """The person's own signals still waiting on the coordinator."""
    return Signal.objects.across_teams().filter(author=user, status=Status.NEW).select_related("team")


def waiting_counts(*, teams) -> dict[int, tuple[int, int]]:
    """{team id: (signals waiting on the coordinator, all signals)} for these teams (one query)."""
    found = {team.pk: (0, 0) for team in teams}
    rows = (
        Signal.objects.for_teams([team.pk for team in teams])
        .order_by()
        .values("team_id")
        .annotate(waiting=Count("id", filter=Q(status=Status.NEW)), total=Count("id"))
    )
    for row in rows:
        found[row["team_id"]] = (row["waiting"], row["total"])
    return found
