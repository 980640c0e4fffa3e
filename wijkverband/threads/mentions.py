"""Mentions in message text: @person (first name, e-mail name, or the whole name as @Maarten.Lid),
@role and @kind of organisation.

@apotheek, @huisarts, @wijkverpleging, @sociaal_domein reach the members of that kind of
organisation in the team; @coördinator (or @coordinator) the team's coordinators; @iedereen everyone.
"""

import re
import unicodedata

from wijkverband.tenancy.models import Membership, OrganisationKind

MENTION_RE = re.compile(r"(?<![\w@])@([\w][\w.\-]*)", re.UNICODE)

# Where an "@" is no mention: in code (a fenced block, an inline span) and in an address, bare
# ("https://medium.com/@Carla/…", as the Markdown renderer links it, wijkverband.core.markdown), as
# an autolink ("<https://…>") or as a Markdown link's target ("[tekst](…/@Carla)"). A link's text
# is read, so an "@" there still is one.
_NOT_READ_AS_TEXT = re.compile(
    r"(?ms)^ {0,3}(?P<fence>`{3,}|~{3,}).*?(?:^ {0,3}(?P=fence)|\Z)"  # a fenced code block
    r"|(?P<ticks>`+).+?(?P=ticks)"  # an inline code span
    r"|(?i:https?://|www\.)\S+"  # an address (a link's target too, and an autolink)
    r"|\]\([^\s)]*"  # a link's target that is no address of the web ("](/t/oost/…)")
)

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
    """The (folded) words the text mentions: "@" and a word where a word starts, outside code and
    addresses (a URL's "/@Carla" mentioned Carla)."""
    if not text or "@" not in text:
        return set()
    if "`" in text or "~~~" in text or "/" in text or "www." in text.casefold():
        text = _NOT_READ_AS_TEXT.sub(" ", text)
    return {_fold(match) for match in MENTION_RE.findall(text)}


class MentionIndex:
    """Who each mention word reaches among `memberships`: built once (each person's words folded
    once), then asked for any number of texts or words. The composer's suggestions ask it once per
    person (is this word theirs alone?); done with a scan of every member each time, that was
    quadratic, and a third of a thread page's time in a team of 50."""

    def __init__(self, memberships: list[Membership]):
        self.everyone: set[int] = set()
        self.coordinators: set[int] = set()
        self.by_kind: dict[str, set[int]] = {}
        self.by_word: dict[str, set[int]] = {}
        for membership in memberships:
            user = membership.user
            self.everyone.add(user.pk)
            if membership.role == Membership.Role.COORDINATOR:
                self.coordinators.add(user.pk)
            if membership.organisation_id:
                self.by_kind.setdefault(membership.organisation.kind, set()).add(user.pk)
            words = {_fold(user.name.split(" ")[0]) if user.name else "", _fold(user.email.split("@")[0])}
            if full := _full_name_word(user):
                words.add(full)
            for word in words:
                self.by_word.setdefault(word, set()).add(user.pk)

    def users(self, words: set[str]) -> set[int]:
        """The user ids that these (folded) mention words reach."""
        if words & EVERYONE_WORDS:
            return set(self.everyone)
        found: set[int] = set(self.coordinators) if words & COORDINATOR_WORDS else set()
        for word in words:
            if word in KIND_WORDS:
                found |= self.by_kind.get(KIND_WORDS[word], set())
            found |= self.by_word.get(word, set())
        return found


def mentioned_users(text: str, memberships: list[Membership]) -> set[int]:
    """The user ids of the team's members that the text mentions."""
    words = mention_words(text)
    return MentionIndex(memberships).users(words) if words else set()


# --- suggestions while typing (the composer's autocomplete) -------------------------------------

#: The word a suggestion inserts for each kind of organisation (any word of KIND_WORDS works).
KIND_TOKENS = {
    OrganisationKind.PHARMACY: "apotheek",
    OrganisationKind.GP: "huisarts",
    OrganisationKind.DISTRICT_NURSING: "wijkverpleging",
    OrganisationKind.SOCIAL_DOMAIN: "sociaal_domein",
}


def _person_token(membership: Membership, index: MentionIndex) -> str | None:
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
        if MENTION_RE.fullmatch("@" + word) and index.users(mention_words("@" + word)) == {user.pk}:
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
    index = MentionIndex(memberships)
    people = sorted(memberships, key=lambda m: (m.user.name or m.user.email).casefold())
    for membership in people:
        token = _person_token(membership, index)
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
