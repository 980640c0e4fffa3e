"""A save refused because someone else saved the same thing first (a version check, code "stale").

The form is shown again with what the person typed, and it now carries the stored version, so
their next save goes through, on top of the other's, once they have seen it. `differences` says
where the stored entry differs from their form, with the stored value as a reader would see it:
without it the page asked people to "check the entry as it is now" without showing it, and every
save after that was refused again for the same old version.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.http import Http404
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Difference:
    label: str
    stored: str


def _shown(field: forms.Field, value) -> str:
    if isinstance(field, forms.BooleanField) or isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, ""):
        return "—"
    choices = getattr(field, "choices", None)
    if choices is not None:
        wanted = str(getattr(value, "pk", value))
        for key, label in choices:
            if str(getattr(key, "value", key)) == wanted:
                return str(label)
    return str(value)


def stale_form(form: forms.Form, stored: dict, version: int) -> list[Difference]:
    """Point the bound `form` at the stored `version`; return where `stored` (the form's initial
    values for the entry as it is now) differs from what the person has in the form."""
    differences = []
    for name, field in form.fields.items():
        if name == "version" or name not in stored or isinstance(field.widget, forms.HiddenInput):
            continue
        if field.has_changed(stored[name], form[name].data):
            differences.append(Difference(str(field.label), _shown(field, stored[name])))
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = str(version)
    return differences


def conflict_context(form: forms.Form, *, read_current: Callable, initial_of: Callable[..., dict]) -> dict:
    """The page's context after a refused save of this kind: `read_current()` reads the entry as it
    is now (its access helper), `initial_of(entry)` gives the form's values for it. Nothing when
    the entry was removed meanwhile (the refusal says so)."""
    try:
        current = read_current()
    except Http404:
        return {}
    return {"conflict": True, "stale": stale_form(form, initial_of(current), current.version)}
