"""Reads of the Welzijn op Recept figures. Every function takes the team and reads only its rows."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, Min, QuerySet, Sum, Value, When

from wijkverband.core.sorting import name_order
from wijkverband.referrals.models import Referral, ReferralMonth
from wijkverband.referrals.months import add_months, months_between
from wijkverband.tenancy.models import Organisation, OrganisationKind, Team

PAGE_SIZE = 50


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal; None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    referrals: int = 0
    intakes: int = 0
    feedback: int = 0
    #: how the month was entered ("counts", "records"); "mixed" for a sum of both; "" for none
    kind: str = ""
    entered: bool = False

    def add(self, other: "Figures") -> None:
        self.referrals += other.referrals
        self.intakes += other.intakes
        self.feedback += other.feedback
        if other.entered:
            self.kind = other.kind if not self.entered or self.kind == other.kind else "mixed"
            self.entered = True

    @property
    def feedback_rate(self) -> Decimal | None:
        """Feedback returned ÷ referrals (docs/referrals.md says why not ÷ intakes)."""
        return rate(self.feedback, self.referrals)

    @property
    def intake_rate(self) -> Decimal | None:
        return rate(self.intakes, self.referrals)


@dataclass
class MonthLine:
    month: date
    figures: Figures
    #: the counts row behind it, when the month is kept as counts (for its edit link)
    counts_id: int | None = None


@dataclass
class ReferrerTable:
    referrer_id: int | None  # None: the whole team
    name: str
    lines: list[MonthLine] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def month_rows(*, team: Team, start: date, end: date) -> list[ReferralMonth]:
    """The months (first days) from start to end inclusive, with their referrer (one query)."""
    return list(
        ReferralMonth.objects.for_team(team)
        .filter(month__gte=start, month__lte=end)
        .select_related("referrer")
        .order_by("month", "referrer__sort_name", "referrer__name")
    )


def figures_tables(*, rows: list[ReferralMonth], start: date, end: date) -> tuple[list[ReferrerTable], ReferrerTable]:
    """One table per referring organisation with a line for every month of the period (months
    without figures stay `entered=False`: not entered is not zero), and the team's total."""
    months = months_between(start, end)
    by_referrer: dict[int, dict[date, ReferralMonth]] = {}
    names: dict[int, str] = {}
    for row in rows:
        by_referrer.setdefault(row.referrer_id, {})[row.month] = row
        names[row.referrer_id] = row.referrer.name
    team_total = ReferrerTable(referrer_id=None, name="")
    team_lines = {month: MonthLine(month=month, figures=Figures()) for month in months}
    tables = []
    for referrer_id in sorted(by_referrer, key=lambda pk: name_order(names[pk])):
        table = ReferrerTable(referrer_id=referrer_id, name=names[referrer_id])
        for month in months:
            row = by_referrer[referrer_id].get(month)
            figures = (
                Figures(row.referrals, row.intakes, row.feedback, kind=row.kind, entered=True)
                if row is not None
                else Figures()
            )
            table.lines.append(
                MonthLine(month=month, figures=figures, counts_id=row.pk if row and row.kind == "counts" else None)
            )
            table.total.add(figures)
            team_lines[month].figures.add(figures)
        tables.append(table)
    team_total.lines = [team_lines[month] for month in months]
    for line in team_total.lines:
        team_total.total.add(line.figures)
    return tables, team_total


def earliest_month(*, team: Team) -> date | None:
    return ReferralMonth.objects.for_team(team).aggregate(first=Min("month"))["first"]


def team_totals(*, team: Team, months: list[date] | None = None) -> dict[date, Figures]:
    """The team's figures per month (all referring organisations together), for the indicator sources."""
    rows = ReferralMonth.objects.for_team(team)
    if months is not None:
        rows = rows.filter(month__in=months)
    totals = rows.values("month").annotate(r=Sum("referrals"), i=Sum("intakes"), f=Sum("feedback")).order_by("month")
    return {row["month"]: Figures(row["r"], row["i"], row["f"], entered=True) for row in totals}


def referrer_choices(*, team: Team) -> QuerySet[Organisation]:
    """The team's organisations, GP practices first (they refer most), then by name."""
    return (
        Organisation.objects.filter(team_links__team=team)
        .annotate(
            gp_first=Case(When(kind=OrganisationKind.GP, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("gp_first", "sort_name", "name")
    )


def referral_list(*, team: Team, start: date, end: date, status: str = "") -> QuerySet[Referral]:
    """The team's referral records dated in the months from start to end, newest first."""
    records = (
        Referral.objects.for_team(team)
        .filter(referred_on__gte=start, referred_on__lt=add_months(end, 1))
        .select_related("referrer")
        .order_by("-referred_on", "-id")
    )
    return records.filter(status=status) if status else records


def month_row(*, team: Team, month: date, referrer) -> ReferralMonth | None:
    return ReferralMonth.objects.for_team(team).filter(month=month, referrer=referrer).first()


def referral_version(*, team: Team, record: Referral) -> int:
    """The record's version now (0 when it is gone), for a form that must be saved again."""
    return Referral.objects.for_team(team).filter(pk=record.pk).values_list("version", flat=True).first() or 0
