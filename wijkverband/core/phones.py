"""Dutch phone numbers for tel: links, shared by the wijk card and the sociale kaart (one rule for
both: a card's number and a kaart entry's number were dialled differently, 0302007788 and
+31302007788)."""

import re

#: A municipality's short number (14 030): dialled as it is.
MUNICIPAL = re.compile(r"^140\d{2,3}$")
#: Free (0800) and paid (0900, 0906, 0909) service numbers: dialled as they are, in the national
#: form: they are generally not reachable in the international one (+31 800 …, +31 900 …).
SERVICE = re.compile(r"^0(800|90\d)\d{4,7}$")


def national_digits(typed: str) -> str:
    """The number's digits in national form: "+31 (0)30 123 4567" and "0031 30 …" become "030…"."""
    text = (typed or "").strip()
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+") and digits.startswith("31"):
        return "0" + digits[2:].removeprefix("0")
    if digits.startswith("0031"):
        return "0" + digits[4:].removeprefix("0")
    return digits


def dial_phone(typed: str) -> str:
    """For tel: links and vCards: +31 and the number without its 0; a municipal short number
    (14 030) and a service number (0800, 090x) as they are."""
    digits = national_digits(typed)
    if not digits:
        return ""
    if MUNICIPAL.match(digits) or SERVICE.match(digits):
        return digits
    return "+31" + digits[1:]
