"""The region dashboard, its printable report and its exports. Thin: the figures come from
selectors.region_dashboard, the tables from tables.py."""

from django.http import Http404
from django.shortcuts import render
from django.utils.text import slugify

from wijkverband.core.exports import FORMATS, table_response
from wijkverband.dashboard import periods, selectors, tables
from wijkverband.tenancy.entry import region_view

#: The report for the board lists this many of the escalations that wait (past the target first);
#: the summary gives the total and the per-team table the rest.
REPORT_ESCALATIONS = 25
#: The page lists this many; the queue and the file have them all.
PAGE_ESCALATIONS = 10


def _dashboard(request, *, escalation_rows: int | None = PAGE_ESCALATIONS):
    region, rights = request.region, request.rights
    period = periods.parse(request.GET.get("period"))
    # Overseers and administrators see every item; the views need can_oversee, and the figures
    # still follow the right, so a reader without it would never count an internal bottleneck.
    return selectors.cached_region_dashboard(
        region=region, period=period, include_internal=rights.can_oversee, escalation_rows=escalation_rows
    )


@region_view(needs="can_oversee")
def region_dashboard(request):
    d = _dashboard(request)
    return render(
        request,
        "dashboard/page.html",
        {
            "region": request.region,
            "rights": request.rights,
            "dashboard": d,
            "tables": tables.all_tables(d),
            "periods": periods.choices(),
            "period": d.period,
        },
    )


@region_view(needs="can_oversee")
def region_report(request):
    """The report for the region's board: the same tables and charts, laid out for paper."""
    d = _dashboard(request, escalation_rows=REPORT_ESCALATIONS)
    return render(
        request,
        "dashboard/report.html",
        {"region": request.region, "dashboard": d, "tables": tables.all_tables(d), "period": d.period},
    )


def _period_in_dutch(period) -> str:
    """ "2026-k1" for the first quarter (kwartaal) of 2026, "2026" for the year: the file's name is
    Dutch whatever the language, as the teams' files are."""
    return period.key.lower().replace("q", "k")


@region_view(needs="can_oversee")
def region_dashboard_export(request, table, fmt):
    if table not in tables.TABLES or fmt not in FORMATS:
        raise Http404
    # The waiting list in full for its own file; the other tables do not need it.
    d = _dashboard(request, escalation_rows=None if table == "waiting" else 0)
    found = tables.TABLES[table](d)
    return table_response(
        fmt,
        filename=f"{found.filename_part}-{slugify(request.region.slug)}-{_period_in_dutch(d.period)}",
        header=found.header,
        rows=found.export_rows(),
        sheet_title=found.sheet,
    )
