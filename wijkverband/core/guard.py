"""The one client-data guard: no free text a person writes is stored with a BSN or a date of birth.

It runs when a model of ours is saved (a `pre_save` receiver connected in CoreConfig.ready), so
every way in (a page's form, a socket frame, a service called by a task or a command) passes it,
and a new text field is guarded the day it is added. It checks every CharField and TextField of
the model except
- fields with choices (their values are ours, not typed), and
- the fields a model names in `CLIENT_DATA_EXEMPT = {"field": "why"}`: what code writes (hashes,
  the audit log) or copies of text that was guarded when it was written (a message's rendered
  HTML, an earlier version of an edited message).
tests/core/test_guard.py fails when a model has a text field that is neither.

A save with client data raises `ClientDataRefused` (an ActionRefused, code "invalid"): nothing is
stored, the service's transaction rolls back, the page shows the message at the field (`.field`)
with the person's input kept, and the socket answers `invalid` with the same text. The message
names the field and everything found in the text at once, and masks a BSN: it never repeats the
number. It shows a date of birth as written,
for the person who typed it, at their own text; the exception's own text (what a traceback or a
log holds) and the refusal of a search (a page its URL gives) repeat nothing of what was found.

Bulk writes (`QuerySet.update`, `bulk_create`) skip model signals: services use them only for
values that are not free text or that were guarded where they were first written.
"""

from functools import cache

from django import forms
from django.db import models
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

from wijkverband.core.clientdata import Finding, find_client_data
from wijkverband.core.errors import ActionRefused

#: Our models live in modules under this package; others (Django's, allauth's) are not guarded.
GUARDED_PACKAGE = "wijkverband."


class ClientDataRefused(ActionRefused):
    """`findings`: everything that was found, so a page whose field has a label of its own can say
    it in its words (`refusal_message(label, refused.findings)`)."""

    def __init__(self, message, *, field: str, findings=(), label=None):
        super().__init__(message, code="invalid", field=field)
        self.findings = tuple(findings)
        if self.findings:
            # `message` is for the person, at the field they typed it in, and may repeat what was
            # found (a date of birth in full). The exception's own text (str(), args) is what a
            # traceback, a log line or a failed task's record holds: the refusal without it.
            self.args = (str(refusal_message(label or field, self.findings, shown=False)),)


def refusal_message(label, findings, *, shown: bool = True) -> str:
    """The guard's refusal, naming the field and everything it found (`findings`: one Finding or
    several), each kind once ("een nummer dat de elfproef voor een BSN doorstaat (••••••782) en iets
    wat lijkt op een geboortedatum met een naam (12-03-1950)"): the person mends all of it in one
    go, not one finding a save. `shown`: with what was found as the person may see it (a BSN
    masked, a date of birth as written), for the person at their own text in their own form.
    Without it (shown=False) wherever the text did not come from a form the person is looking at: a
    page a URL gives (a search: its address is in the browser's history and in links), a log line,
    an exception's text."""
    if isinstance(findings, Finding):
        findings = (findings,)
    by_kind = {}
    for finding in findings:
        by_kind.setdefault(finding.kind, []).append(finding.shown)
    what = get_text_list([_what_was_found(kind, found, shown=shown) for kind, found in by_kind.items()], _("and"))
    return _(
        "%(field)s seems to contain client data: %(what)s. Wijkverband is about how care works, never "
        "about a client: remove it and describe the situation without anything that identifies a person."
    ) % {"field": capfirst(label), "what": what}


def _what_was_found(kind: str, found: list[str], *, shown: bool) -> str:
    several = len(found) > 1
    if not shown:
        if kind == "bsn":
            return (
                _("numbers that pass the BSN eleven-test") if several else _("a number that passes the BSN eleven-test")
            )
        if several:
            return _("what look like dates of birth with a name")
        return _("what looks like a date of birth with a name")
    values = {"shown": ", ".join(dict.fromkeys(found))}
    if kind == "bsn":
        if several:
            return _("numbers that pass the BSN eleven-test (%(shown)s)") % values
        return _("a number that passes the BSN eleven-test (%(shown)s)") % values
    if several:
        return _("what look like dates of birth with a name (%(shown)s)") % values
    return _("what looks like a date of birth with a name (%(shown)s)") % values


def check_text(value, *, field: str, label) -> None:
    """Refuse `value` if it holds client data (for text that is not stored in a model field)."""
    if isinstance(value, str) and value:
        findings = find_client_data(value)
        if findings:
            raise ClientDataRefused(refusal_message(label, findings), field=field, findings=findings, label=label)


def is_free_text(field) -> bool:
    return isinstance(field, models.CharField | models.TextField) and not field.choices


@cache
def guarded_fields(model) -> tuple:
    """The model's free-text fields the guard checks (all but the declared exemptions)."""
    if not model.__module__.startswith(GUARDED_PACKAGE):
        return ()
    exempt = getattr(model, "CLIENT_DATA_EXEMPT", {})
    return tuple(f for f in model._meta.concrete_fields if is_free_text(f) and f.name not in exempt)


def guard_instance(instance, update_fields=None) -> None:
    for field in guarded_fields(type(instance)):
        if update_fields is not None and field.name not in update_fields:
            continue
        check_text(getattr(instance, field.attname), field=field.name, label=field.verbose_name)


def guard_on_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save receiver: fixtures (raw) are loaded as they are."""
    if not raw:
        guard_instance(instance, update_fields)


def refusal_subject(label, *, phrase: bool = False) -> str:
    """How a refusal names its field: by its label, unless the label does not start a sentence (a
    question, a label with a remark, or a phrase that is no noun): then "This text"."""
    label = str(label or "")
    if not label or phrase or "?" in label or "(" in label:
        return _("This text")
    return label


def refuse_client_data_in_form(form, *, names=None) -> None:
    """The guard over what a form's text fields hold, from its `clean()`: a refusal then shows
    together with the form's other errors, each at its field in the form's own label, instead of
    only once those are mended (the save checks everything again). A label that is a question or
    carries a remark ("Waarom moet de regio dit oppakken?", "Toelichting (optioneel)") does not
    start a sentence: "This text" does; so does a label the form names in `phrase_labels`, a
    phrase that is no noun ("In een paar woorden"). `names`: only these fields."""
    for name, field in form.fields.items():
        if names is not None and name not in names:
            continue
        if name in form.errors or name not in form.cleaned_data:
            continue
        value = form.cleaned_data[name]
        findings = find_client_data(value) if isinstance(value, str) else []
        if findings:
            form.add_error(name, field_refusal(field, findings, phrase=name in getattr(form, "phrase_labels", ())))


def field_refusal(field, findings, *, phrase: bool = False) -> str:
    """A refusal at a form field, in the field's words. A field where the guard's words about
    clients do not fit (one's own name) gives its own message in `error_messages["client_data"]`;
    a field whose label does not name it in a sentence ("Of voeg een nieuwe organisatie toe: naam")
    gives the subject in `refusal_subject` ("Naam van de nieuwe organisatie"). Else the label
    names it (refusal_subject)."""
    own = field.error_messages.get("client_data")
    if own:
        return str(own)
    subject = getattr(field, "refusal_subject", None) or refusal_subject(field.label, phrase=phrase)
    return refusal_message(subject, findings)


def field_says_its_own_refusal(field) -> bool:
    """Whether a refusal the save raised is worded again at this form field (core.errors.add_refusal)."""
    return bool(field.error_messages.get("client_data") or getattr(field, "refusal_subject", None))


class GuardedForm(forms.Form):
    """A form whose typed texts pass the guard when it is validated, so a refusal shows together
    with its other errors (refuse_client_data_in_form). Forms that override clean() call super()."""

    #: Fields whose label does not start a sentence ("In een paar woorden lijkt …"): "This text".
    phrase_labels: frozenset[str] = frozenset()

    def clean(self):
        data = super().clean()
        refuse_client_data_in_form(self)
        return data
