"""After a person's own write, their header's "Mijn werk" count is counted again (selectors.asked_count_kept)."""

from wijkverband.mywork.selectors import asked_count_forget

_SAFE = frozenset(["GET", "HEAD", "OPTIONS", "TRACE"])


class AskedCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in _SAFE and user is not None and user.is_authenticated:
            # Endorsed, took ownership, answered: the page they land on shows it.
            asked_count_forget(user_id=user.pk)
        return response
