"""How long a text a person writes may be: one count for the form, the page and the service.

A text box gets its limit as `maxlength`, so the browser stops the typing (and a paste) there;
the server checks the same number and says it at the field, with the text kept in the form. Both
count a line break once: a browser counts it so for maxlength and sends it as CR LF, and a text the
box allowed must not be refused for it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def text_length(text: str) -> int:
    """A text's length as its limit counts it: characters, a line break one however it was sent."""
    return len(text.replace("\r\n", "\n"))


def too_long_message(*, limit: int, length: int) -> str:
    """Why a text is refused as too long, in numbers people can check ("10.000", not "10 kB")."""
    return _("This text is too long: at most %(max)s characters, this one has %(count)s.") % {
        "max": number_format(limit, force_grouping=True),
        "count": number_format(length, force_grouping=True),
    }


class _MaxTextLength(MaxLengthValidator):
    def __call__(self, value):
        if (length := text_length(value)) > self.limit_value:
            raise ValidationError(too_long_message(limit=self.limit_value, length=length), code="max_length")


class LimitedTextField(forms.CharField):
    """A free text with a limit: `max_length` is the box's maxlength and the server's check."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.validators.append(_MaxTextLength(max_length))
