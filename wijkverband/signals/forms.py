from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.bottlenecks.forms import SELECT, BottleneckForm
from wijkverband.core.guard import GuardedForm

CLIENT_DATA_HELP = _(
    "Describe what clients run into, in their words, without anything that identifies a person: no "
    "names, dates of birth or citizen service numbers."
)
TEXTAREA = {"class": "utrecht-textarea", "rows": 6}
TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}


def _answer_field():
    return forms.CharField(
        label=_("Answer to the representatives"),
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("They read it with their signal: what happens with it, and why."),
    )


class SignalForm(GuardedForm):
    phrase_labels = frozenset({"title", "text"})  # "In een paar woorden", "Waar cliënten tegenaan lopen"
    title = forms.CharField(label=_("In a few words"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    text = forms.CharField(
        label=_("What clients run into"),
        max_length=5000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 8}),
        help_text=CLIENT_DATA_HELP,
    )


class AnswerForm(forms.Form):
    answer = _answer_field()


class ReviewForm(forms.Form):
    agreement = forms.TypedChoiceField(label=_("Into the review of"), coerce=int, widget=forms.Select(attrs=SELECT))
    answer = _answer_field()

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [("", _("— choose an agreement —")), *agreements]


class SignalBottleneckForm(BottleneckForm):
    """The bottleneck form of the bottleneck log, prefilled from the signal, plus the answer."""

    answer = _answer_field()

    field_order = ["title", "description", "category", "impact", "affected_kinds", "answer"]
