"""Social map pages, for a team (/t/<team>/sociale-kaart/) and for the region
(/r/<region>/sociale-kaart/). Thin: resolve access, parse the form, call a service or selector.

Both kinds of page share one implementation: `Page` says whose kaart it is (a team's: its own
entries and the region-wide ones; the region's: all of them) and names its URLs.
"""

import time
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkverband.core import same_name
from wijkverband.core.conflicts import conflict_context
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.listfilters import filtered_page, list_response, refused_export
from wijkverband.core.once import sent_once
from wijkverband.socialmap import csvio, forms, selectors, services
from wijkverband.socialmap.access import access_entry, access_region_entry, access_suggestion
from wijkverband.socialmap.policy import is_representative, may_add, may_edit, may_suggest
from wijkverband.tenancy.entry import region_view, team_view

PAGE_SIZE = 50
STATUS_FOR_CODE = {"stale": 409, "forbidden": 403}


@dataclass
class Page:
    """Whose kaart a page shows: a team's (team set) or the region's (team None)."""

    team: object
    region: object
    rights: object

    @property
    def is_team(self) -> bool:
        return self.team is not None

    def url(self, name: str, **kwargs) -> str:
        if self.is_team:
            return reverse(f"socialmap_{name}", kwargs={"team_slug": self.team.slug, **kwargs})
        return reverse(f"socialmap_region_{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    @property
    def list_url(self) -> str:
        return self.url("list")

    @property
    def create_url(self) -> str:
        return self.url("create")

    @property
    def import_url(self) -> str:
        return self.url("import")

    @property
    def export_url(self) -> str:
        return self.url("export")

    @property
    def may_add(self) -> bool:
        return may_add(self.rights)

    @property
    def representative(self) -> bool:
        return is_representative(self.rights)

    def entry(self, request, entry_id):
        if self.is_team:
            return access_entry(user=request.user, team=self.team, entry_id=entry_id)
        return access_region_entry(user=request.user, region=self.region, entry_id=entry_id)

    def keeps(self, entry) -> bool:
        """Whether this page is where the entry is kept: its own team's, or the region's for a
        region-wide one (edits happen there)."""
        return entry.team_id == self.team.pk if self.is_team else entry.team_id is None


def _team_page(request) -> Page:
    return Page(team=request.team, region=request.team.region, rights=request.rights)


def _region_page(request) -> Page:
    return Page(team=None, region=request.region, rights=request.rights)


def _home(entry) -> Page:
    """The page the entry is kept on (for the links to edit it)."""
    return Page(team=entry.team, region=entry.region, rights=None)


def _status_of(refused: ActionRefused) -> int:
    return STATUS_FOR_CODE.get(refused.code, 400)


def _context(page: Page, **values) -> dict:
    return {"page": page, "team": page.team, "region": page.region, "rights": page.rights, **values}


# --- list and export ------------------------------------------------------------------------------


def _filter_form(request, page: Page) -> forms.FilterForm:
    teams = [] if page.is_team else selectors.region_teams(region=page.region)
    return forms.FilterForm(request.GET or None, team=page.team, teams=teams)


def _queryset(page: Page, filters):
    if page.is_team:
        return selectors.team_entries(team=page.team, filters=filters)
    return selectors.region_entries(region=page.region, filters=filters)


#: The filters under "Meer filters" (list.html): the form's yes/no checks.
CHECK_FILTERS = ("dementia_friendly", "wheelchair_accessible", "free", "public", "stale")


def _list(request, page: Page):
    form = _filter_form(request, page)
    queryset = _queryset(page, form.filters())
    # Page over the ids alone, then fetch that page's rows with their related rows.
    page_of, elsewhere = filtered_page(request, form, queryset.values_list("pk", flat=True), PAGE_SIZE)
    if elsewhere is not None:
        return redirect(elsewhere)
    entries = selectors.entries_in_order(queryset=queryset, ids=list(page_of.object_list))
    today = timezone.localdate()
    for entry in entries:
        entry.page_url = page.url("detail", entry_id=entry.pk)
        entry.is_stale_now = entry.is_stale(entry.reconfirm_months, today)
    page_of.object_list = entries
    query = form.query
    return list_response(
        request,
        "socialmap/list.html",
        _context(
            page,
            form=form,
            results=page_of,
            query=query.urlencode(),
            filtered=bool(query) or bool(form.refused),
            more_filters_set=sum(1 for name in CHECK_FILTERS if query.get(name)),
        ),
        form=form,
    )


def _export(request, page: Page):
    form = _filter_form(request, page)
    refused = refused_export(request, form, list_url=page.list_url)
    if refused is not None:
        return refused
    filters = form.filters()
    queryset = _queryset(page, filters).select_related("team")
    today = timezone.localdate()
    response = StreamingHttpResponse(
        csvio.export_rows(queryset.iterator(chunk_size=2000), today=today), content_type="text/csv; charset=utf-8"
    )
    owner = page.team.slug if page.is_team else page.region.slug
    response["Content-Disposition"] = f'attachment; filename="sociale-kaart-{owner}-{today.isoformat()}.csv"'
    return response


# --- one entry ------------------------------------------------------------------------------------


def _detail(request, page: Page, entry_id, *, handling=None, status: int = 200):
    """`handling`: a suggestion's answer form that was refused, shown again at its suggestion with
    the person's text and the error at the field (not a redirect that loses what they typed)."""
    entry = page.entry(request, entry_id)
    can_edit = may_edit(user=request.user, entry=entry)
    home = _home(entry)
    suggestions = selectors.entry_suggestions(entry=entry, user=request.user, can_handle=can_edit)
    for suggestion in suggestions:
        if can_edit and suggestion.status == "open":
            suggestion.handle_url = home.url("handle", entry_id=entry.pk, suggestion_id=suggestion.pk)
            if handling is not None and handling.suggestion_id == suggestion.pk:
                suggestion.handle_form = handling
            else:
                suggestion.handle_form = forms.HandleForm(suggestion_id=suggestion.pk)
    return render(
        request,
        "socialmap/detail.html",
        _context(
            page,
            entry=entry,
            stale=entry.stale,
            can_edit=can_edit,
            edit_url=home.url("edit", entry_id=entry.pk),
            remove_url=home.url("remove", entry_id=entry.pk),
            confirm_url=home.url("confirm", entry_id=entry.pk),
            suggest_url=page.url("suggest", entry_id=entry.pk),
            can_suggest=may_suggest(user=request.user, rights=page.rights, entry=entry),
            suggestion_form=forms.SuggestionForm(),
            suggestions=suggestions,
        ),
        status=status,
    )


def _maintainers(page: Page):
    return list(selectors.maintainer_choices(team=page.team, region=page.region))


def _entry_data(cleaned: dict) -> dict:
    return {name: cleaned[name] for name in (*services.ENTRY_FIELDS, "maintainer")}


def _create(request, page: Page):
    if not page.may_add:
        raise PermissionDenied
    form = forms.EntryForm(request.POST or None, maintainers=_maintainers(page))
    status, warning = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            warning = _same_name(form, page)
        if form.is_valid():
            try:
                entry = services.entry_create(
                    actor=request.user, team=page.team, region=page.region, data=_entry_data(form.cleaned_data)
                )
            except ActionRefused as refused:
                if refused.code == "forbidden":
                    raise PermissionDenied from refused
                add_refusal(form, refused)
            else:
                messages.success(request, _("“%(name)s” is on the social map.") % {"name": entry.name})
                return redirect(page.url("detail", entry_id=entry.pk))
    return render(request, "socialmap/form.html", _context(page, form=form, same_name=warning), status=status)


def _same_name(form, page: Page, *, renamed=None) -> same_name.SameName | None:
    """An entry of this name on this kaart already: said at the name, linked, until the person goes
    on anyway (core.same_name). `renamed`: the entry being edited, when its name changes (the entry
    itself is no second one; keeping its name, or another spelling of it, is never warned about)."""
    name = form.cleaned_data["name"]
    if renamed is not None and same_name.same(name, renamed.name):
        return None
    entries = selectors.same_name_entries(team=page.team, region=page.region, name=name, renamed=renamed)
    return same_name.stop_first_send(
        form,
        field="name",
        name=name,
        items=[(_same_name_label(entry, page), page.url("detail", entry_id=entry.pk)) for entry in entries],
        message=_("There is already an entry with this name on this social map."),
        go_on_label=_("Add a new entry anyway") if renamed is None else _("Save with this name anyway"),
    )


def _same_name_label(entry, page: Page) -> str:
    """ "De Buurtkamer · Ontmoetingsplek · Utrecht", on the region's kaart with whose it is."""
    parts = [entry.name, entry.get_kind_display(), entry.place]
    if not page.is_team:
        parts.append(entry.team.name if entry.team is not None else page.region.name)
    return " · ".join(str(part) for part in parts if part)


def _editable(request, page: Page, entry_id):
    entry = page.entry(request, entry_id)
    if not page.keeps(entry) or not may_edit(user=request.user, entry=entry):
        raise PermissionDenied
    return entry


def _initial(entry) -> dict:
    initial = {name: getattr(entry, name) for name in services.ENTRY_FIELDS}
    initial.update(maintainer=entry.maintainer_id, version=entry.version)
    return initial


def _edit(request, page: Page, entry_id):
    entry = _editable(request, page, entry_id)
    form = forms.EntryForm(request.POST or None, initial=_initial(entry), maintainers=_maintainers(page))
    status, conflict, warning = 200, {}, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            warning = _same_name(form, page, renamed=entry)
        if form.is_valid():
            try:
                services.entry_edit(
                    actor=request.user,
                    entry=entry,
                    data=_entry_data(form.cleaned_data),
                    version=form.cleaned_data.get("version"),
                )
            except ActionRefused as refused:
                if refused.code == "forbidden":
                    raise PermissionDenied from refused
                status = _status_of(refused)
                add_refusal(form, refused)
                if refused.code == "stale":
                    # Someone else saved it first: the form goes on from the stored version.
                    conflict = conflict_context(
                        form, read_current=lambda: page.entry(request, entry_id), initial_of=_initial
                    )
            else:
                messages.success(request, _("Saved and confirmed: “%(name)s”.") % {"name": entry.name})
                return redirect(page.url("detail", entry_id=entry.pk))
    return render(
        request,
        "socialmap/form.html",
        _context(page, form=form, entry=entry, same_name=warning, **conflict),
        status=status,
    )


def _remove(request, page: Page, entry_id):
    entry = _editable(request, page, entry_id)
    if request.method == "POST":
        services.entry_remove(actor=request.user, entry=entry)
        messages.success(request, _("“%(name)s” has been removed from the social map.") % {"name": entry.name})
        return redirect(page.list_url)
    return render(request, "socialmap/remove.html", _context(page, entry=entry))


def _confirm(request, page: Page, entry_id):
    entry = _editable(request, page, entry_id)
    try:
        services.entry_confirm(actor=request.user, entry=entry)
    except ActionRefused as refused:  # removed meanwhile (its lock waited for the removal)
        if refused.code == "forbidden":
            raise PermissionDenied from refused
        messages.error(request, refused.message)
        return redirect(page.list_url)
    messages.success(request, _("Confirmed: “%(name)s” is still right.") % {"name": entry.name})
    return redirect(page.url("detail", entry_id=entry.pk))


def _suggest(request, page: Page, entry_id):
    entry = page.entry(request, entry_id)
    if not may_suggest(user=request.user, rights=page.rights, entry=entry):
        raise PermissionDenied
    form = forms.SuggestionForm(request.POST)
    if form.is_valid():
        try:
            services.suggestion_create(actor=request.user, entry=entry, team=page.team, body=form.cleaned_data["body"])
        except ActionRefused as refused:
            if refused.code == "forbidden":
                raise PermissionDenied from refused
            add_refusal(form, refused, default="body")
        else:
            messages.success(request, _("Thank you: your suggestion has been sent to whoever keeps this entry."))
            return redirect(page.url("detail", entry_id=entry.pk))
    return render(
        request,
        "socialmap/suggest.html",
        _context(page, entry=entry, suggestion_form=form, suggest_url=page.url("suggest", entry_id=entry.pk)),
        status=400,
    )


def _handle(request, page: Page, entry_id, suggestion_id):
    entry = _editable(request, page, entry_id)
    suggestion = access_suggestion(user=request.user, entry=entry, suggestion_id=suggestion_id)
    form = forms.HandleForm(request.POST, suggestion_id=suggestion.pk)
    status = 400
    if form.is_valid():
        try:
            services.suggestion_handle(
                actor=request.user,
                suggestion=suggestion,
                applied=form.cleaned_data["decision"] == "applied",
                answer=form.cleaned_data["answer"],
            )
        except ActionRefused as refused:
            if refused.code == "forbidden":
                raise PermissionDenied from refused
            if refused.code == "stale":  # answered or removed meanwhile: nothing left to answer here
                messages.error(request, refused.message)
                return redirect(page.url("detail", entry_id=entry.pk))
            add_refusal(form, refused, default="answer")
            status = _status_of(refused)
        else:
            messages.success(request, _("Whoever suggested it hears of your answer."))
            return redirect(page.url("detail", entry_id=entry.pk))
    # Shown again with the answer as typed and the error at it (the wijk card's correction form).
    return _detail(request, page, entry.pk, handling=form, status=status)


def _import(request, page: Page):
    if not page.may_add:
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            started = time.perf_counter()
            raw = upload.read(csvio.MAX_BYTES + 1)
            parsed = csvio.parse(raw)
            report = {
                "encoding": _(csvio.ENCODING_LABELS[parsed.encoding]) if parsed.encoding else "",
                "delimiter": _(csvio.DELIMITER_LABELS[parsed.delimiter]) if parsed.delimiter else "",
                "ignored": parsed.ignored_columns,
            }
            errors, done = parsed.errors, None
            if parsed.rows:  # every row is checked, also when the file has a problem of its own
                try:
                    done = services.entries_import(
                        actor=request.user,
                        team=page.team,
                        region=page.region,
                        rows=parsed.rows,
                        fields=parsed.fields,
                        file_errors=parsed.errors,
                    )
                except services.ImportRefused as refused:
                    errors = refused.errors
            if done is None:
                errors = parsed.report(errors)
                report.update(
                    errors=errors[: csvio.MAX_REPORTED],
                    more=max(0, len(errors) - csvio.MAX_REPORTED),
                    # Rows to correct, or the file as a whole (it could not be read, or is empty).
                    in_rows=any(number for number, _column, _message in errors),
                )
            else:
                status = 200
                report.update(done, seconds=round(time.perf_counter() - started, 1))
                form = forms.ImportForm()
    return render(
        request,
        "socialmap/import.html",
        _context(page, form=form, report=report, columns_help=csvio.import_help()),
        status=status,
    )


# --- the URLs: a team's kaart ---------------------------------------------------------------------


@team_view
def team_list(request):
    return _list(request, _team_page(request))


@team_view
def team_export(request):
    return _export(request, _team_page(request))


@team_view
def team_detail(request, entry_id):
    return _detail(request, _team_page(request), entry_id)


@team_view(needs="can_contribute")
@sent_once(asks_again=False)  # core/same_name.py asks
def team_create(request):
    return _create(request, _team_page(request))


@team_view(needs="can_contribute")
def team_import(request):
    return _import(request, _team_page(request))


@team_view(needs="can_contribute")
def team_edit(request, entry_id):
    return _edit(request, _team_page(request), entry_id)


@team_view(needs="can_contribute")
def team_remove(request, entry_id):
    return _remove(request, _team_page(request), entry_id)


@team_view(needs="can_contribute")
@require_POST
def team_confirm(request, entry_id):
    return _confirm(request, _team_page(request), entry_id)


@team_view
@require_POST
@sent_once
def team_suggest(request, entry_id):
    return _suggest(request, _team_page(request), entry_id)


@team_view(needs="can_contribute")
@require_POST
def team_handle(request, entry_id, suggestion_id):
    return _handle(request, _team_page(request), entry_id, suggestion_id)


# --- the URLs: the region's kaart -----------------------------------------------------------------


@region_view
def region_list(request):
    return _list(request, _region_page(request))


@region_view
def region_export(request):
    return _export(request, _region_page(request))


@region_view
def region_detail(request, entry_id):
    return _detail(request, _region_page(request), entry_id)


@region_view(needs="can_administer")
@sent_once(asks_again=False)  # core/same_name.py asks
def region_create(request):
    return _create(request, _region_page(request))


@region_view(needs="can_administer")
def region_import(request):
    return _import(request, _region_page(request))


@region_view(needs="can_administer")
def region_edit(request, entry_id):
    return _edit(request, _region_page(request), entry_id)


@region_view(needs="can_administer")
def region_remove(request, entry_id):
    return _remove(request, _region_page(request), entry_id)


@region_view(needs="can_administer")
@require_POST
def region_confirm(request, entry_id):
    return _confirm(request, _region_page(request), entry_id)


@region_view
@require_POST
@sent_once
def region_suggest(request, entry_id):
    return _suggest(request, _region_page(request), entry_id)


@region_view(needs="can_administer")
@require_POST
def region_handle(request, entry_id, suggestion_id):
    return _handle(request, _region_page(request), entry_id, suggestion_id)
