"""Signal pages. Thin: parse input, resolve ids with the access helper, call services and selectors."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wijkverband.bottlenecks.selectors import team_categories
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.once import sent_once
from wijkverband.core.paging import list_page
from wijkverband.signals import policy, selectors, services
from wijkverband.signals.access import access_signal
from wijkverband.signals.forms import AnswerForm, ReviewForm, SignalBottleneckForm, SignalForm
from wijkverband.signals.models import Status
from wijkverband.tenancy.entry import region_view, team_view

NAV_KEY = "signals"


def _to_detail(signal):
    return redirect("signal_detail", team_slug=signal.team.slug, signal_id=signal.pk)


@team_view
@require_GET
def signal_list(request):
    team, rights = request.team, request.rights
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    page, elsewhere = list_page(request, selectors.team_signals(team=team, status=status), selectors.PAGE_SIZE)
    if elsewhere is not None:
        return redirect(elsewhere)
    for signal in page.object_list:
        signal.bottleneck_visible = policy.may_see_bottleneck(rights, signal.bottleneck)
    counts = selectors.team_status_counts(team=team)
    return render(
        request,
        "signals/list.html",
        {
            "team": team,
            "rights": rights,
            "page": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in Status.choices],
            "total": sum(counts.values()),
            "may_file": policy.may_file(rights),
            "nav_key": NAV_KEY,
        },
    )


@team_view(needs="can_signal")
@sent_once
def signal_create(request):
    team, rights = request.team, request.rights
    form = SignalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                signal = services.signal_file(actor=request.user, team=team, **form.cleaned_data)
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                messages.success(
                    request, _("Your signal has been sent to the team's coordinator. You will find the answer here.")
                )
                return _to_detail(signal)
    return render(request, "signals/form.html", {"team": team, "rights": rights, "form": form}, status=status)


def _detail(request, signal, *, answer_form=None, review_form=None, unsent="", status=200):
    team, rights = request.team, request.rights
    triage = policy.may_triage(rights) and signal.is_open
    if triage:
        answer_form = answer_form or AnswerForm(auto_id="answer_%s")
        review_form = review_form or ReviewForm(
            auto_id="review_%s", agreements=selectors.review_agreement_choices(team=team)
        )
    return render(
        request,
        "signals/detail.html",
        {
            "team": team,
            "rights": rights,
            "signal": signal,
            "bottleneck_visible": policy.may_see_bottleneck(rights, signal.bottleneck),
            "triage": triage,
            "answer_form": answer_form,
            "review_form": review_form,
            "unsent": unsent,
            "nav_key": NAV_KEY,
        },
        status=status,
    )


def _answered_meanwhile(request, signal, refused, *, text):
    """Another coordinator answered first: the signal as it is now, with this person's own answer
    shown back under theirs (it was not sent; they may want it elsewhere, in a thread say)."""
    messages.error(request, refused.message)
    signal = access_signal(user=request.user, team=request.team, signal_id=signal.pk)
    return _detail(request, signal, unsent=text, status=409)


@team_view
@require_GET
def signal_detail(request, signal_id):
    signal = access_signal(user=request.user, team=request.team, signal_id=signal_id)
    services.signal_answer_read(actor=request.user, signal=signal)
    return _detail(request, signal)


@team_view(needs="can_coordinate")
@require_POST
def signal_answer(request, signal_id):
    signal = access_signal(user=request.user, team=request.team, signal_id=signal_id)
    form = AnswerForm(request.POST, auto_id="answer_%s")
    if form.is_valid():
        try:
            services.signal_answer(actor=request.user, signal=signal, answer=form.cleaned_data["answer"])
        except ActionRefused as refused:
            if refused.code == "conflict":
                return _answered_meanwhile(request, signal, refused, text=form.cleaned_data["answer"])
            add_refusal(form, refused)
        else:
            messages.success(request, _("Answered: the representatives read your answer with their signal."))
            return _to_detail(signal)
    return _detail(request, signal, answer_form=form, status=400)


@team_view(needs="can_coordinate")
@require_POST
def signal_review(request, signal_id):
    team = request.team
    signal = access_signal(user=request.user, team=team, signal_id=signal_id)
    form = ReviewForm(request.POST, auto_id="review_%s", agreements=selectors.review_agreement_choices(team=team))
    if form.is_valid():
        agreement = selectors.review_agreement(team=team, agreement_id=form.cleaned_data["agreement"])
        try:
            services.signal_to_review(
                actor=request.user, signal=signal, agreement=agreement, answer=form.cleaned_data["answer"]
            )
        except ActionRefused as refused:
            if refused.code == "conflict":
                return _answered_meanwhile(request, signal, refused, text=form.cleaned_data["answer"])
            add_refusal(form, refused)
        else:
            messages.success(request, _("Taken into the agreement's review; the representatives read your answer."))
            return _to_detail(signal)
    return _detail(request, signal, review_form=form, status=400)


@team_view(needs="can_coordinate")
def signal_bottleneck(request, signal_id):
    """A new bottleneck, prefilled from the signal; the coordinator edits it before saving."""
    team, rights = request.team, request.rights
    signal = access_signal(user=request.user, team=team, signal_id=signal_id)
    if not signal.is_open:
        messages.error(request, _("This signal was answered already."))
        if request.method == "POST":  # answered since this form was opened
            return _detail(request, signal, unsent=request.POST.get("answer", "").strip(), status=409)
        return _to_detail(signal)
    form = SignalBottleneckForm(
        request.POST or None,
        categories=team_categories(team=team),
        initial={"title": signal.title, "description": signal.text},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            fields = {name: data[name] for name in ("title", "description", "impact", "affected_kinds")}
            fields["category"] = next((c for c in team_categories(team=team) if c.pk == data["category"]), None)
            try:
                signal = services.signal_to_bottleneck(
                    actor=request.user, signal=signal, answer=data["answer"], bottleneck=fields
                )
            except ActionRefused as refused:
                if refused.code == "conflict":
                    return _answered_meanwhile(request, signal, refused, text=data["answer"])
                add_refusal(form, refused)
            else:
                messages.success(
                    request,
                    _("Bottleneck #%(number)d has been reported; the representatives follow it from their signal.")
                    % {"number": signal.bottleneck_id},
                )
                return redirect("bottleneck_detail", team_slug=team.slug, bottleneck_id=signal.bottleneck_id)
    return render(
        request,
        "signals/bottleneck_form.html",
        {"team": team, "rights": rights, "signal": signal, "form": form, "nav_key": NAV_KEY},
        status=status,
    )


@region_view(needs="can_view_teams")
@require_GET
def region_signals(request):
    region, rights = request.region, request.rights
    rows = selectors.region_overview(region=region)
    totals = {value: sum(row.counts[value] for row in rows) for value in Status.values}
    return render(
        request,
        "signals/region.html",
        {
            "region": region,
            "rights": rights,
            "rows": rows,
            "statuses": Status.choices,
            "totals": totals,
            "total": sum(totals.values()),
            # Only a region's representatives file signals (for a team of their choice).
            "may_file": not rights.can_oversee,
        },
    )
