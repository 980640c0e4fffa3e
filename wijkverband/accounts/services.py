"""Writes to a person's own account that are not allauth's."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from wijkverband.audit.services import audit_record


def user_language_set(*, user, language: str) -> bool:
    """Keep the language the person chose with the switch, for what is written to them outside a
    page (notice mails, digests). A language we do not have changes nothing. True when it changed."""
    if language not in {code for code, _name in settings.LANGUAGES} or getattr(user, "language", None) == language:
        return False
    return bool(get_user_model().objects.filter(pk=user.pk).update(language=language))


@transaction.atomic
def user_name_set(*, actor, name: str) -> bool:
    """The person's own name, as their colleagues see it (members, authors, mentions): a typo made
    at the invitation is theirs to put right. Saved with `save()`, so the client-data guard reads
    it as every typed text (a BSN, or a name with a date of birth, is refused at the field). The
    old and new name are audited: someone taking a colleague's name can be traced. True when it
    changed."""
    name = " ".join(name.split())
    user = get_user_model().objects.select_for_update().get(pk=actor.pk)
    if not name or user.name == name:
        return False
    before = user.name
    user.name = name
    user.save(update_fields=["name"])
    actor.name = name
    audit_record(actor=actor, action="user.renamed", target=user, data={"from": before, "to": name})
    return True
