"""Agreement pages. Thin: parse input, resolve ids with access helpers, call services and selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wijkverband.agreements import policy, selectors, services
from wijkverband.agreements.access import access_agreement, access_indicator, access_party
from wijkverband.agreements.charts import indicator_chart_svg
from wijkverband.agreements.forms import (
    AgreementForm,
    CompareForm,
    ConsentForm,
    EndForm,
    EndorseForm,
    ExternalPartyForm,
    IndicatorForm,
    ListFilterForm,
    MeasurementForm,
    OrganisationPartyForm,
)
from wijkverband.agreements.models import Status
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.exports import FORMATS, table_response
from wijkverband.core.guard import ClientDataRefused
from wijkverband.core.listfilters import filtered_page, list_response, refused_export
from wijkverband.core.markdown import render_markdown
from wijkverband.core.once import sent_once
from wijkverband.core.paging import list_page
from wijkverband.core.registry import render_item_panels
from wijkverband.tenancy.entry import team_view
from wijkverband.tenancy.selectors import team_professional_users
from wijkverband.threads.models import SubjectKind
from wijkverband.threads.panels import subject_thread_panel

NAV_KEY = "agreements"


def _to_detail(agreement):
    return redirect("agreement_detail", team_slug=agreement.team.slug, agreement_id=agreement.pk)


def _page(request, queryset, per_page=selectors.PAGE_SIZE):
    """The page the address asks for (core.paging), and where to send the person if it names another."""
    return list_page(request, queryset, per_page)


@team_view(needs="can_view_agreements")
@require_GET
def agreement_list(request):
    team, rights = request.team, request.rights
    form = _list_filter_form(request)
    # An external party has no filters (its list is short): words in the address would search
    # text it does not read, such as a pending version it is no party to.
    filters = form.filters() if rights.can_view else selectors.ListFilters()
    # An external party sees only the agreements its organisation is party to.
    external = None if rights.can_view else rights.organisation_id
    page, elsewhere = filtered_page(
        request,
        form,
        selectors.agreement_list(team=team, filters=filters, organisation_id=external),
        selectors.PAGE_SIZE,
    )
    if elsewhere is not None:
        return redirect(elsewhere)
    for agreement in page.object_list:
        agreement.review_due = selectors.is_review_due(agreement)
        agreement.shown = selectors.shown_version(agreement)
    folded = (filters.status, filters.party, filters.owner, filters.review_due)  # under "Meer filters"
    return list_response(
        request,
        "agreements/list.html",
        {
            "team": team,
            "rights": rights,
            "form": form,
            "page": page,
            "filtered": any([*folded, filters.q]) or (rights.can_view and bool(form.errors)),
            "querystring": form.query_string,
            # The filters beyond the search box fold away until used: how many of them are set now.
            "more_filters_set": sum(1 for value in folded if value),
            "nav_key": NAV_KEY,
        },
        form=form,
    )


def _list_filter_form(request) -> ListFilterForm:
    team = request.team
    return ListFilterForm(
        request.GET or None,
        party_choices=selectors.party_filter_choices(team=team),
        owner_choices=selectors.owner_choices(team=team),
    )


def _version_form_data(form) -> dict:
    return {key: value for key, value in form.cleaned_data.items() if key != "base_version"}


@team_view(needs="can_contribute")
@sent_once
def agreement_create(request):
    team, rights = request.team, request.rights
    form = AgreementForm(
        request.POST or None, owners=team_professional_users(team=team), initial={"owner": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, team=team, data=_version_form_data(form))
        except ActionRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("The agreement has been saved as a concept."))
            return _to_detail(agreement)
    return render(
        request,
        "agreements/form.html",
        {"team": team, "rights": rights, "form": form, "agreement": None, "nav_key": NAV_KEY},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(agreement, rights, *, version=None) -> dict:
    """What the detail and print pages show of `version` (None: the newest): its text, its parties
    with their decisions on it, and its check."""
    version = version or agreement.current_version
    current = version.pk == agreement.current_version_id
    parties = selectors.party_rows(agreement=agreement, version=version)
    indicators = selectors.indicators_with_measurements(agreement=agreement)
    # One decides on the newest version only (the endorse form is for it).
    my_party = next((row for row in parties if row.party.organisation_id == rights.organisation_id), None)
    return {
        "team": agreement.team,
        "rights": rights,
        "agreement": agreement,
        "version": version,
        "body_html": render_markdown(version.body, top_heading=3),  # under "The agreement" (h2)
        "need_html": render_markdown(version.need, top_heading=3),  # under "The need it answers" (h2)
        "sources_html": render_markdown(version.sources, top_heading=4),  # under "Sources" (h3)
        "parties": parties,
        "my_party": my_party if current else None,
        "indicators": indicators,
        "check": selectors.accountability_check(
            version=version, parties=parties, indicators=indicators, current=current
        ),
        # The newest version when the page shows an older one: pending, or never adopted (ended).
        "pending": agreement.current_version if agreement.has_pending_version and not current else None,
        "never_adopted": agreement.current_version if agreement.ended_with_pending_version and not current else None,
        "review_due": selectors.is_review_due(agreement),
        "nav_key": NAV_KEY,
    }


def _readable_numbers(agreement, rights) -> set[int]:
    """The versions the person reads: all, or for an external party's account those its
    organisation is party to (it reads no text it does not decide on)."""
    if rights.can_view:
        return set(range(1, agreement.version_count + 1))
    return selectors.party_version_numbers(agreement=agreement, organisation_id=rights.organisation_id)


def _shown_version(agreement, readable: set[int]):
    """The version the detail page shows: the newest; of an ended agreement whose newest version
    was never adopted, the version in force until the end. An external party reads the other of
    the two when it is no party to that one (removed from the pending version, or added to it)."""
    shown = agreement.adopted_version if agreement.ended_with_pending_version else agreement.current_version
    if shown.number not in readable:
        other = agreement.adopted_version if shown.pk == agreement.current_version_id else agreement.current_version
        if other is not None and other.number in readable:
            return other
    return shown


@team_view
@require_GET
def agreement_export(request, fmt):
    """The list as filtered, for a spreadsheet (core/exports.py): review dates and targets included."""
    team = request.team
    if fmt not in FORMATS:
        raise Http404
    form = _list_filter_form(request)
    refused = refused_export(request, form, list_url=reverse("agreement_list", kwargs={"team_slug": team.slug}))
    if refused is not None:
        return refused
    filters = form.filters()
    header = [
        _("Number"),
        _("Title"),
        _("Status"),
        _("Owner"),
        _("Version"),
        _("Version in force"),
        _("Start date"),
        _("Review date"),
        _("Parties"),
        _("Endorsed"),
        _("Indicators and targets"),
    ]
    return table_response(
        fmt,
        filename=f"afspraken-{team.slug}-{timezone.localdate().isoformat()}",
        header=header,
        rows=selectors.agreement_export_rows(team=team, filters=filters),
        sheet_title=str(_("Agreements")),
    )


@team_view(needs="can_view_agreements")
@require_GET
def agreement_detail(request, agreement_id):
    agreement = access_agreement(user=request.user, team=request.team, agreement_id=agreement_id)
    return _detail_page(request, agreement)


def _detail_page(request, agreement, *, end_form=None, endorse_form=None, status=200):
    """The agreement's page; with a bound `end_form` or `endorse_form`: shown again with its
    refusal at the field and the reason typed kept (the end form open)."""
    team, rights = request.team, request.rights
    readable = _readable_numbers(agreement, rights)
    context = _detail_context(agreement, rights, version=_shown_version(agreement, readable))
    # "See what changed" only when the person reads the version in force too (an external party
    # added to the pending version reads that one only: the comparison would refuse).
    context["compares_in_force"] = agreement.has_pending_version and agreement.adopted_version.number in readable
    context["events"] = selectors.recent_events(agreement=agreement)
    # Apps above this one show what they hold of the agreement (the region's offer it came from).
    context["item_panels"] = render_item_panels(
        subject="agreement", request=request, team=team, rights=rights, item=agreement
    )
    # Two forms with a "reason" field on one page: distinct ids, same field names.
    context["end_form"] = end_form or EndForm(auto_id="end_%s")
    context["endorse_form"] = endorse_form or EndorseForm(
        auto_id="endorse_%s", initial={"version": agreement.version_count}
    )
    # Only those who may end it are offered the end (the owner and coordinators).
    context["may_end"] = policy.may_end(rights, agreement)
    # An external party reads the agreement, not the team's discussion of it.
    context["thread_panel"] = (
        subject_thread_panel(
            request=request,
            team=team,
            rights=request.rights,
            kind=SubjectKind.AGREEMENT,
            subject_id=agreement.pk,
        )
        if rights.can_view
        else None
    )
    return render(request, "agreements/detail.html", context, status=status)


def _refused_reason(form, refused: ActionRefused) -> None:
    """A refusal of an end or a decision, on its form: about the reason (missing, client data in
    it) at that field, anything else above the form. The text typed stays in the form."""
    if refused.code == "forbidden":
        raise PermissionDenied from refused
    about_reason = refused.field == "reason" or isinstance(refused, ClientDataRefused)
    form.add_error("reason" if about_reason else None, refused.message)


@team_view(needs="can_contribute")
def agreement_edit(request, agreement_id):
    team, rights = request.team, request.rights
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    version = agreement.current_version
    if agreement.status == Status.ENDED:
        messages.error(request, _("This agreement has ended: it can no longer be changed."))
        return _to_detail(agreement)
    initial = {name: getattr(version, name) for name in services.VERSION_FIELDS}
    initial["owner"] = version.owner_id
    initial["base_version"] = agreement.version_count
    form = AgreementForm(request.POST or None, owners=team_professional_users(team=team), initial=initial)
    # A concept may be sketched without its text; once proposed, the parties endorse the text.
    form.fields["body"].required = agreement.status != Status.CONCEPT
    theirs = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            base = form.cleaned_data.get("base_version")
            try:
                if base is None:
                    raise ActionRefused(_("The form is incomplete: open the agreement and edit it again."))
                services.agreement_edit(
                    actor=request.user, agreement=agreement, base_version=base, data=_version_form_data(form)
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
                if refused.code == "conflict":
                    # Show their version next to the person's own (unsaved) text; a second save
                    # on purpose goes on top of theirs.
                    status = 409
                    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement.pk)
                    theirs = agreement.current_version
                    data = request.POST.copy()
                    data["base_version"] = str(agreement.version_count)
                    form.data = data
            else:
                messages.success(request, _("Saved as a new version."))
                return _to_detail(agreement)
    return render(
        request,
        "agreements/form.html",
        {
            "team": team,
            "rights": rights,
            "form": form,
            "agreement": agreement,
            "theirs": theirs,
            "theirs_body_html": render_markdown(theirs.body, top_heading=4) if theirs else "",  # under its title (h3)
            "nav_key": NAV_KEY,
        },
        status=status,
    )


@team_view(needs="can_contribute")
@require_POST
def agreement_transition(request, agreement_id):
    team = request.team
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    action = request.POST.get("action", "")
    try:
        if action == "propose":
            services.agreement_propose(actor=request.user, agreement=agreement)
            messages.success(request, _("The agreement is proposed: every party can now endorse it."))
        elif action == "adopt":
            services.agreement_adopt(actor=request.user, agreement=agreement)
            messages.success(request, _("The agreement is adopted."))
        elif action == "end":
            return _agreement_end(request, agreement)
        else:
            raise ActionRefused(_("Unknown action."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return _to_detail(agreement)


def _agreement_end(request, agreement):
    form = EndForm(request.POST, auto_id="end_%s")
    # The service says what is wrong with the reason (none given, client data), at the field.
    reason = form.data.get("reason", "")
    try:
        services.agreement_end(actor=request.user, agreement=agreement, reason=reason)
    except ActionRefused as refused:
        form.is_valid()
        form.errors.pop("reason", None)  # the service's words for it, not the form's "required"
        _refused_reason(form, refused)
        return _detail_page(request, agreement, end_form=form, status=400)
    messages.success(request, _("The agreement has ended."))
    return _to_detail(agreement)


@team_view(needs="can_endorse")
@require_POST
def agreement_endorse(request, agreement_id):
    team = request.team
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    form = EndorseForm(request.POST, auto_id="endorse_%s")
    if not form.is_valid() and set(form.errors) == {"reason"}:
        return _detail_page(request, agreement, endorse_form=form, status=400)  # too long: at the field
    if not form.is_valid():
        messages.error(request, _("Choose to endorse or to decline, for the version on the page."))
        return _to_detail(agreement)
    data = form.cleaned_data
    try:
        endorsement = services.endorsement_record(
            actor=request.user,
            agreement=agreement,
            version_number=data["version"],
            decision=data["decision"],
            reason=data["reason"],
        )
    except ActionRefused as refused:
        _refused_reason(form, refused)
        return _detail_page(request, agreement, endorse_form=form, status=400)
    else:
        if endorsement.decision == "endorsed":
            messages.success(request, _("Endorsed on behalf of %(party)s.") % {"party": endorsement.party.name})
        else:
            messages.success(request, _("Declined on behalf of %(party)s.") % {"party": endorsement.party.name})
    return _to_detail(agreement)


@team_view
def agreement_parties(request, agreement_id):
    team, rights = request.team, request.rights
    if request.method == "POST" and not policy.may_change(rights):
        raise PermissionDenied
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    which = request.POST.get("form") if request.method == "POST" else None
    organisation_form = OrganisationPartyForm(
        request.POST if which == "organisation" else None,
        organisations=selectors.party_organisation_choices(agreement=agreement),
    )
    external_form = ExternalPartyForm(request.POST if which == "external" else None)
    status = 200
    if which in ("organisation", "external"):
        form = organisation_form if which == "organisation" else external_form
        status = 400
        if form.is_valid():
            try:
                if which == "organisation":
                    party = services.party_add_organisation(
                        actor=request.user, agreement=agreement, organisation=form.cleaned_data["organisation"]
                    )
                else:
                    party = services.party_add_external(
                        actor=request.user,
                        agreement=agreement,
                        kind=form.cleaned_data["kind"],
                        name=form.cleaned_data["name"],
                    )
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("%(name)s is now a party.") % {"name": party.name})
                return redirect("agreement_parties", team_slug=team.slug, agreement_id=agreement.pk)
    elif request.method == "POST":
        messages.error(request, _("Unknown action."))
        return redirect("agreement_parties", team_slug=team.slug, agreement_id=agreement.pk)
    return render(
        request,
        "agreements/parties.html",
        {
            "team": team,
            "rights": rights,
            "agreement": agreement,
            "parties": selectors.party_rows(agreement=agreement),
            "organisation_form": organisation_form,
            "external_form": external_form,
            "nav_key": NAV_KEY,
        },
        status=status,
    )


@team_view(needs="can_contribute")
@require_POST
def party_remove(request, agreement_id, party_id):
    team = request.team
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    party = access_party(user=request.user, team=team, agreement=agreement, party_id=party_id)
    try:
        removed = services.party_remove(actor=request.user, agreement=agreement, party=party)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        if removed.left_version is not None:  # still bound by the version in force
            message = _("%(name)s is no longer a party from version %(number)s.") % {
                "name": removed.name,
                "number": removed.left_version,
            }
        else:
            message = _("%(name)s is no longer a party.") % {"name": removed.name}
        messages.success(request, message)
    return redirect("agreement_parties", team_slug=team.slug, agreement_id=agreement.pk)


@team_view(needs="can_contribute")
def party_consent(request, agreement_id, party_id):
    team, rights = request.team, request.rights
    if not policy.may_record_consent(rights):
        raise PermissionDenied  # members endorse for their own organisation instead
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    party = access_party(user=request.user, team=team, agreement=agreement, party_id=party_id)
    if refused := _form_refused(request, agreement, services.require_endorsable_version, agreement.version_count):
        return refused
    form = ConsentForm(request.POST or None, initial={"version": agreement.version_count})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.consent_record(
                    actor=request.user,
                    agreement=agreement,
                    party=party,
                    version_number=data["version"],
                    given_on=data["given_on"],
                    where_given=data["where_given"],
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
                status = 403 if refused.code == "forbidden" else 400 if refused.field else 409
            else:
                messages.success(request, _("The consent of %(name)s is recorded.") % {"name": party.name})
                return _to_detail(agreement)
    return render(
        request,
        "agreements/consent.html",
        {"team": team, "rights": rights, "agreement": agreement, "party": party, "form": form, "nav_key": NAV_KEY},
        status=status,
    )


def _form_refused(request, agreement, check, *args):
    """A form the service would refuse whatever is typed (the agreement has ended, say) is not
    shown to be filled in: back to the agreement with the reason. A POST still goes to the
    service, which refuses it at the form, keeping what was typed."""
    if request.method == "POST":
        return None
    try:
        check(agreement, *args)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return _to_detail(agreement)
    return None


@team_view(needs="can_contribute")
@sent_once
def indicator_create(request, agreement_id):
    team, rights = request.team, request.rights
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    if refused := _form_refused(request, agreement, services.require_open):
        return refused
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ActionRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("The indicator has been added."))
            return _to_detail(agreement)
    return render(
        request,
        "agreements/indicator_form.html",
        {"team": team, "rights": rights, "agreement": agreement, "form": form, "nav_key": NAV_KEY},
        status=400 if request.method == "POST" else 200,
    )


@team_view(needs="can_contribute")
@sent_once
def measurement_create(request, agreement_id, indicator_id):
    team, rights = request.team, request.rights
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    indicator = access_indicator(user=request.user, team=team, agreement=agreement, indicator_id=indicator_id)
    if refused := _form_refused(request, agreement, services.require_open):
        return refused
    form = MeasurementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_record(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ActionRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("The measurement has been recorded."))
            return _to_detail(agreement)
    return render(
        request,
        "agreements/measurement_form.html",
        {
            "team": team,
            "rights": rights,
            "agreement": agreement,
            "indicator": indicator,
            "form": form,
            "nav_key": NAV_KEY,
        },
        status=400 if request.method == "POST" else 200,
    )


@team_view(needs="can_view_agreements")
@require_GET
def indicator_chart(request, agreement_id, indicator_id):
    team = request.team
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    indicator = access_indicator(user=request.user, team=team, agreement=agreement, indicator_id=indicator_id)
    svg = indicator_chart_svg(indicator=indicator, measurements=selectors.indicator_measurements(indicator=indicator))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    return response


@team_view(needs="can_view_agreements")
@require_GET
def agreement_versions(request, agreement_id):
    team, rights = request.team, request.rights
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    readable = _readable_numbers(agreement, rights)
    page, elsewhere = _page(
        request,
        selectors.agreement_versions(agreement=agreement, numbers=None if rights.can_view else readable),
    )
    if elsewhere is not None:
        return redirect(elsewhere)
    newest = max(readable)
    # Two versions to compare, or no form (an external party may read one version only).
    form = CompareForm(initial={"a": sorted(readable)[-2], "b": newest}) if len(readable) > 1 else None
    return render(
        request,
        "agreements/versions.html",
        {
            "team": team,
            "rights": rights,
            "agreement": agreement,
            "agreement_title": _shown_version(agreement, readable).title,
            "page": page,
            "readable": readable,
            "form": form,
            "nav_key": NAV_KEY,
        },
    )


@team_view(needs="can_view_agreements")
@require_GET
def agreement_compare(request, agreement_id):
    team, rights = request.team, request.rights
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    readable = _readable_numbers(agreement, rights)
    newest = max(readable)
    context = {
        "team": team,
        "rights": rights,
        "agreement": agreement,
        "agreement_title": _shown_version(agreement, readable).title,
        "nav_key": NAV_KEY,
    }
    if len(readable) < 2:
        # Nothing to compare (an external party added to the pending version reads that one only):
        # say so plainly rather than ask to choose two of one.
        return render(
            request,
            "agreements/compare.html",
            {**context, "only_version": newest},
            # Asked for a version it does not read: a question that cannot be answered.
            status=400 if any(request.GET.get(k, str(newest)) != str(newest) for k in ("a", "b")) else 200,
        )
    # Opened without a choice: the two newest versions the person reads, compared (the page showed
    # only the form, which left the question unanswered).
    newest_two = {"a": sorted(readable)[-2], "b": newest}
    form = CompareForm(request.GET if ("a" in request.GET or "b" in request.GET) else newest_two, initial=newest_two)
    comparisons, before, after, parties = None, None, None, None
    status = 200
    if form.is_bound and form.is_valid():
        if {form.cleaned_data["a"], form.cleaned_data["b"]} <= readable:
            before = selectors.agreement_version(agreement=agreement, number=form.cleaned_data["a"])
            after = selectors.agreement_version(agreement=agreement, number=form.cleaned_data["b"])
        if before is None or after is None:
            form.add_error(None, _versions_to_choose(agreement, rights, readable))
        else:
            comparisons = selectors.versions_compare(before=before, after=after)
            parties = selectors.party_changes(before=before, after=after)
    if form.is_bound and comparisons is None:
        status = 400
    return render(
        request,
        "agreements/compare.html",
        {
            **context,
            "form": form,
            "before": before,
            "after": after,
            "comparisons": comparisons,
            "parties": parties,
        },
        status=status,
    )


def _versions_to_choose(agreement, rights, readable: set[int]) -> str:
    if rights.can_view:
        return _("This agreement has versions 1 to %(count)s: choose two of those.") % {
            "count": agreement.version_count
        }
    return _("Your organisation is party to these versions of the agreement: %(numbers)s. Choose two of those.") % {
        "numbers": ", ".join(str(number) for number in sorted(readable))
    }


@team_view
@require_GET
def agreement_history(request, agreement_id):
    team, rights = request.team, request.rights
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    page, elsewhere = _page(request, selectors.agreement_events(agreement=agreement), per_page=50)
    if elsewhere is not None:
        return redirect(elsewhere)
    return render(
        request,
        "agreements/history.html",
        {"team": team, "rights": rights, "agreement": agreement, "page": page, "nav_key": NAV_KEY},
    )


@team_view
@require_GET
def agreement_print(request, agreement_id):
    """The accountability page: the version in force (a newer one awaiting endorsements is only
    named as pending; of an ended agreement, the one in force until the end), its parties and their
    decisions on it, indicators with all measurements, history."""
    team, rights = request.team, request.rights
    agreement = access_agreement(user=request.user, team=team, agreement_id=agreement_id)
    # The version in force: while a newer one is pending, or until the end when the newest was
    # never adopted.
    in_force = agreement.has_pending_version or agreement.ended_with_pending_version
    context = _detail_context(agreement, rights, version=agreement.adopted_version if in_force else None)
    context["indicators"] = selectors.indicators_with_measurements(agreement=agreement, limit=None)
    context["events"] = list(selectors.agreement_events(agreement=agreement)[:500])
    # Who owns the agreement now (the owner of its newest version: whoever took it over when its
    # owner left the team), and who owned the version shown when that is someone else.
    owner, version_owner = agreement.current_version.owner, context["version"].owner
    in_team = selectors.in_team_ids(team=team, user_ids={owner.pk, version_owner.pk})
    context["owner"], context["owner_left"] = owner, owner.pk not in in_team
    context["version_owner"] = version_owner if version_owner.pk != owner.pk else None
    context["version_owner_left"] = version_owner.pk not in in_team
    return render(request, "agreements/print.html", context)
