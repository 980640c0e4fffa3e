"""The language switch, which also remembers the choice for what is written to the person outside a
page (notice mails and digests: wijkverband.work.services.mail and digests)."""

from django.views.i18n import set_language

from wijkverband.accounts.services import user_language_set


def language_set(request):
    """Django's set_language (the cookie, and back to the page), and for someone signed in, their
    choice on their account."""
    response = set_language(request)
    user = getattr(request, "user", None)
    if request.method == "POST" and user is not None and user.is_authenticated:
        user_language_set(user=user, language=request.POST.get("language", ""))
    return response
