"""The rules of an entry's fields, one set for the page's form and the CSV import.

`entry_clean(raw)` takes the values as typed (strings and booleans) and returns the cleaned values
and {field: message} for what is wrong; messages name the value and say what to write, so the form
shows them at the field and an import's report after the row and column ("Rij 7, Postcode:
“12345” is geen Nederlandse postcode: …").
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, ProhibitNullCharactersValidator, URLValidator
from django.utils.translation import gettext as _

from wijkverband.core.clientdata import find_client_data
from wijkverband.core.guard import check_text, guarded_fields
from wijkverband.core.phones import national_digits
from wijkverband.socialmap.models import Cost, Entry, Kind
from wijkverband.tenancy import postcodes

MAX_LENGTHS = {
    "name": 200,
    "description": 5000,
    "street": 200,
    "place": 100,
    "opening_hours": 500,
    "price": 200,
    "email": 200,
    "website": 300,
}
TEXT_FIELDS = ("name", "description", "street", "place", "opening_hours", "price")

_PHONE_CHARS = re.compile(r"^[0-9 ()+\-.]+$")
_SERVICE_NUMBER = re.compile(r"^0(800|900|906|909)[0-9]{4,7}$")


def postcode_normal(value: str) -> str | None:
    """ "3581ab", "3581-AB" → "3581 AB"; None when it is not a full Dutch postcode (the one parser,
    tenancy.postcodes, reads it)."""
    code = postcodes.normalise_postcode((value or "").strip())
    if code is None or not postcodes.is_full_postcode(code):
        return None
    return postcodes.display_code(code)


def phone_normal(value: str) -> str | None:
    """A Dutch phone number as typed (spaces tidied); None when it is not one.

    Ten digits starting with 0 (also written +31 or 0031), or an 0800/0900 service number."""
    text = re.sub(r"\s+", " ", (value or "").strip())
    if not _PHONE_CHARS.match(text) or text.count("+") > 1 or ("+" in text and not text.startswith("+")):
        return None
    digits = national_digits(text)  # "+31 (0)30 …" and "0031 30 …" as "030…"
    if re.fullmatch(r"0[1-9][0-9]{8}", digits) or _SERVICE_NUMBER.match(digits):
        return text
    return None


def website_normal(value: str) -> str | None:
    text = (value or "").strip()
    if text and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        text = "https://" + text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return None
    return text


def email_normal(value: str) -> str | None:
    text = (value or "").strip()
    try:
        EmailValidator()(text)
    except ValidationError:
        return None
    return text


def entry_clean(raw: dict) -> tuple[dict, dict[str, str]]:
    """Cleaned values and the errors, per field. `raw` holds every field of the form (strings, and
    booleans for the flags); kind and cost are codes (Kind, Cost)."""
    data = dict(raw)
    errors: dict[str, str] = {}
    for name in (*TEXT_FIELDS, "postcode", "phone", "email", "website"):
        data[name] = (
            re.sub(r"[ \t]+", " ", str(data.get(name) or "")).strip()
            if name != "description"
            else (str(data.get(name) or "").strip())
        )
    for name, limit in MAX_LENGTHS.items():
        if len(data[name]) > limit:
            errors[name] = _("%(field)s is longer than %(limit)d characters.") % {
                "field": _field_label(name),
                "limit": limit,
            }
    if not data["name"]:
        errors["name"] = _("Give the entry a name.")
    if data.get("kind") not in Kind.values:
        errors["kind"] = _("Choose what kind of entry it is.")
    if data.get("cost") not in Cost.values:
        errors["cost"] = _("Choose free, a contribution or a price.")
    elif data["cost"] == Cost.PRICE and not data["price"]:
        errors["price"] = _("Say what it costs.")
    if data["postcode"]:
        postcode = postcode_normal(data["postcode"])
        if postcode is None:
            errors["postcode"] = _(
                "“%(value)s” is not a Dutch postcode: use four digits and two letters, such as 3581 AB."
            ) % {"value": data["postcode"]}
        else:
            data["postcode"] = postcode
    if data.get("kind") == Kind.MEETING_PLACE:
        for name in ("street", "postcode", "place"):
            if not data[name] and name not in errors:
                errors[name] = _("A meeting place needs its address: %(field)s is missing.") % {
                    "field": _field_label(name)
                }
    if data["phone"]:
        phone = phone_normal(data["phone"])
        if phone is None:
            errors["phone"] = _(
                "“%(value)s” is not a Dutch phone number: use ten digits, such as 030 123 4567, or a 0800/0900 number."
            ) % {"value": data["phone"]}
        else:
            data["phone"] = phone
    if data["email"]:
        email = email_normal(data["email"])
        if email is None:
            errors["email"] = _(
                "“%(value)s” is not an e-mail address: write the whole address, such as info@buurthuis.nl."
            ) % {"value": data["email"]}
        else:
            data["email"] = email
    if data["website"]:
        website = website_normal(data["website"])
        if website is None:
            errors["website"] = _(
                "“%(value)s” is not a web address: write it as www.buurthuis.nl or https://www.buurthuis.nl."
            ) % {"value": data["website"]}
        else:
            data["website"] = website
    for name in (*TEXT_FIELDS, "postcode", "phone", "email", "website"):
        # A form's fields refuse it (Django's words); an import's cell or a service's caller would
        # store it (PostgreSQL refuses a NUL in a text: a server error).
        if "\x00" in data[name]:
            errors[name] = str(ProhibitNullCharactersValidator.message)
    for flag in ("dementia_friendly", "wheelchair_accessible", "public"):
        data[flag] = bool(data.get(flag))
    return data, errors


def _field_label(name: str) -> str:
    from wijkverband.socialmap.models import Entry

    return str(Entry._meta.get_field(name).verbose_name)


#: Between the texts of one entry when they are checked at once: no number or date runs across it.
_JOIN = "\n•\n"


def guard_entry(values: dict) -> None:
    """The client-data guard (core/guard.py) over an entry's values before a bulk write, which skips
    the save signal. It checks the fields the guard checks on a save (`guarded_fields`: the model
    decides, so a text field added to it later is checked here too; a guarded field missing from
    `values` is a KeyError, never a field left unchecked). The texts are checked in one pass, and
    only when that finds something field by field, so the refusal names the field (and a match
    across two fields is no refusal). An import of 20,000 rows checks 20,000 texts instead of
    180,000."""
    fields = guarded_fields(Entry)
    texts = [values[f.name] or "" for f in fields]
    if find_client_data(_JOIN.join(texts)):
        for f, text in zip(fields, texts, strict=True):
            check_text(text, field=f.name, label=f.verbose_name)
