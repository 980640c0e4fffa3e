from django import template

from wijkverband.core.phones import dial_phone
from wijkverband.wijkcard.phones import display_phone

register = template.Library()


@register.filter
def phone(digits: str) -> str:
    """A stored number grouped for reading: 030 123 4567."""
    return display_phone(digits or "")


@register.filter
def dial(digits: str) -> str:
    """A stored number for a tel: link: +31301234567 (0800 1234 and 14 030 as written)."""
    return dial_phone(digits or "")


@register.filter
def slot_digits(entry, key: str) -> str:
    """The stored number of one time of day ("day", "evening", "night", "weekend")."""
    return getattr(entry, f"{key}_phone", "") if key in ("day", "evening", "night", "weekend") else ""


@register.filter
def get_list(mapping, key) -> list:
    return mapping.get(key, []) if mapping else []
