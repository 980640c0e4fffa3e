"""Dutch postcodes and the postcode areas a team serves (docs/lookup.md).

An area is kept in one compact form: four digits ("3581", a postcode area) or, where a wijk border
splits a four-digit area, a full postcode ("3581AB"). People may type either with any spacing and
case, or with a hyphen ("3581 ab", "3581AB", "3581-AB"); `normalise_postcode`, the one parser of
what people type, turns it into the compact form and `display_code` back into the usual written
form ("3581 AB").

The messages below are marked for translation (gettext_noop) and translated when shown, with
`lazy` (labels, help texts) or `translated`; their Dutch is in the root catalogue, like the rest
of tenancy's.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

# Four digits, the first not 0; then two letters (PostNL never uses SA, SD and SS).
_POSTCODE_RE = re.compile(r"^([1-9][0-9]{3})([A-Z]{2})?$")
_UNUSED_LETTERS = {"SA", "SD", "SS"}
# "3581-AB", "3581 - ab": a hyphen between the digits and the letters, as some forms and letters write it.
_HYPHEN = re.compile(r"^([0-9]{4})-(?=[A-Z]{2}$)")
#: Longest input worth reading as a postcode ("1234 AB" with generous spacing).
MAX_INPUT_LENGTH = 20
#: Areas one team may hold: a wijk has a handful of four-digit areas, or some dozens of postcodes.
MAX_AREAS_PER_TEAM = 500

# --- messages (see the module doc) -------------------------------------------------------------------
POSTCODE_AREA = gettext_noop("postcode area")
POSTCODE_AREAS = gettext_noop("postcode areas")
AREA_CODE = gettext_noop("postcode or postcode area")
ALLOW_OVERLAP = gettext_noop("teams may share postcode areas")
FULL_POSTCODE_TOO = gettext_noop("Or a full postcode, such as 3511 AB.")
TOO_MANY_AREAS = gettext_noop("A team can have at most %(count)s postcode areas.")
TAKEN_IN_REGION = gettext_noop(
    "%(area)s is already served by %(team)s. This region does not let teams share postcode areas: "
    "remove it there first, or allow shared areas for the region."
)
TAKEN_IN_OTHER_REGION = gettext_noop(
    "%(area)s is already served by %(team)s of %(region)s. Teams of different regions never share "
    "postcode areas: agree with that region who serves it."
)
OVERLAPS_LEFT = gettext_noop(
    "%(area)s is served by %(teams)s. Give each postcode area one team before you stop teams from sharing areas."
)
FULL_POSTCODE_HELP = gettext_noop(
    "A full postcode (3513 AB) serves the part of an area a neighbourhood border cuts off."
)

#: Every message above, for the test that checks each has its Dutch.
MESSAGES = (
    POSTCODE_AREA,
    POSTCODE_AREAS,
    AREA_CODE,
    ALLOW_OVERLAP,
    FULL_POSTCODE_TOO,
    TOO_MANY_AREAS,
    TAKEN_IN_REGION,
    TAKEN_IN_OTHER_REGION,
    OVERLAPS_LEFT,
    FULL_POSTCODE_HELP,
)


def not_an_area_message() -> str:
    # The first sentence is the root catalogue's (from before full postcodes were allowed).
    return (
        gettext("“%(area)s” is not a postcode area: use four digits, such as 3511.") + " " + gettext(FULL_POSTCODE_TOO)
    )


def area_help():
    """The help text of a list of areas (lazy)."""
    return format_lazy(
        "{} {}",
        gettext_lazy("Four-digit postcode areas, separated by commas, such as 3511, 3512."),
        gettext_lazy(FULL_POSTCODE_HELP),
    )


def lazy(message: str):
    """A message of this module, translated when shown (labels, help texts)."""
    return gettext_lazy(message)


def translated(message: str) -> str:
    return gettext(message)


# --- postcodes ------------------------------------------------------------------------------------


def normalise_postcode(text) -> str | None:
    """ "3581 ab", " 3581AB ", "3581-AB", "3581" → "3581AB" / "3581"; None when it is no Dutch postcode."""
    if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
        return None
    compact = _HYPHEN.sub(r"\1", "".join(text.split()).upper())
    if not compact.isascii():
        return None
    match = _POSTCODE_RE.match(compact)
    if match is None or match.group(2) in _UNUSED_LETTERS:
        return None
    return compact


def area_of(code: str) -> str:
    """The four-digit area of a postcode or area ("3581AB" → "3581")."""
    return code[:4]


def is_full_postcode(code: str) -> bool:
    return len(code) == 6


def display_code(code: str) -> str:
    """How people write it: "3581AB" → "3581 AB", "3581" → "3581"."""
    return f"{code[:4]} {code[4:]}" if is_full_postcode(code) else code


def sort_key(code: str) -> tuple[str, str]:
    """Areas in postcode order, a four-digit area before the full postcodes inside it."""
    return (code[:4], code[4:])


def parse_area_list(text: str) -> list[str]:
    """Areas typed as a list ("3581, 3582 3584 AB; 3585ab") → sorted compact codes, without repeats.

    Commas, semicolons and new lines separate areas; spaces separate them too, except the space in
    a full postcode ("3584 AB"). Raises ValidationError naming the first part that is no area.
    """
    codes: set[str] = set()
    for chunk in re.split(r"[,;\n\r]+", text or ""):
        # "3584 - AB" is one postcode: its parts joined before spaces separate the areas.
        tokens = re.sub(r"\b([0-9]{4})\s*-\s*([A-Za-z]{2})\b", r"\1\2", chunk).split()
        index = 0
        while index < len(tokens):
            token = tokens[index]
            # "3584 AB": the letters are the next token.
            if (
                re.fullmatch(r"\d{4}", token)
                and index + 1 < len(tokens)
                and re.fullmatch(r"[A-Za-z]{2}", tokens[index + 1])
            ):
                token = token + tokens[index + 1]
                index += 1
            code = normalise_postcode(token)
            if code is None:
                raise ValidationError(not_an_area_message(), params={"area": token[:20]}, code="invalid_postcode_area")
            codes.add(code)
            index += 1
    if len(codes) > MAX_AREAS_PER_TEAM:
        raise ValidationError(translated(TOO_MANY_AREAS), params={"count": MAX_AREAS_PER_TEAM}, code="too_many_areas")
    return sorted(codes, key=sort_key)


def format_area_list(codes) -> str:
    """The codes as people write them, for a form's initial value ("3581, 3584 AB")."""
    return ", ".join(display_code(code) for code in sorted(codes, key=sort_key))
