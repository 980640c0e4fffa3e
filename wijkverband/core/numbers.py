"""Numbers as people type them: "80,5" in Dutch, "80.5" in English, and never a silent 805.

Not `<input type="number">`: Chromium in Dutch drops a typed decimal comma from such a box and sends
"805" for "80,5", so the server cannot even see the mistake. These fields are text boxes
(`inputmode` still gives a phone its number keypad) and the server reads the separator.

A decimal is read with a comma or a point as its separator, in either language: a Dutch person
on an English keyboard types "80.5", an English reader of a Dutch colleague's figure "80,5". That
is safe because the fields hold at most two decimals: a separator between the thousands ("1.000"
in Dutch, "1,000" in English) leaves three digits after it, which is refused, never read as 1.
A stored value is shown back in the person's language (`localize`: "80,50" in Dutch).
"""

import re
from decimal import Decimal, DecimalException

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TEXTBOX = {"class": "utrecht-textbox utrecht-textbox--html-input"}

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_WHOLE = re.compile(r"[+-]?[0-9]+")
#: Digits with separators the strict forms above do not take: "1.000,5", "1 000", "12,5" as a count.
_SEPARATED = re.compile(r"[+-]?[0-9][0-9.,\s]*")


class DecimalInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={**TEXTBOX, "inputmode": "decimal", **(attrs or {})})


class WholeNumberInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={**TEXTBOX, "inputmode": "numeric", **(attrs or {})})


class DecimalNumberField(forms.DecimalField):
    """A number with at most two decimals, typed with a decimal comma or point."""

    widget = DecimalInput
    default_error_messages = {
        # The example is in the person's language through the translation: "zoals 80,5".
        "invalid": _("Enter a number, such as 80.5."),
        "separated": _("Write the number without a separator between the thousands, such as 1000 or 1000.5."),
        "max_decimal_places": _("Use at most two decimals, such as 80.25. Write a thousand as 1000."),
    }

    def __init__(self, *, max_digits=14, decimal_places=2, **kwargs):
        # With three decimals or more, "1.000" (a thousand, in Dutch) would be read as 1.
        if decimal_places is None or not 0 < decimal_places <= 2:
            raise ValueError("DecimalNumberField holds one or two decimals (see the module's docstring).")
        kwargs.setdefault("localize", True)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _DECIMAL.fullmatch(text):
            code = "separated" if _SEPARATED.fullmatch(text) else "invalid"
            raise ValidationError(self.error_messages[code], code=code)
        try:
            return Decimal(text.replace(",", "."))
        except DecimalException as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class WholeNumberField(forms.IntegerField):
    """A count: digits only. Django's IntegerField reads "1.000" as 1 and "12.0" as 12."""

    widget = WholeNumberInput
    default_error_messages = {
        "separated": _("Give a whole number, without a comma or point, such as 12 or 1000."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if _WHOLE.fullmatch(text):
            return int(text)
        if _SEPARATED.fullmatch(text):
            raise ValidationError(self.error_messages["separated"], code="separated")
        raise ValidationError(self.error_messages["invalid"], code="invalid")
