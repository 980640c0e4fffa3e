"""Writes to a person's own account that are not allauth's."""

from django.conf import settings
from django.contrib.auth import get_user_model


def user_language_set(*, user, language: str) -> bool:
    """Keep the language the person chose with the switch, for what is written to them outside a
    page (notice mails, digests). A language we do not have changes nothing. True when it changed."""
    if language not in {code for code, _name in settings.LANGUAGES} or getattr(user, "language", None) == language:
        return False
    return bool(get_user_model().objects.filter(pk=user.pk).update(language=language))
