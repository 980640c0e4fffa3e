"""Bottleneck log pages. Thin: resolve access, parse the form, call a service or selector."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Textarea
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkverband.agreements.access import access_agreement
from wijkverband.bottlenecks import forms, selectors, services
from wijkverband.bottlenecks.access import access_bottleneck, access_category, access_region_bottleneck
from wijkverband.bottlenecks.models import Impact, Status
from wijkverband.bottlenecks.policy import available_actions
from wijkverband.core import same_name
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.exports import FORMATS, table_response
from wijkverband.core.guard import ClientDataRefused, refusal_message, refusal_subject
from wijkverband.core.listfilters import filtered_page, list_response, refused_export
from wijkverband.core.once import sent_once
from wijkverband.core.paging import list_page
from wijkverband.core.registry import render_item_panels
from wijkverband.tenancy.entry import region_view, team_view
from wijkverband.tenancy.models import OrganisationKind
from wijkverband.tenancy.policy import team_rights
from wijkverband.threads.models import SubjectKind
from wijkverband.threads.panels import subject_thread_panel

PAGE_SIZE = 50
STATUS_FOR_CODE = {"stale": 409, "forbidden": 403}


def _status_of(refused: ActionRefused) -> int:
    return STATUS_FOR_CODE.get(refused.code, 400)


# --- list and export ------------------------------------------------------------------------------


#: The list's filters that sit behind "More filters" (the search box stays in view).
MORE_FILTERS = ("status", "category", "impact", "owner", "affected", "sort", "overdue", "mine")


def _filter_form(request, team):
    return forms.FilterForm(
        request.GET or None,
        categories=selectors.team_categories(team=team),
        professionals=selectors.team_professionals(team=team),
        rights=request.rights,
    )


@team_view
def bottleneck_list(request):
    team, rights = request.team, request.rights
    form = _filter_form(request, team)
    filters = form.filters()
    queryset = selectors.bottleneck_list(team=team, rights=rights, user=request.user, filters=filters)
    # Page over the ids alone, then fetch that page's rows with their related rows: with the
    # joins in the filtered, sorted query PostgreSQL may misjudge the row count and join every
    # matching row before sorting (3x slower with 10,000 items).
    page, elsewhere = filtered_page(request, form, queryset.values_list("pk", flat=True), PAGE_SIZE)
    if elsewhere is not None:
        return redirect(elsewhere)
    page.object_list = selectors.bottlenecks_in_order(team=team, ids=list(page.object_list))
    query = form.query
    return list_response(
        request,
        "bottlenecks/list.html",
        {
            "team": team,
            "rights": rights,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(query) or bool(form.refused),
            # The filters beyond the search box fold away until used (on a phone they would push
            # the list down a screen and a half): how many of them are set now.
            "more_filters_set": sum(1 for name in MORE_FILTERS if query.get(name)),
        },
        form=form,
    )


@team_view
def bottleneck_export(request, fmt):
    """The list as it is filtered, for a spreadsheet: CSV (Dutch Excel) or XLSX (core/exports.py)."""
    team, rights = request.team, request.rights
    if fmt not in FORMATS:
        raise Http404
    form = _filter_form(request, team)
    refused = refused_export(request, form, list_url=reverse("bottleneck_list", kwargs={"team_slug": team.slug}))
    if refused is not None:
        return refused
    filters = form.filters()
    queryset = selectors.bottleneck_list(team=team, rights=rights, user=request.user, filters=filters)
    kind_labels = dict(OrganisationKind.choices)
    targets = selectors.team_targets(team=team)
    header = [
        _("Number"),
        _("Title"),
        _("Status"),
        _("Category"),
        _("Impact"),
        _("Affects"),
        _("Reported for"),
        _("Reported on"),
        _("Age in days"),
        _("Owner"),
        _("To be accepted by"),
        _("To be resolved by"),
        _("Working days to acceptance"),
        _("Working days to resolution"),
        _("Overdue"),
        _("Also affected"),
        _("Resolution"),
        _("Internal"),
    ]
    statuses = dict(Status.choices)
    impacts = dict(Impact.choices)

    def rows():
        for b in queryset.iterator(chunk_size=2000):
            yield [
                b.pk,
                b.title,
                statuses.get(b.status, b.status),
                b.category.label,
                impacts.get(b.impact, b.impact),
                ", ".join(str(kind_labels.get(k, k)) for k in b.affected_kind_list),
                b.reporter_organisation.name if b.reporter_organisation else "",
                timezone.localdate(b.created_at),
                b.age_days,
                b.owner.name if b.owner else "",
                b.accept_due,
                b.resolve_due,
                *targets.get(b.impact, (None, None)),
                _("yes") if b.is_overdue else _("no"),
                b.signal_count,
                b.resolution_summary if b.status == Status.RESOLVED else "",
                _("yes") if b.internal else _("no"),
            ]

    return table_response(
        fmt,
        filename=f"knelpunten-{team.slug}-{timezone.localdate().isoformat()}",
        header=header,
        rows=rows(),
        sheet_title=str(_("Bottlenecks")),
    )


# --- report and edit ------------------------------------------------------------------------------


def _form_fields(request, cleaned):
    category = access_category(user=request.user, team=request.team, category_id=cleaned["category"])
    return {
        "title": cleaned["title"],
        "description": cleaned["description"],
        "category": category,
        "impact": cleaned["impact"],
        "affected_kinds": cleaned["affected_kinds"],
    }


@team_view(needs="can_contribute")
@sent_once(asks_again=False)  # core/same_name.py asks
def bottleneck_create(request):
    team, rights = request.team, request.rights
    form = forms.ReportForm(request.POST or None, categories=selectors.team_categories(team=team))
    status, warning = 200, None  # warning: an open bottleneck of this title there already (core.same_name)
    if request.method == "POST":
        if form.is_valid():
            warning = _same_title(form, team=team, rights=rights)
        if form.is_valid():
            try:
                b = services.bottleneck_report(
                    actor=request.user,
                    team=team,
                    internal=form.cleaned_data["internal"],
                    internal_reason=form.cleaned_data["internal_reason"],
                    **_form_fields(request, form.cleaned_data),
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("Bottleneck #%(number)d has been reported.") % {"number": b.pk})
                return redirect("bottleneck_detail", team_slug=team.slug, bottleneck_id=b.pk)
        status = 400
    context = {"team": team, "rights": rights, "form": form, "same_name": warning}
    return render(request, "bottlenecks/form.html", context, status=status)


def _same_title(form, *, team, rights) -> same_name.SameName | None:
    """An open bottleneck of this title in the team: said at the title, linked, until the person goes
    on anyway (core.same_name). Also what stops a report sent again after Back, which a new form's
    token does not (core.once)."""
    title = form.cleaned_data["title"]
    found = selectors.same_title_open(team=team, rights=rights, title=title)
    return same_name.stop_first_send(
        form,
        field="title",
        name=title,
        items=[
            (f"#{b.pk} {b.title} · {b.get_status_display()}", reverse("bottleneck_detail", args=[team.slug, b.pk]))
            for b in found
        ],
        message=_("There is already an open bottleneck with this title in this team."),
        go_on_label=_("Report a new bottleneck anyway"),
    )


@team_view
def bottleneck_edit(request, bottleneck_id):
    team, rights = request.team, request.rights
    b = access_bottleneck(user=request.user, team=team, bottleneck_id=bottleneck_id)
    if "edit" not in available_actions(rights, b):
        raise PermissionDenied
    categories = selectors.team_categories(team=team)
    initial = {
        "title": b.title,
        "description": b.description,
        "category": b.category_id,
        "impact": b.impact,
        "affected_kinds": b.affected_kind_list,
        "version": b.version,
    }
    form = forms.BottleneckForm(request.POST or None, initial=initial, categories=categories)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.bottleneck_edit(
                    actor=request.user,
                    bottleneck=b,
                    version=form.cleaned_data["version"] or 0,
                    **_form_fields(request, form.cleaned_data),
                )
            except ActionRefused as refused:
                status = _status_of(refused)
                if refused.code == "stale":
                    b = access_bottleneck(user=request.user, team=team, bottleneck_id=b.pk)
                    data = request.POST.copy()
                    data["version"] = str(b.version)
                    form = forms.BottleneckForm(data, initial=initial, categories=categories)
                    form.is_valid()
                add_refusal(form, refused)
            else:
                messages.success(request, _("Your changes have been saved."))
                return redirect("bottleneck_detail", team_slug=team.slug, bottleneck_id=b.pk)
    return render(
        request,
        "bottlenecks/form.html",
        {"team": team, "rights": rights, "form": form, "bottleneck": b, "stale": status == 409},
        status=status,
    )


# --- one item ------------------------------------------------------------------------------------


def _action_forms(rights, b, professionals, bound_action=None, data=None):
    version = {"version": b.version}
    makers = {
        "ask-owner": lambda d: forms.AskOwnerForm(d, prefix="ask-owner", initial=version, professionals=professionals),
        "accept": lambda d: forms.ActionForm(d, prefix="accept", initial=version),
        "decline": lambda d: forms.DeclineForm(d, prefix="decline", initial=version),
        "start": lambda d: forms.ActionForm(d, prefix="start", initial=version),
        "resolve": lambda d: forms.ResolveForm(d, prefix="resolve", initial=version),
        "close": lambda d: forms.CloseForm(d, prefix="close", initial=version),
        "reopen": lambda d: forms.ReopenForm(d, prefix="reopen", initial=version),
        "escalate": lambda d: forms.EscalateForm(d, prefix="escalate", initial=version),
        "internal": lambda d: forms.InternalForm(d, prefix="internal", initial=version, making_internal=not b.internal),
        "link": lambda d: forms.LinkForm(d, prefix="link"),
        "link-agreement": lambda d: forms.AgreementLinkForm(d, prefix="link-agreement"),
        "duplicate": lambda d: forms.DuplicateForm(d, prefix="duplicate", initial=version),
        "respond": lambda d: forms.RespondForm(d, prefix="respond", initial=version),
        "take-up": lambda d: forms.TakeUpForm(d, prefix="take-up", initial=version),
        "hand-back": lambda d: forms.HandBackForm(d, prefix="hand-back", initial=version),
    }
    return {name.replace("-", "_"): make(data if name == bound_action else None) for name, make in makers.items()}


def _render_detail(request, team, rights, b, *, action=None, data=None, error=None, status=200):
    professionals = selectors.team_professionals(team=team) if rights.can_contribute else []
    action_forms = _action_forms(rights, b, professionals, action, data)
    if isinstance(error, ClientDataRefused) and action is not None:
        # At the action's text field, named by its own label ("Reactie van de regio") rather than by
        # the model field the service stores it in ("Toelichting"), unless the label is a question
        # or has a remark ("Waarom wijs je het af?", "Toelichting (optioneel)"), which reads badly
        # at the head of a sentence: then "Deze tekst", as the other forms with such labels say.
        form = action_forms.get(action.replace("-", "_"))
        text = next((n for n, f in form.fields.items() if isinstance(f.widget, Textarea)), None) if form else None
        if text is not None:
            worded = error.message
            if error.findings:
                worded = refusal_message(refusal_subject(form.fields[text].label), error.findings)
            form.is_valid()
            form.add_error(text, worded)
            error = None
    form = action_forms.get(action.replace("-", "_")) if action is not None else None
    if isinstance(error, ActionRefused) and form is not None and form.is_bound:
        # A field left empty or wrong, or a refusal about one field: said at that field and in
        # the form's error summary, which takes the focus (a bare "Dit veld is verplicht" at the
        # top of the page named no field, and focus stayed at the top).
        if not form.is_valid() and (error.field is None or error.field in form.errors):
            error = None
        elif error.field in form.fields:
            form.add_error(error.field, error.message)
            error = None
    if isinstance(error, ActionRefused):
        error = error.message
    timeline = selectors.bottleneck_timeline(bottleneck=b, rights=rights)
    return render(
        request,
        "bottlenecks/detail.html",
        {
            "team": team,
            "rights": rights,
            "bottleneck": b,
            "actions": available_actions(rights, b),
            "action_forms": action_forms,
            "failed_action": action,
            # A link to an action's form (Mijn werk's ?open=ask-owner#action-ask-owner) opens it
            # without JavaScript too; with it, app.js also puts the focus in it.
            "open_action": request.GET.get("open", "") if action is None else "",
            "action_error": error,
            "timeline": timeline,
            "region_answers": selectors.region_answers(bottleneck=b, timeline=timeline),
            "signals": selectors.bottleneck_signals(bottleneck=b),
            "links": selectors.bottleneck_links(bottleneck=b, rights=rights),
            "duplicate_of": selectors.shown_duplicate_of(bottleneck=b, rights=rights),
            "agreement_links": selectors.bottleneck_agreements(bottleneck=b),
            "statuses": Status,
            # Apps above this one show what they hold of the item (the regional item it belongs to).
            "item_panels": render_item_panels(subject="bottleneck", request=request, team=team, rights=rights, item=b),
            # access_bottleneck already hid an internal item from those who may not see it; the
            # thread policy adds the thread's own rules (opened to representatives, escalated).
            "thread_panel": subject_thread_panel(
                request=request,
                team=team,
                rights=rights,
                kind=SubjectKind.BOTTLENECK,
                subject_id=b.pk,
            ),
        },
        status=status,
    )


def _refused(request, team, rights, b, action, refused: ActionRefused):
    """Show the item as it is now, with the person's input kept in the form of the failed action.
    The form carries the current version, so sending it again is a deliberate choice."""
    b = access_bottleneck(user=request.user, team=team, bottleneck_id=b.pk)
    data = request.POST.copy()
    data[f"{action}-version"] = str(b.version)
    return _render_detail(request, team, rights, b, action=action, data=data, error=refused, status=_status_of(refused))


@team_view
def bottleneck_detail(request, bottleneck_id):
    team, rights = request.team, request.rights
    b = access_bottleneck(user=request.user, team=team, bottleneck_id=bottleneck_id)
    return _render_detail(request, team, rights, b)


def _version(form) -> int:
    return form.cleaned_data.get("version") or 0


def _other(request, team, form):
    try:
        return access_bottleneck(user=request.user, team=team, bottleneck_id=form.cleaned_data["other"])
    except Http404:
        raise ActionRefused(_("There is no bottleneck with that number in this team.")) from None


def _run(action, request, team, rights, b):
    """Validate the action's form and call its service; ActionRefused on any problem."""
    actor = request.user
    if action == "signal":
        services.bottleneck_signal(actor=actor, bottleneck=b)
        return _("Noted: this affects your organisation too.")
    professionals = selectors.team_professionals(team=team) if action == "ask-owner" else []
    form = _action_forms(rights, b, professionals, action, request.POST)[action.replace("-", "_")]
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        raise ActionRefused(first)
    data = form.cleaned_data
    if action == "ask-owner":
        # The form only accepts ids of the team's professionals, so the person is in that list.
        candidate = next((m.user for m in professionals if m.user_id == data["candidate"]), None)
        services.bottleneck_ask_owner(actor=actor, bottleneck=b, version=_version(form), candidate=candidate)
        return _("Ownership has been arranged.") if candidate == actor else _("The request has been sent.")
    if action == "accept":
        services.bottleneck_accept(actor=actor, bottleneck=b, version=_version(form))
        return _("You now own this bottleneck.")
    if action == "decline":
        services.bottleneck_decline(actor=actor, bottleneck=b, version=_version(form), reason=data["reason"])
        return _("You have declined.")
    if action == "start":
        services.bottleneck_start(actor=actor, bottleneck=b, version=_version(form))
        return _("Work is in progress.")
    if action == "resolve":
        services.bottleneck_resolve(actor=actor, bottleneck=b, version=_version(form), summary=data["summary"])
        return _("The bottleneck is resolved.")
    if action == "close":
        services.bottleneck_close(actor=actor, bottleneck=b, version=_version(form), reason=data["reason"])
        return _("The bottleneck is closed.")
    if action == "reopen":
        services.bottleneck_reopen(actor=actor, bottleneck=b, version=_version(form), reason=data["reason"])
        return _("The bottleneck is open again.")
    if action == "escalate":
        services.bottleneck_escalate(actor=actor, bottleneck=b, version=_version(form), reason=data["reason"])
        return _("The bottleneck has been escalated to the region.")
    if action == "internal":
        services.bottleneck_set_internal(
            actor=actor, bottleneck=b, version=_version(form), internal=not b.internal, reason=data.get("reason", "")
        )
        return (
            _("The bottleneck is now internal.") if not b.internal else _("Client representatives can read it again.")
        )
    if action == "link":
        services.bottleneck_link(actor=actor, bottleneck=b, other=_other(request, team, form))
        return _("The bottlenecks are linked.")
    if action == "link-agreement":
        try:
            agreement = access_agreement(user=actor, team=team, agreement_id=data["agreement"])
        except Http404:
            raise ActionRefused(_("There is no agreement with that number in this team.")) from None
        services.bottleneck_link_agreement(actor=actor, bottleneck=b, agreement=agreement, kind=data["kind"])
        return _("The agreement is linked.")
    if action == "duplicate":
        original = _other(request, team, form)
        services.bottleneck_mark_duplicate(actor=actor, bottleneck=b, version=_version(form), original=original)
        return _("Closed as a duplicate of #%(number)d.") % {"number": original.pk}
    raise Http404


TEAM_ACTIONS = {
    "ask-owner",
    "accept",
    "decline",
    "start",
    "resolve",
    "close",
    "reopen",
    "escalate",
    "internal",
    "signal",
    "link",
    "link-agreement",
    "duplicate",
}


@team_view
@require_POST
def bottleneck_action(request, bottleneck_id, action):
    if action not in TEAM_ACTIONS:
        raise Http404
    team, rights = request.team, request.rights
    b = access_bottleneck(user=request.user, team=team, bottleneck_id=bottleneck_id)
    if not rights.can_contribute:
        raise PermissionDenied
    try:
        message = _run(action, request, team, rights, b)
    except ActionRefused as refused:
        if refused.code == "already":  # sent twice: it is done, nothing was typed in vain
            messages.info(request, refused.message)
            return redirect("bottleneck_detail", team_slug=team.slug, bottleneck_id=b.pk)
        return _refused(request, team, rights, b, action, refused)
    messages.success(request, message)
    return redirect("bottleneck_detail", team_slug=team.slug, bottleneck_id=b.pk)


# --- settings ----------------------------------------------------------------------------------------


def _render_settings(request, *, targets_form=None, category_form=None, status=200):
    """The settings page, with the form that was sent (its errors at its inputs) and the other one fresh."""
    team = request.team
    return render(
        request,
        "bottlenecks/settings.html",
        {
            "team": team,
            "rights": request.rights,
            "targets_form": (
                forms.TargetsForm(targets=selectors.team_targets(team=team)) if targets_form is None else targets_form
            ),
            "categories": selectors.team_categories(team=team),
            "category_form": forms.CategoryForm() if category_form is None else category_form,
        },
        status=status,
    )


@team_view(needs="can_coordinate")
def bottleneck_settings(request):
    team = request.team
    form = forms.TargetsForm(request.POST or None, targets=selectors.team_targets(team=team))
    if request.method != "POST":
        return _render_settings(request, targets_form=form)
    status = 400
    if form.is_valid():
        try:
            services.team_targets_set(actor=request.user, team=team, targets=form.targets())
        except ActionRefused as refused:
            add_refusal(form, refused)
            status = _status_of(refused)
        else:
            messages.success(request, _("The response targets have been saved."))
            return redirect("bottleneck_settings", team_slug=team.slug)
    return _render_settings(request, targets_form=form, status=status)


@team_view(needs="can_coordinate")
@require_POST
@sent_once
def bottleneck_category_add(request):
    team = request.team
    form = forms.CategoryForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            category = services.category_add(actor=request.user, team=team, name=form.cleaned_data["name"])
        except ActionRefused as refused:
            add_refusal(form, refused)
            status = _status_of(refused)
        else:
            messages.success(request, _("Category “%(name)s” has been added.") % {"name": category.name})
            return redirect("bottleneck_settings", team_slug=team.slug)
    return _render_settings(request, category_form=form, status=status)


# --- region -------------------------------------------------------------------------------------


@region_view(needs="can_oversee")
def region_escalations(request):
    region = request.region
    page, elsewhere = list_page(request, selectors.region_escalations(region=region), PAGE_SIZE)
    if elsewhere is not None:
        return redirect(elsewhere)
    page.object_list = selectors.escalation_waits(page.object_list, region=region)
    return render(request, "bottlenecks/region_escalations.html", {"region": region, "page": page})


@region_view
def region_patterns(request):
    region, rights = request.region, request.rights
    patterns = selectors.region_patterns(region=region, can_see_internal=rights.can_oversee)
    return render(request, "bottlenecks/region_patterns.html", {"region": region, "patterns": patterns})


REGION_ACTIONS = {"respond", "take-up", "hand-back"}


@region_view(needs="can_oversee")
@require_POST
def region_bottleneck_action(request, bottleneck_id, action):
    if action not in REGION_ACTIONS:
        raise Http404
    b = access_region_bottleneck(user=request.user, region=request.region, bottleneck_id=bottleneck_id)
    team = b.team
    rights = team_rights(user=request.user, team=team)
    request.rights = rights  # the team's page is shown on a refusal: its tabs as on that page
    b = access_bottleneck(user=request.user, team=team, bottleneck_id=b.pk)
    form = _action_forms(rights, b, [], action, request.POST)[action.replace("-", "_")]
    try:
        if not form.is_valid():
            raise ActionRefused(next(iter(form.errors.values()))[0])
        version = _version(form)
        if action == "respond":
            services.bottleneck_region_respond(
                actor=request.user, bottleneck=b, version=version, note=form.cleaned_data["note"]
            )
            message = _("Your response has been recorded.")
        elif action == "take-up":
            services.bottleneck_region_take_up(
                actor=request.user, bottleneck=b, version=version, note=form.cleaned_data["note"]
            )
            message = _("The region has taken this up.")
        else:
            services.bottleneck_region_hand_back(
                actor=request.user, bottleneck=b, version=version, advice=form.cleaned_data["advice"]
            )
            message = _("Handed back to the team with your advice.")
    except ActionRefused as refused:
        if refused.code == "already":
            messages.info(request, refused.message)
            return redirect(reverse("bottleneck_detail", kwargs={"team_slug": team.slug, "bottleneck_id": b.pk}))
        return _refused(request, team, rights, b, action, refused)
    messages.success(request, message)
    return redirect(reverse("bottleneck_detail", kwargs={"team_slug": team.slug, "bottleneck_id": b.pk}))
