"""The language switch, which also remembers the choice for what is written to the person outside a
page (notice mails and digests: wijkverband.work.services.mail and digests)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.views.i18n import set_language


def language_set(request):
    """Django's set_language (the cookie, and back to the page), and for someone signed in, their
    choice on their account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if (
        request.method == "POST"
        and user is not None
        and user.is_authenticated
        and language in {code for code, _name in settings.LANGUAGES}
        and getattr(user, "language", None) != language
    ):
        get_user_model().objects.filter(pk=user.pk).update(language=language)
    return response
