"""A list page's filters in its address (?q=…&status=…), and how a list answers when they hold client data.

A list's search box is free text a person writes, and its address is in the browser's history, in
the page's links (the pager, the export) and in the language form's `next`. So the filters pass the
one client-data guard (core/guard.py) as the site's search does (wijkverband/search/views.py): a
value with a BSN or a date of birth with a name is refused. The list is then not searched with it,
the page answers 400, and nothing of it is shown back: the box is empty, the pager's and export's
links and the language form's `next` are without it, and the message at the box names every kind
of client data it found, and nothing of what (refusal_message(..., shown=False)).

Every filter form of a list is a `GuardedFilterForm`; the list applies its `valid_data()` (a value
it does not know leaves out that filter alone, and says so); its views page with `filtered_page`, build
their links from `form.query_string`, and answer with `list_response` (a list) or
`refused_export` (a download).
"""

from urllib.parse import unquote_plus, urlsplit

from django import forms
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.translation import gettext_lazy as _

from wijkverband.core.clientdata import Finding, find_client_data
from wijkverband.core.guard import refusal_message, refusal_subject
from wijkverband.core.paging import list_page
from wijkverband.core.textsearch.query import MAX_LENGTH


def address_refusal(findings) -> str:
    """The refusal of a value in an address: "This text seems to contain client data: <each kind
    found>", without anything of what was found (the message is shown at an address anyone may open
    again). `findings`: what address_findings gave (or one Finding)."""
    return refusal_message(refusal_subject("", phrase=True), findings, shown=False)


def address_findings(values) -> list[Finding]:
    """Every client data in these values of one parameter of an address (empty: none). All of it, so
    the refusal names every kind found, as the guard's refusal at a form does: the first value's
    first finding alone named a BSN and kept quiet about the date of birth beside it."""
    return [finding for value in values if isinstance(value, str) for finding in find_client_data(value)]


class SearchField(forms.CharField):
    """A search box: the site's search and every list's, with the one limit (textsearch MAX_LENGTH)
    as the box's maxlength and the server's check. A longer text (typed past a box without its
    limit, or in the address) is not searched and the box says why, never cut: a cut query found
    what the person had not asked for."""

    default_error_messages = {
        "max_length": _("Search with at most %(limit_value)d characters; this text has %(show_value)d."),
    }

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}))
        super().__init__(label=label, max_length=MAX_LENGTH, **kwargs)
        # The widget's own type (an attribute "type" beside it rendered type="text" first, and
        # browsers take the first: a text box, not a search box, to assistive technology).
        self.widget.input_type = "search"


class GuardedFilterForm(forms.Form):
    """A list's filter form, bound to the address (request.GET). A field whose value in the address
    holds client data is left out before anything parses it (an invalid choice's message would
    repeat it) and carries the refusal; the others filter as usual."""

    #: Nothing is asked of anyone on a filter form: its fields carry no "(optional)" marker
    #: (includes/field.html), which on every filter was noise ("Status (niet verplicht)").
    asks_nothing = True

    def __init__(self, data=None, *args, **kwargs):
        self.refused: dict[str, list[Finding]] = {}
        if data is not None:
            for name in self.base_fields:
                findings = address_findings(data.getlist(name) if hasattr(data, "getlist") else [data.get(name)])
                if findings:
                    self.refused[name] = findings
            if self.refused:
                data = data.copy()
                for name in self.refused:
                    data.pop(name, None)
        super().__init__(data, *args, **kwargs)

    def full_clean(self):
        super().full_clean()
        for name, findings in self.refused.items():
            if name in self.fields:
                self.add_error(name, address_refusal(findings))

    def valid_data(self) -> dict:
        """The values of the filters that are valid, for the list to apply. A filter whose value is
        not (a choice the list does not know, a refused text) is left out alone, and the form's
        error says which: one such value dropped every filter of a list that asked is_valid()."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    @property
    def status(self) -> int:
        """The page's status: 400 when the address held client data."""
        return 400 if self.refused else 200

    @property
    def query(self) -> QueryDict:
        """The filters as the page's links keep them (the pager, the export, "clear filters"): the
        form's own parameters of the address, without what was refused and without the page."""
        query = QueryDict(mutable=True)
        if self.is_bound:
            for name in self.fields:
                if name in self.data and name != "page":
                    query.setlist(name, self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]])
        return query

    @property
    def query_string(self) -> str:
        return self.query.urlencode()


def filtered_page(request, form: GuardedFilterForm, object_list, per_page: int):
    """core.paging.list_page for a filtered list. After a refusal the list's first page, never a
    redirect: that would carry the address on, and the page that says why would not be shown."""
    if form.refused:
        return list_page(request, object_list, per_page, query=form.query)
    return list_page(request, object_list, per_page)


def list_response(request, template: str, context: dict, *, form: GuardedFilterForm) -> HttpResponse:
    """The list page; after a refusal with status 400 and the language form's `next` without the
    address's filters (base.html would repeat the whole address)."""
    if form.refused:
        context = {**context, "language_next": _path_with(request.path, form.query_string)}
    return render(request, template, context, status=form.status)


def refused_export(request, form: GuardedFilterForm, *, list_url: str) -> HttpResponse | None:
    """A download whose address holds client data: the 400 page with the refusal (nothing of it
    repeated), and the language form back to the list. None: the export may go ahead."""
    if not form.refused:
        return None
    # Every kind found in any of its filters: the page names no field, only what it found.
    problem = address_refusal([finding for findings in form.refused.values() for finding in findings])
    return render(request, "400.html", {"problem": problem, "language_next": list_url}, status=400)


def address_to_return_to(request) -> str:
    """Where the language form sends the person back (base.html's `next`): the page's address, or
    after a POST the page the form was on (its Referer). Only its path, and its query only when that
    holds no client data: the whole address was repeated in every page, so a crafted one with a BSN
    in any parameter was shown back."""
    if request.method == "GET" or not request.META.get("HTTP_REFERER"):
        path, query = escape_uri_path(request.path), iri_to_uri(request.META.get("QUERY_STRING", ""))
    else:
        parts = urlsplit(request.META["HTTP_REFERER"])
        path, query = parts.path or "/", parts.query
    if query and find_client_data(unquote_plus(query)):
        query = ""
    return _path_with(path, query)


def _path_with(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path
