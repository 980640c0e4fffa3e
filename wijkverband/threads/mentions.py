"""Mentions in message text: @person (first name or e-mail name), @role and @kind of organisation.

@apotheek, @huisarts, @wijkverpleging, @sociaal_domein reach the members of that kind of
organisation in the team; @coördinator (or @coordinator) the team's coordinators; @iedereen everyone.
"""

import re
import unicodedata

from wijkverband.tenancy.models import Membership, OrganisationKind

MENTION_RE = re.compile(r"(?<![\w@])@([\w][\w.\-]*)", re.UNICODE)

KIND_WORDS = {
    "apotheek": OrganisationKind.PHARMACY,
    "apotheker": OrganisationKind.PHARMACY,
    "huisarts": OrganisationKind.GP,
    "huisartsen": OrganisationKind.GP,
    "wijkverpleging": OrganisationKind.DISTRICT_NURSING,
    "wijkverpleegkundige": OrganisationKind.DISTRICT_NURSING,
    "sociaal_domein": OrganisationKind.SOCIAL_DOMAIN,
    "sociaaldomein": OrganisationKind.SOCIAL_DOMAIN,
    "sociaalwerker": OrganisationKind.SOCIAL_DOMAIN,
}
COORDINATOR_WORDS = {"coordinator", "coordinatoren", "coordinators"}
EVERYONE_WORDS = {"iedereen", "allen", "everyone", "all"}


def _fold(word: str) -> str:
    """Lower case without accents: @coördinator and @coordinator are the same word."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).rstrip(".-")


def mention_words(text: str) -> set[str]:
    return {_fold(match) for match in MENTION_RE.findall(text or "")}


def mentioned_users(text: str, memberships: list[Membership]) -> set[int]:
    """The user ids of the team's members that the text mentions."""
    words = mention_words(text)
    if not words:
        return set()
    found: set[int] = set()
    everyone = bool(words & EVERYONE_WORDS)
    coordinators = bool(words & COORDINATOR_WORDS)
    kinds = {KIND_WORDS[w] for w in words if w in KIND_WORDS}
    for membership in memberships:
        user = membership.user
        first = _fold(user.name.split(" ")[0]) if user.name else ""
        local = _fold(user.email.split("@")[0])
        if (
            everyone
            or (coordinators and membership.role == Membership.Role.COORDINATOR)
            or (membership.organisation_id and membership.organisation.kind in kinds)
            or first in words
            or local in words
        ):
            found.add(user.pk)
    return found
