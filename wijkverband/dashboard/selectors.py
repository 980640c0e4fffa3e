"""The region dashboard's figures, gathered from the feature apps' selectors.

Every part is one or two aggregate queries over all the region's teams (GROUP BY team or
category), so the page costs the same number of queries for 2 teams or 50 (tests assert it;
bench/region_dashboard.py measures it). Nothing here loops over bottlenecks or agreements.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language

from wijkverband.agreements.models import AgreementEvent
from wijkverband.agreements.selectors import (
    RULE_LABELS,
    TeamAgreementFigures,
    TeamIndicatorFigures,
    region_team_agreement_figures,
    region_team_indicator_figures,
)
from wijkverband.bottlenecks.models import BottleneckEvent
from wijkverband.bottlenecks.selectors import (
    CategoryFigures,
    TeamBottleneckFigures,
    TeamEscalationFigures,
    region_bottleneck_figures,
    region_escalations_waiting,
    region_team_escalation_figures,
)
from wijkverband.core.registry import region_column_cells
from wijkverband.core.workdays import working_days_between
from wijkverband.dashboard.periods import Period
from wijkverband.tenancy.models import Region
from wijkverband.tenancy.selectors import TeamOverview, region_team_overview


@dataclass
class TeamRow:
    overview: TeamOverview
    bottlenecks: TeamBottleneckFigures
    escalations: TeamEscalationFigures
    agreements: TeamAgreementFigures
    indicators: TeamIndicatorFigures
    #: the cells of the region home's plugged-in columns (the wijk card's freshness...), in order
    extra_cells: list = field(default_factory=list)
    #: working days the longest waiting escalation has waited (None: none waits)
    longest_wait: int | None = None

    @property
    def team(self):
        return self.overview.team

    @property
    def indicator_trend(self) -> int:
        return self.indicators.at_target - self.indicators.at_target_before


@dataclass
class RegionDashboard:
    region: Region
    period: Period
    teams: list[TeamRow]
    categories: list[CategoryFigures]
    escalations: list  # the ones waiting, past the target first (bottlenecks.selectors.region_escalations_waiting)
    extra_columns: list
    rule_labels: dict = field(default_factory=lambda: dict(RULE_LABELS))
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def target_days(self) -> int:
        return self.region.escalation_response_days

    def total(self, part: str, name: str) -> int:
        return sum(getattr(getattr(row, part), name) for row in self.teams)

    @property
    def incomplete(self) -> int:
        return sum(1 for row in self.teams if not row.overview.complete)

    @property
    def escalations_overdue(self) -> int:
        return self.total("escalations", "overdue")

    @property
    def escalations_waiting(self) -> int:
        return self.total("escalations", "waiting")

    @property
    def open(self) -> int:
        return self.total("bottlenecks", "open")

    @property
    def overdue(self) -> int:
        return self.total("bottlenecks", "overdue")

    @property
    def adopted(self) -> int:
        return self.total("agreements", "adopted")

    @property
    def failing(self) -> int:
        return self.total("agreements", "failing")

    @property
    def review_due(self) -> int:
        return self.total("agreements", "review_due")


def region_dashboard(*, region: Region, period: Period, include_internal: bool, escalation_rows: int | None = 10):
    """Everything the dashboard, its report and its exports show. include_internal: count internal
    bottlenecks (overseers and administrators); without it they are left out of every figure."""
    overview = region_team_overview(region=region)
    team_ids = [item.team.pk for item in overview]
    start, end = period.start_at, period.end_at
    bottlenecks, categories = region_bottleneck_figures(
        team_ids=team_ids, include_internal=include_internal, start=start, end=end
    )
    escalations = region_team_escalation_figures(
        region=region, team_ids=team_ids, include_internal=include_internal, start=start, end=end
    )
    agreements = region_team_agreement_figures(team_ids=team_ids, start=start, end=end)
    indicators = region_team_indicator_figures(team_ids=team_ids, start_day=period.start, end_day=period.end)
    columns = region_column_cells(teams=[item.team for item in overview])
    today = timezone.localdate()
    rows = []
    for item in overview:
        team_id = item.team.pk
        waits = escalations[team_id]
        rows.append(
            TeamRow(
                overview=item,
                bottlenecks=bottlenecks[team_id],
                escalations=waits,
                agreements=agreements[team_id],
                indicators=indicators[team_id],
                extra_cells=[cells.get(team_id) for _column, cells in columns],
                longest_wait=(working_days_between(timezone.localdate(waits.oldest), today) if waits.oldest else None),
            )
        )
    return RegionDashboard(
        region=region,
        period=period,
        teams=rows,
        categories=categories,
        escalations=region_escalations_waiting(region=region, include_internal=include_internal, limit=escalation_rows),
        extra_columns=[column for column, _cells in columns],
    )


#: How long the figures of a region and period are kept (seconds; 0: not kept). Invalidated by time
#: only: the page says of when its figures are ("figures of 09:41"). docs/dashboard.md
CACHE_SECONDS = 60


def cached_region_dashboard(
    *, region: Region, period: Period, include_internal: bool, escalation_rows: int | None = 10
) -> RegionDashboard:
    """region_dashboard, kept for up to DASHBOARD_CACHE_SECONDS (default 60) per region, period,
    right to see internal items and length of the waiting list. Its generated_at says of when."""
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", CACHE_SECONDS)
    if not seconds:
        return region_dashboard(
            region=region, period=period, include_internal=include_internal, escalation_rows=escalation_rows
        )
    # The language too: the plugged-in columns' cells carry translated text.
    # And the newest event of the region's bottlenecks and agreements: an answered escalation or an
    # adopted agreement shows at once, only unchanged figures are kept (two index lookups).
    teams = region.teams.all()
    changed = (
        BottleneckEvent.objects.for_teams(teams).aggregate(last=Max("pk"))["last"],
        AgreementEvent.objects.for_teams(teams).aggregate(last=Max("pk"))["last"],
    )
    key = (
        f"dashboard:{region.pk}:{period.key}:{int(include_internal)}:{escalation_rows}:{get_language()}"
        f":{changed[0]}:{changed[1]}"
    )
    found = cache.get(key)
    # The age is checked here too, not only by the cache's own expiry: the clock decides.
    if found is None or (timezone.now() - found.generated_at).total_seconds() >= seconds:
        found = region_dashboard(
            region=region, period=period, include_internal=include_internal, escalation_rows=escalation_rows
        )
        cache.set(key, found, seconds)
    return found
