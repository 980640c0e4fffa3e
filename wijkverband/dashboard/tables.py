"""The dashboard's tables: one definition each, shown on the page and in the report, drawn as a
chart and exported to CSV and XLSX from the same rows, so chart, table and file never disagree."""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wijkverband.core.registry import Cell
from wijkverband.dashboard import charts
from wijkverband.dashboard.selectors import RegionDashboard


@dataclass
class Column:
    label: str
    numeric: bool = True
    #: what the page's header shows when the label is too long for a desktop's width (the label is
    #: still read by a screen reader and shown on hover, and heads the files' column): the overview
    #: was 1,836 px wide in a 1,120 px box, its last six columns out of sight
    short: str = ""


@dataclass
class Row:
    label: str
    values: list
    url: str = ""
    #: marked as needing attention (the text of a cell says why, too)
    warning: bool = False


@dataclass
class Chart:
    title: str
    #: indexes of the columns drawn as series
    series: list[int]
    stacked: bool


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]  # the first is the row header's
    rows: list[Row]
    chart: Chart | None = None
    note: str = ""
    empty: str = ""
    #: the file's name before the region and period, in Dutch whatever the language, as the teams'
    #: files are named ("knelpunten-oost-…"): ASCII, no spaces
    filename_part: str = ""
    #: the XLSX sheet's name: short, in the reader's language, within Excel's 31 characters (the
    #: caption cut there read "Open knelpunten per categorie i")
    sheet: str = ""
    #: wider than a tablet (the overview, the agreements, the waiting list): up to a desktop's width
    #: each row is a block of labelled figures, as on a phone, side by side (dashboard.css); it
    #: scrolled sideways in its box between 640 and 1,280 px, its short column names whole only on
    #: a mouse's hover
    wide: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def linked(self) -> bool:
        """Whether its rows link somewhere: a keyboard then reaches the table's box through them."""
        return any(row.url for row in self.rows)

    @property
    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def display_rows(self):
        """(row, its data cells as HTML) for the HTML table. The cells are built here rather than
        by template tags per cell (fifty teams times eight tables made the template the slower half
        of the page), and as plain strings: every text is escaped by conditional_escape, numbers
        need none, and format_html per cell cost a fifth of a cached page."""
        columns = self.columns[1:]
        # Each cell says what it is where the headers are out of sight: on a phone a row is a block of
        # labelled figures (wv-table--stacked), the 1,500 px overview scrolled sideways in its box.
        labels = [f'<span class="wv-cell-label">{conditional_escape(column.label)}: </span>' for column in columns]
        for row in self.rows:
            yield row, mark_safe("".join(map(_cell_html, columns, labels, row.values)))  # noqa: S308 (escaped above)

    def export_rows(self):
        for row in self.rows:
            yield [row.label, *(cell_text(value) for value in row.values)]

    @property
    def chart_alt(self) -> str:
        return _("%(title)s. The table below the chart has the same numbers.") % {"title": self.chart.title}

    def _chart(self, *, narrow: bool) -> str:
        if self.chart is None or not self.rows:
            return ""
        series = tuple(
            (str(self.columns[i].label), tuple(int(row.values[i - 1] or 0) for row in self.rows))
            for i in self.chart.series
        )
        labels = tuple(str(row.label) for row in self.rows)
        return _chart_url(str(self.chart.title), labels, series, self.chart.stacked, narrow)

    @property
    def chart_url(self) -> str:
        return self._chart(narrow=False)

    @property
    def chart_url_narrow(self) -> str:
        """The same chart drawn for a phone (dashboard/_table.html's <picture> source)."""
        return self._chart(narrow=True)


@lru_cache(maxsize=512)
def _chart_url(title: str, labels: tuple, series: tuple, stacked: bool, narrow: bool = False) -> str:
    """The chart as a data: URL, remembered per process for the same title, labels and numbers: the
    page is asked for again and again with the same figures (selectors.cached_region_dashboard),
    and drawing six SVGs of fifty rows took a sixth of the page's time."""
    svg = charts.bar_chart_svg(
        title=title, labels=list(labels), series=[(n, list(v)) for n, v in series], stacked=stacked, narrow=narrow
    )
    return charts.data_url(svg)


#: A word for each accountability rule, for the agreements table's headers (the rules' own labels
#: are sentences: "All parties of the care triangle take part: providers, insurer, …").
RULE_NAMES = {
    "need": gettext_lazy("need"),
    "triangle": gettext_lazy("care triangle"),
    "indicators": gettext_lazy("indicators"),
    "review_date": gettext_lazy("review date"),
    "endorsed": gettext_lazy("endorsement"),
}

_NUMERIC_TD = '<td class="utrecht-table__cell utrecht-table__cell--numeric">'
_TD = '<td class="utrecht-table__cell">'


def _cell_html(column: Column, label: str, value) -> str:
    """A data cell, `label` (its column's name, shown on a phone only) before its value."""
    if isinstance(value, Cell):
        text = conditional_escape(value.text)
        if value.tone:
            text = f'<span class="wv-{conditional_escape(value.tone)}">{text}</span>'
        return f"{_TD}{label}{text}</td>"
    opening = (_NUMERIC_TD if column.numeric else _TD) + label
    if value is None:
        return f"{opening}—</td>"
    if type(value) is int:
        return f"{opening}{value}</td>"
    if isinstance(value, date):  # a date on the page as everywhere ("24 november 2026"), a date in the files
        return f"{opening}{date_format(value)}</td>"
    return f"{opening}{conditional_escape(value)}</td>"


def cell_text(value):
    if isinstance(value, Cell):
        return value.text
    if value is None:
        return ""
    return value


def _team_url(row) -> str:
    return reverse("team_home", kwargs={"team_slug": row.team.slug})


def teams_table(d: RegionDashboard) -> Table:
    # The figures to steer on first, the region's plugged-in columns (wijkkaart, sociale kaart, …)
    # after them: the overview is wider than a desktop's page, and before them they put every figure
    # after "Te laat" out of sight to the right.
    columns = [Column(_("Team"), False), Column(_("Municipality"), False), Column(_("Core players"), False)]
    columns += [
        Column(_("Open bottlenecks")),
        Column(_("Overdue")),
        Column(_("Escalations waiting")),
        Column(_("Escalations overdue")),
        Column(_("Agreements adopted")),
        Column(_("Due for review")),
        Column(_("Failing an accountability rule"), short=_("Failing a rule")),
    ]
    columns += [Column(str(column.label), False) for column in d.extra_columns]
    rows = []
    for row in d.teams:
        core = (
            Cell(_("complete"), "ok")
            if row.overview.complete
            else Cell(
                _("missing: %(kinds)s") % {"kinds": ", ".join(str(k) for k in row.overview.missing_labels)}, "warning"
            )
        )
        rows.append(
            Row(
                row.team.name,
                [
                    row.team.municipality,
                    core,
                    row.bottlenecks.open,
                    row.bottlenecks.overdue,
                    row.escalations.waiting,
                    row.escalations.overdue,
                    row.agreements.adopted,
                    row.agreements.review_due,
                    row.agreements.failing,
                    *row.extra_cells,
                ],
                url=_team_url(row),
                warning=bool(not row.overview.complete or row.escalations.overdue or row.bottlenecks.overdue),
            )
        )
    return Table(
        "teams",
        _("The teams at a glance (now)"),
        columns,
        rows,
        empty=_("This region has no teams yet."),
        filename_part="wijkverbanden",
        sheet=_("Teams at a glance"),
        wide=True,
    )


def age_table(d: RegionDashboard) -> Table:
    columns = [
        Column(_("Team"), False),
        Column(_("Under 30 days")),
        Column(_("30 to 90 days")),
        Column(_("Over 90 days")),
        Column(_("Open bottlenecks")),
        Column(_("Overdue")),
    ]
    rows = [
        Row(
            row.team.name,
            [
                row.bottlenecks.young,
                row.bottlenecks.middle,
                row.bottlenecks.old,
                row.bottlenecks.open,
                row.bottlenecks.overdue,
            ],
            url=reverse("bottleneck_list", kwargs={"team_slug": row.team.slug}),
            warning=bool(row.bottlenecks.overdue),
        )
        for row in d.teams
    ]
    return Table(
        "age",
        _("Open bottlenecks per team by age (now)"),
        columns,
        rows,
        chart=Chart(_("Open bottlenecks per team by age"), [1, 2, 3], stacked=True),
        empty=_("This region has no teams yet."),
        filename_part="knelpunten-naar-leeftijd",
        sheet=_("Bottlenecks by age"),
    )


def categories_table(d: RegionDashboard) -> Table:
    columns = [
        Column(_("Category"), False),
        Column(_("Open bottlenecks")),
        Column(_("Overdue")),
        Column(_("Teams where it is open")),
        Column(_("Under 30 days")),
        Column(_("30 to 90 days")),
        Column(_("Over 90 days")),
    ]
    rows = [
        Row(str(f.category.label), [f.open, f.overdue, f.teams, f.young, f.middle, f.old], warning=f.teams > 1)
        for f in d.categories
    ]
    return Table(
        "categories",
        _("Open bottlenecks by category across the region (now)"),
        columns,
        rows,
        chart=Chart(_("Open bottlenecks by category and age"), [4, 5, 6], stacked=True),
        empty=_("No open bottlenecks."),
        filename_part="knelpunten-per-categorie",
        sheet=_("Bottlenecks by category"),
    )


def flow_table(d: RegionDashboard) -> Table:
    columns = [
        Column(_("Team"), False),
        Column(_("Reported")),
        Column(_("Resolved")),
        Column(_("Escalated")),
        Column(_("Answered by the region")),
        Column(_("Agreements adopted")),
    ]
    rows = [
        Row(
            row.team.name,
            [
                row.bottlenecks.reported,
                row.bottlenecks.resolved,
                row.escalations.escalated,
                row.escalations.answered,
                row.agreements.adopted_in_period,
            ],
            url=_team_url(row),
        )
        for row in d.teams
    ]
    return Table(
        "period",
        _("In %(period)s per team") % {"period": d.period.label},
        columns,
        rows,
        chart=Chart(_("Bottlenecks reported and resolved in %(period)s") % {"period": d.period.label}, [1, 2], False),
        empty=_("This region has no teams yet."),
        filename_part="in-de-periode",
        sheet=_("In %(period)s per team") % {"period": d.period.label},
    )


def escalations_table(d: RegionDashboard) -> Table:
    target = d.target_days
    columns = [
        Column(_("Team"), False),
        Column(_("On time")),
        Column(_("Overdue")),
        Column(_("Longest wait (working days)")),
        Column(_("Escalated in the period")),
        Column(_("Answered in the period")),
    ]
    rows = [
        Row(
            row.team.name,
            [
                row.escalations.waiting - row.escalations.overdue,
                row.escalations.overdue,
                row.longest_wait,
                row.escalations.escalated,
                row.escalations.answered,
            ],
            url=_team_url(row),
            warning=bool(row.escalations.overdue),
        )
        for row in d.teams
    ]
    return Table(
        "escalations",
        _("Escalations waiting for the region per team (now)"),
        columns,
        rows,
        chart=Chart(_("Escalations waiting per team, on time and overdue"), [1, 2], stacked=True),
        note=ngettext(
            "The region's target: an answer within %(days)s working day.",
            "The region's target: an answer within %(days)s working days.",
            target,
        )
        % {"days": target},
        empty=_("This region has no teams yet."),
        filename_part="opschalingen",
        sheet=_("Escalations per team"),
    )


def waiting_table(d: RegionDashboard) -> Table:
    columns = [
        Column(_("Bottleneck"), False),
        Column(_("Team"), False),
        Column(_("Impact"), False),
        Column(_("Escalated"), False),
        Column(_("Waiting (working days)")),
        Column(_("Target (working days)")),
        Column(_("Overdue"), False),
    ]
    rows = [
        Row(
            f"#{b.pk} {b.title}",
            [
                b.team.name,
                b.get_impact_display(),
                localdate(b.escalated_at) if b.escalated_at else "",
                b.waited_days,
                b.target_days,
                # A yes/no column answers yes or no (it said "overdue" or "no"); marked when yes.
                Cell(_("yes"), "warning") if b.escalation_overdue else _("no"),
            ],
            url=reverse("bottleneck_detail", kwargs={"team_slug": b.team.slug, "bottleneck_id": b.pk}),
            warning=bool(b.escalation_overdue),
        )
        for b in d.escalations
    ]
    shown, total = len(rows), d.escalations_waiting
    return Table(
        "waiting",
        _("Escalations waiting for an answer: overdue first, then the longest waiting"),
        columns,
        rows,
        note=(
            _("The first %(shown)s of %(total)s; the escalation queue and the file have them all.")
            % {"shown": shown, "total": total}
            if shown < total
            else ""
        ),
        empty=_("No team is waiting for the region."),
        filename_part="wachtende-opschalingen",
        sheet=_("Escalations waiting"),
        wide=True,
    )


def agreements_table(d: RegionDashboard) -> Table:
    rule_keys = list(d.rule_labels)
    columns = [
        Column(_("Team"), False),
        Column(_("Adopted")),
        Column(_("Due for review")),
        Column(_("Failing an accountability rule"), short=_("Failing a rule")),
        Column(_("Proposed")),
        *(
            Column(
                _("Not met: %(rule)s") % {"rule": d.rule_labels[key]},
                short=_("Not met: %(rule)s") % {"rule": RULE_NAMES[key]} if key in RULE_NAMES else "",
            )
            for key in rule_keys
        ),
    ]
    rows = [
        Row(
            row.team.name,
            [
                row.agreements.adopted,
                row.agreements.review_due,
                row.agreements.failing,
                row.agreements.proposed,
                *(row.agreements.failing_rules.get(key, 0) for key in rule_keys),
            ],
            url=reverse("agreement_list", kwargs={"team_slug": row.team.slug}),
            warning=bool(row.agreements.failing or row.agreements.review_due),
        )
        for row in d.teams
    ]
    return Table(
        "agreements",
        _("Agreements per team (now)"),
        columns,
        rows,
        chart=Chart(_("Agreements per team: adopted, due for review, failing a rule"), [1, 2, 3], stacked=False),
        note=_("Failing a rule: adopted agreements whose current version does not meet every accountability rule."),
        empty=_("This region has no teams yet."),
        filename_part="afspraken",
        sheet=_("Agreements per team"),
        wide=True,
    )


def indicators_table(d: RegionDashboard) -> Table:
    previous = d.period.previous.label
    columns = [
        Column(_("Team"), False),
        Column(_("At target at the end of %(period)s") % {"period": previous}),
        Column(_("At target at the end of %(period)s") % {"period": d.period.label}),
        Column(_("Difference")),
        Column(_("Indicators")),
        Column(_("Measured in %(period)s") % {"period": d.period.label}),
    ]
    rows = [
        Row(
            row.team.name,
            [
                row.indicators.at_target_before,
                row.indicators.at_target,
                row.indicator_trend,
                row.indicators.indicators,
                row.indicators.measured,
            ],
            url=reverse("agreement_list", kwargs={"team_slug": row.team.slug}),
            warning=row.indicator_trend < 0,
        )
        for row in d.teams
    ]
    return Table(
        "indicators",
        _("Indicators of adopted agreements per team: the trend"),
        columns,
        rows,
        chart=Chart(
            _("Indicators at target per team, %(previous)s against %(period)s")
            % {"previous": previous, "period": d.period.label},
            [1, 2],
            stacked=False,
        ),
        note=_(
            "At target: the latest measurement up to the end of the period reaches the target (at or above it, or "
            "at or below it when the target lies below the baseline)."
        ),
        empty=_("This region has no teams yet."),
        filename_part="indicatoren",
        sheet=_("Indicators per team"),
    )


TABLES = {
    "teams": teams_table,
    "waiting": waiting_table,
    "escalations": escalations_table,
    "age": age_table,
    "categories": categories_table,
    "period": flow_table,
    "agreements": agreements_table,
    "indicators": indicators_table,
}


def all_tables(d: RegionDashboard) -> list[Table]:
    return [build(d) for build in TABLES.values()]
