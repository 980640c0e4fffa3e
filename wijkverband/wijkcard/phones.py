"""Dutch phone numbers on the wijk card: what is accepted, how it is stored and shown.

Accepted (spaces, hyphens, dots and brackets are ignored):
- a ten-digit number starting with 0 (fixed lines, 085/088 company numbers, 06 mobiles),
  also written internationally as +31 or 0031 (with or without the "(0)");
- service numbers 0800 / 0900 / 0906 / 0909 with 4 or 7 digits;
- the municipalities' short number 14 + area code (14 030).

Stored as digits in the national form ("0301234567"), shown grouped ("030 123 4567") and dialled
as +31 in tel: links (service and municipal numbers as written: core/phones.dial_phone). A mobile
number (06) is accepted only when the team confirms it is a team or service phone: the card names
roles and organisations, never a person's own phone.
"""

import re

from django.utils.translation import gettext as _

from wijkverband.core.phones import MUNICIPAL

# Two-digit area codes (with the 0); every other fixed number has a three-digit one.
_SHORT_AREAS = {
    "010", "013", "015", "020", "023", "024", "026", "030", "033", "035", "036", "038", "040", "043",
    "045", "046", "050", "053", "055", "058", "070", "071", "072", "073", "074", "075", "076", "077",
    "078", "079",
}  # fmt: skip
_SERVICE = re.compile(r"^0(800|900|906|909)(\d{4}|\d{7})$")
_NATIONAL = re.compile(r"^0[1-9]\d{8}$")
_MUNICIPAL = MUNICIPAL
_MOBILE = re.compile(r"^06\d{8}$")


class PhoneError(ValueError):
    """`str(error)` says, in the person's language, what is wrong with the number."""


def _not_digits(text: str) -> PhoneError:
    return PhoneError(_("“%(value)s” is not a phone number: use digits only, such as 030 123 4567.") % {"value": text})


def normalise_phone(value: str) -> str:
    """The number's digits in the national form, or PhoneError. An empty value stays empty."""
    text = (value or "").strip()
    if not text:
        return ""
    if re.search(r"[^0-9+()\s.\-]", text):
        raise _not_digits(text)
    digits = re.sub(r"[\s.\-]", "", text).replace("(0)", "")
    if "(" in digits or ")" in digits:
        digits = digits.replace("(", "").replace(")", "")
    if digits.startswith("+31"):
        digits = "0" + digits[3:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("+") or digits.startswith("00"):
        raise PhoneError(
            _("“%(value)s” is not a Dutch number: the neighbourhood card takes Dutch numbers only.") % {"value": text}
        )
    if not digits.isdigit():
        raise _not_digits(text)
    if _SERVICE.match(digits) or _MUNICIPAL.match(digits) or _NATIONAL.match(digits):
        if digits.startswith("097") or digits.startswith("066"):
            raise PhoneError(_("“%(value)s” is a data or pager number, not one to call.") % {"value": text})
        return digits
    raise PhoneError(
        _("“%(value)s” is not a Dutch phone number: use ten digits, such as 030 123 4567, or a 0800/0900 number.")
        % {"value": text}
    )


def is_mobile(digits: str) -> bool:
    return bool(_MOBILE.match(digits or ""))


def display_phone(digits: str) -> str:
    """Grouped for reading: 030 123 4567, 0345 12 34 56, 06 1234 5678, 0800 1234, 14 030."""
    if not digits:
        return ""
    if _MUNICIPAL.match(digits):
        return f"14 {digits[2:]}"
    if _SERVICE.match(digits):
        rest = digits[4:]
        return f"{digits[:4]} {rest}" if len(rest) == 4 else f"{digits[:4]} {rest[:3]} {rest[3:]}"
    if len(digits) != 10:
        return digits
    if digits.startswith("06"):
        return f"06 {digits[2:6]} {digits[6:]}"
    if digits[:3] in _SHORT_AREAS or digits[:3] in {"084", "085", "087", "088", "091"}:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return f"{digits[:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"
