"""The search page: /search/?q=…&team=…. A plain GET form (works without JavaScript); what it finds
is what the person may read (wijkverband/search/selectors). Signed in only; someone without a team
finds nothing."""

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wijkverband.search import selectors
from wijkverband.search.forms import SearchForm


def _link(params: QueryDict, **changes) -> str:
    params = params.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    return "?" + params.urlencode()


@login_required
@require_GET
def search_page(request):
    teams = selectors.readable_teams(user=request.user)
    chosen = [t for t in teams if t.slug == request.GET.get("team", "")] or teams
    form = SearchForm(
        request.GET or None, teams=teams, authors=selectors.author_choices(user=request.user, teams=chosen)
    )
    results = None
    if form.refused:
        # A search for client data (a BSN, a date of birth) is refused with the guard's message and
        # nothing of it is shown back: not in the box, the title, the language form's `next`, nor a
        # link; the message names every kind of client data found, and nothing of it (core/listfilters.py).
        form.is_valid()
        context = {"form": form, "results": None, "filters": selectors.Filters(), "has_teams": bool(teams)}
        return render(
            request, "search/page.html", {**context, "language_next": request.path, "search_refused": True}, status=400
        )
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        filters = selectors.Filters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            team=data.get("team") or "",
            author=data.get("author"),
            since=data.get("since"),
            until=data.get("until"),
            status=data.get("status") or "",
            page=data.get("page") or 1,
        )
        results = selectors.search(user=request.user, filters=filters, teams=teams)
        for group in results.groups:
            group.more_url = _link(request.GET, kind=group.kind, page=None)
        page = results.page
        context_pages = {
            "previous_url": _link(request.GET, page=page - 1) if filters.kind and page > 1 else None,
            "next_url": _link(request.GET, page=page + 1) if filters.kind and results.has_next else None,
        }
    else:
        filters, context_pages = selectors.Filters(), {}
    return render(
        request,
        "search/page.html",
        {"form": form, "results": results, "filters": filters, "has_teams": bool(teams), **context_pages},
    )
