"""Mentions in message text: @person (first name, e-mail name, or the whole name as @Maarten.Lid),
@role and @kind of organisation.

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


def _full_name_word(user) -> str:
    """The whole name as one word, "@Maarten.Lid": reaches one person where first names are shared."""
    return _fold(".".join(user.name.split())) if user.name and " " in user.name.strip() else ""


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
        full = _full_name_word(user)
        local = _fold(user.email.split("@")[0])
        if (
            everyone
            or (coordinators and membership.role == Membership.Role.COORDINATOR)
            or (membership.organisation_id and membership.organisation.kind in kinds)
            or first in words
            or (full and full in words)
            or local in words
        ):
            found.add(user.pk)
    return found


# --- suggestions while typing (the composer's autocomplete) -------------------------------------

#: The word a suggestion inserts for each kind of organisation (any word of KIND_WORDS works).
KIND_TOKENS = {
    OrganisationKind.PHARMACY: "apotheek",
    OrganisationKind.GP: "huisarts",
    OrganisationKind.DISTRICT_NURSING: "wijkverpleging",
    OrganisationKind.SOCIAL_DOMAIN: "sociaal_domein",
}


def _person_token(membership: Membership, memberships: list[Membership]) -> str | None:
    """The word that mentions this person and nobody else: the first name, else the e-mail name,
    else the whole name ("Maarten.Lid")."""
    user = membership.user
    options = []
    if user.name:
        options.append(user.name.split(" ")[0])
    options.append(user.email.split("@")[0])
    if _full_name_word(user):
        options.append(".".join(user.name.split()))
    for word in options:
        if MENTION_RE.fullmatch("@" + word) and mentioned_users("@" + word, memberships) == {user.pk}:
            return word
    return None


def mention_candidates(memberships: list[Membership], *, labels: dict) -> list[dict]:
    """What the composer suggests after "@": the people, the kinds of organisation and the roles
    among `memberships` (the people who may read the thread; the caller leaves out the writer).

    Each suggestion: {"token": what is inserted after "@", "label", "detail", "kind", "search":
    the words typed letters are matched against (folded)}. labels: the translated details
    ({"coordinators", "everyone", "everyone_at"}), so this module stays free of the interface.
    Every token mentions exactly whom the suggestion says (mentioned_users).
    """
    candidates = []
    people = sorted(memberships, key=lambda m: (m.user.name or m.user.email).casefold())
    for membership in people:
        token = _person_token(membership, memberships)
        if token is None:
            continue
        user = membership.user
        name = user.name or user.email
        detail = membership.organisation.name if membership.organisation_id else membership.get_role_display()
        search = {_fold(part) for part in name.split()} | {_fold(user.email.split("@")[0]), _fold(token)}
        candidates.append(
            {"token": token, "label": name, "detail": str(detail), "kind": "person", "search": sorted(search)}
        )
    by_kind: dict[str, list[str]] = {}
    for membership in memberships:
        organisation = membership.organisation if membership.organisation_id else None
        if organisation is not None and organisation.kind in KIND_TOKENS:
            names = by_kind.setdefault(organisation.kind, [])
            if organisation.name not in names:
                names.append(organisation.name)
    for kind, token in KIND_TOKENS.items():
        if kind not in by_kind:
            continue
        words = {word for word, value in KIND_WORDS.items() if value == kind}
        words |= {_fold(part) for name in by_kind[kind] for part in name.split()}
        candidates.append(
            {
                "token": token,
                "label": "@" + token,
                "detail": str(labels["everyone_at"]) % {"names": ", ".join(sorted(by_kind[kind]))},
                "kind": "organisation",
                "search": sorted(words),
            }
        )
    if any(m.role == Membership.Role.COORDINATOR for m in memberships):
        candidates.append(
            {
                "token": "coördinator",
                "label": "@coördinator",
                "detail": str(labels["coordinators"]),
                "kind": "role",
                "search": sorted(COORDINATOR_WORDS),
            }
        )
    candidates.append(
        {
            "token": "iedereen",
            "label": "@iedereen",
            "detail": str(labels["everyone"]),
            "kind": "role",
            "search": sorted(EVERYONE_WORDS),
        }
    )
    return candidates
