"""Welzijn op Recept pages. Thin: parse input, resolve ids with access helpers, call services and selectors."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.listfilters import filtered_page, list_response, refused_export
from wijkverband.core.once import sent_once
from wijkverband.referrals import policy, selectors, services
from wijkverband.referrals.access import access_counts, access_referral
from wijkverband.referrals.charts import figures_chart_svg
from wijkverband.referrals.forms import CountsForm, PeriodForm, RecordFilterForm, ReferralForm
from wijkverband.referrals.models import Kind, Status
from wijkverband.referrals.months import add_months, month_choices, month_key, month_label, this_month
from wijkverband.tenancy.entry import team_view

NAV_KEY = "referrals"
DEFAULT_MONTHS = 12


def _period(request, form_class=PeriodForm):
    """The period form (GET) and the period it gives: the last twelve months unless chosen."""
    team = request.team
    earliest = selectors.earliest_month(team=team)
    form = form_class(request.GET or None, earliest=earliest)
    end = this_month()
    start = add_months(end, -(DEFAULT_MONTHS - 1))
    # A value the form does not know is left out alone (its error says so; core/listfilters.py).
    data = form.valid_data()
    end = data.get("end") or end
    start = data.get("start") or min(start, end)
    if not form.is_bound:
        form = form_class(initial={"start": month_key(start), "end": month_key(end)}, earliest=earliest)
    return form, start, end


def _period_query(start, end) -> str:
    return urlencode({"start": month_key(start), "end": month_key(end)})


def _context(request, **extra) -> dict:
    return {"team": request.team, "rights": request.rights, "nav_key": NAV_KEY, **extra}


@team_view
@require_GET
def referral_overview(request):
    team = request.team
    form, start, end = _period(request)
    rows = selectors.month_rows(team=team, start=start, end=end)
    tables, total = selectors.figures_tables(rows=rows, start=start, end=end)
    return render(
        request,
        "referrals/overview.html",
        _context(
            request,
            form=form,
            start=start,
            end=end,
            tables=tables,
            total=total,
            period_query=_period_query(start, end),
            may_enter=policy.may_enter(request.rights),
        ),
        status=form.status,  # 400 when the period in the address held client data
    )


@team_view
@require_GET
def referral_chart(request, narrow=False):
    """narrow: the phone's drawing, which the page offers below 40rem (a <picture> source)."""
    form, start, end = _period(request)
    rows = selectors.month_rows(team=request.team, start=start, end=end)
    _tables, total = selectors.figures_tables(rows=rows, start=start, end=end)
    return HttpResponse(
        figures_chart_svg(team_name=request.team.name, lines=total.lines, narrow=narrow),
        content_type="image/svg+xml; charset=utf-8",
    )


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_response(*, name: str, header: list, rows) -> StreamingHttpResponse:
    """`;`-separated with a UTF-8 BOM: how Dutch Excel opens a CSV file straight away."""

    def lines():
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _percent(value) -> str:
    return "" if value is None else number_format(value, decimal_pos=1, use_l10n=True)


@team_view
@require_GET
def referral_export(request):
    """The monthly figures per referring organisation (months with figures only)."""
    team = request.team
    _form, start, end = _period(request)
    kinds = dict(Kind.choices)
    rows = [
        [
            month_key(row.month),
            row.referrer.name,
            kinds.get(row.kind, row.kind),
            row.referrals,
            row.intakes,
            row.feedback,
            _percent(selectors.rate(row.feedback, row.referrals)),
            _percent(selectors.rate(row.intakes, row.referrals)),
        ]
        for row in selectors.month_rows(team=team, start=start, end=end)
    ]
    header = [
        _("Month"),
        _("Referring organisation"),
        _("Entered as"),
        _("Referrals"),
        _("Intakes held"),
        _("Feedback returned"),
        _("Feedback rate (%)"),
        _("Intake rate (%)"),
    ]
    name = f"welzijn-op-recept-{team.slug}-{month_key(start)}-{month_key(end)}.csv"
    return _csv_response(name=name, header=header, rows=rows)


# --- counts ---------------------------------------------------------------------------------------


def _counts_page(request, *, row=None):
    team = request.team
    referrers = selectors.referrer_choices(team=team)
    months = month_choices(earliest=row.month if row else None)
    if row is not None:
        initial = {
            "month": month_key(row.month),
            "referrer": row.referrer_id,
            "referrals": row.referrals,
            "intakes": row.intakes,
            "feedback": row.feedback,
            "version": row.version,
        }
    else:
        initial = {"month": month_key(add_months(this_month(), -1)), "version": 0}
    data = request.POST if request.method == "POST" else None
    form = CountsForm(data, initial=initial, referrers=referrers, months=months)
    if row is not None:
        # Changing counts changes these numbers; another month or referrer is entered on its own.
        form.fields["month"].disabled = form.fields["referrer"].disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                saved = services.counts_set(
                    actor=request.user,
                    team=team,
                    month=cleaned["month"],
                    referrer=cleaned["referrer"],
                    referrals=cleaned["referrals"],
                    intakes=cleaned["intakes"],
                    feedback=cleaned["feedback"],
                    version=cleaned.get("version") or 0,
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
                if refused.code == "conflict":
                    # Saving again means: "my numbers, over the ones I have now seen".
                    current = selectors.month_row(team=team, month=cleaned["month"], referrer=cleaned["referrer"])
                    form.data = form.data.copy()
                    form.data["version"] = current.version if current else 0
            else:
                messages.success(
                    request,
                    _("The counts of %(month)s from %(referrer)s have been saved.")
                    % {"month": month_label(saved.month), "referrer": saved.referrer.name},
                )
                return redirect(_overview_url(team, saved.month))
    return render(request, "referrals/counts_form.html", _context(request, form=form, row=row), status=status)


def _overview_url(team, month) -> str:
    start = min(month, add_months(this_month(), -(DEFAULT_MONTHS - 1)))
    return reverse("referral_overview", kwargs={"team_slug": team.slug}) + "?" + _period_query(start, this_month())


@team_view(needs="can_contribute")
def referral_counts(request):
    return _counts_page(request)


@team_view(needs="can_contribute")
def referral_counts_edit(request, counts_id):
    row = access_counts(user=request.user, team=request.team, counts_id=counts_id)
    return _counts_page(request, row=row)


@team_view(needs="can_contribute")
def referral_counts_delete(request, counts_id):
    team = request.team
    row = access_counts(user=request.user, team=team, counts_id=counts_id)
    if request.method == "POST":
        services.counts_delete(actor=request.user, team=team, row=row)
        messages.success(
            request,
            _("The counts of %(month)s from %(referrer)s have been deleted.")
            % {"month": month_label(row.month), "referrer": row.referrer.name},
        )
        return redirect(_overview_url(team, row.month))
    return render(request, "referrals/confirm_delete.html", _context(request, row=row))


# --- records --------------------------------------------------------------------------------------


@team_view(needs="can_contribute")
@require_GET
def referral_records(request):
    team = request.team
    form, start, end = _period(request, RecordFilterForm)
    status = form.valid_data().get("status") or ""
    records = selectors.referral_list(team=team, start=start, end=end, status=status)
    page, elsewhere = filtered_page(request, form, records, selectors.PAGE_SIZE)
    if elsewhere is not None:
        return redirect(elsewhere)
    # The pager and the export keep the filters, never the rest of the address (core/listfilters.py).
    query = form.query
    if not query:
        query.update({"start": month_key(start), "end": month_key(end)})
    return list_response(
        request,
        "referrals/records.html",
        _context(request, form=form, page=page, start=start, end=end, query=query.urlencode()),
        form=form,
    )


def _record_page(request, *, record=None):
    team = request.team
    referrers = selectors.referrer_choices(team=team)
    if record is not None:
        initial = {
            "referred_on": record.referred_on,
            "referrer": record.referrer_id,
            "offer": record.offer,
            "status": record.status,
            "feedback_on": record.feedback_on,
            "version": record.version,
        }
    else:
        initial = {"referred_on": timezone.localdate(), "status": Status.REFERRED}
    form = ReferralForm(request.POST if request.method == "POST" else None, initial=initial, referrers=referrers)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {
                name: form.cleaned_data[name] for name in ("referred_on", "referrer", "offer", "status", "feedback_on")
            }
            try:
                if record is None:
                    saved = services.referral_record(actor=request.user, team=team, **fields)
                else:
                    saved = services.referral_edit(
                        actor=request.user,
                        team=team,
                        record=record,
                        version=form.cleaned_data.get("version") or 0,
                        **fields,
                    )
            except ActionRefused as refused:
                add_refusal(form, refused)
                if refused.code == "conflict" and record is not None:
                    # Saving again means: "my changes, over the version I have now seen".
                    current = selectors.referral_version(team=team, record=record)
                    form.data = form.data.copy()
                    form.data["version"] = current
            else:
                messages.success(
                    request,
                    _("The referral of %(date)s has been saved.") % {"date": date_format(saved.referred_on)}
                    if record is None
                    else _("The referral of %(date)s has been changed.") % {"date": date_format(saved.referred_on)},
                )
                if "another" in request.POST and record is None:
                    return redirect("referral_record_new", team_slug=team.slug)
                return redirect("referral_records", team_slug=team.slug)
    return render(request, "referrals/record_form.html", _context(request, form=form, record=record), status=status)


@team_view(needs="can_contribute")
@sent_once
def referral_record_new(request):
    return _record_page(request)


@team_view(needs="can_contribute")
def referral_record_edit(request, referral_id):
    record = access_referral(user=request.user, team=request.team, referral_id=referral_id)
    return _record_page(request, record=record)


@team_view(needs="can_contribute")
def referral_record_delete(request, referral_id):
    team = request.team
    record = access_referral(user=request.user, team=team, referral_id=referral_id)
    if request.method == "POST":
        services.referral_delete(actor=request.user, team=team, record=record)
        messages.success(request, _("The referral has been deleted."))
        return redirect("referral_records", team_slug=team.slug)
    return render(request, "referrals/confirm_delete.html", _context(request, record=record))


@team_view(needs="can_contribute")
@require_GET
def referral_records_export(request):
    team = request.team
    form, start, end = _period(request, RecordFilterForm)
    refused = refused_export(request, form, list_url=reverse("referral_records", kwargs={"team_slug": team.slug}))
    if refused is not None:
        return refused
    status = form.valid_data().get("status") or ""
    statuses = dict(Status.choices)
    records = selectors.referral_list(team=team, start=start, end=end, status=status)
    rows = (
        [
            record.referred_on.isoformat(),
            record.referrer.name,
            record.offer,
            statuses.get(record.status, record.status),
            _("yes") if record.intake_held else _("no"),
            record.feedback_on.isoformat() if record.feedback_on else "",
        ]
        for record in records.iterator(chunk_size=2000)
    )
    header = [
        _("Referral date"),
        _("Referring organisation"),
        _("Offer"),
        _("Status"),
        _("Intake held"),
        _("Feedback sent on"),
    ]
    name = f"welzijn-op-recept-verwijzingen-{team.slug}-{month_key(start)}-{month_key(end)}.csv"
    return _csv_response(name=name, header=header, rows=rows)
