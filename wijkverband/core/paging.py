"""One rule for every paged list of the product (?page=N).

What a list shows is Django's `Paginator.get_page`: nonsense in the address is ignored, never an
error page ("?page=abc" is the first page), and a page past the end is the last. The address then
named a page the list did not show: "?page=3" of two pages showed page 2 under "3", "?page=0" too.
Such an address is now sent on to the page shown (the rest of the address kept), so what the
address says is what the page shows, with and without JavaScript.
"""

from django.core.paginator import Page, Paginator


def list_page(request, object_list, per_page: int, *, query=None) -> tuple[Page, str | None]:
    """The page of `object_list` the address asks for, and the address to send the person to when
    it names another page than that (None: it names this one). The first page is the address
    without "page". `query`: the address's parameters as the page keeps them, when not all of
    request.GET (core/listfilters.py: without what the client-data guard refused)."""
    params = request.GET if query is None else query
    asked = params.get("page")
    page = Paginator(object_list, per_page).get_page(asked)
    if asked is None or asked == str(page.number):
        return page, None
    query = params.copy()
    if page.number == 1:
        query.pop("page")
    else:
        query["page"] = str(page.number)
    return page, f"{request.path}?{query.urlencode()}" if query else request.path
