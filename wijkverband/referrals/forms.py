"""Forms parse input only; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.core.dates import PlausibleDateField
from wijkverband.core.guard import GuardedForm
from wijkverband.core.listfilters import GuardedFilterForm
from wijkverband.core.numbers import WholeNumberField
from wijkverband.referrals.models import Status
from wijkverband.referrals.months import EARLIEST, month_choices, parse_month

TEXTBOX = {"class": "utrecht-textbox utrecht-textbox--html-input"}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
DATE = {"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs or DATE, format="%Y-%m-%d")


class MonthField(forms.ChoiceField):
    """A month from a list (works everywhere, unlike <input type="month">), cleaned to its first day."""

    def clean(self, value):
        value = super().clean(value)
        return parse_month(value) if value else None


class PeriodForm(GuardedFilterForm):
    """The period of the overview and the record list (GET; the defaults: the last twelve months).
    Its values are in the address: client data there is refused (core/listfilters.py), not repeated."""

    start = MonthField(label=_("From"), required=False, widget=forms.Select(attrs=SELECT))
    end = MonthField(label=_("Up to and including"), required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, earliest=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = month_choices(earliest=earliest)
        self.fields["start"].choices = choices
        self.fields["end"].choices = choices

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
            # Which of the two was the slip is not known: the period is the default one.
            data.pop("start", None)
        return data


class RecordFilterForm(PeriodForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Status.choices],
        widget=forms.Select(attrs=SELECT),
    )


class CountsForm(forms.Form):
    month = MonthField(label=_("Month"), widget=forms.Select(attrs=SELECT))
    referrer = forms.ModelChoiceField(
        label=_("Referring organisation"),
        queryset=None,
        empty_label=_("— choose an organisation —"),
        widget=forms.Select(attrs=SELECT),
    )
    referrals = WholeNumberField(
        label=_("Referrals to the wellbeing coach"),
        min_value=0,
        help_text=_("Clients this organisation referred to the wellbeing coach in this month."),
    )
    intakes = WholeNumberField(
        label=_("Intakes held"),
        min_value=0,
        help_text=_("Of these referrals: how many had an intake with the wellbeing coach (so far)."),
    )
    feedback = WholeNumberField(
        label=_("Feedback returned to the referrer"),
        min_value=0,
        help_text=_("Of these referrals: about how many the referrer heard back, also when the client did not start."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, referrers, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer"].queryset = referrers
        self.fields["month"].choices = months

    def clean(self):
        data = super().clean()
        referrals, intakes, feedback = data.get("referrals"), data.get("intakes"), data.get("feedback")
        if referrals is not None and intakes is not None and intakes > referrals:
            self.add_error("intakes", _("There cannot be more intakes than referrals in a month."))
        if referrals is not None and feedback is not None and feedback > referrals:
            self.add_error("feedback", _("Feedback can be returned at most once per referral."))
        return data


class ReferralForm(GuardedForm):
    # Typed dates from the first month the figures go back to (core/dates.py).
    referred_on = PlausibleDateField(label=_("Referral date"), earliest=EARLIEST, widget=DateInput())
    referrer = forms.ModelChoiceField(
        label=_("Referring organisation"),
        queryset=None,
        empty_label=_("— choose an organisation —"),
        widget=forms.Select(attrs=SELECT),
    )
    offer = forms.CharField(
        label=_("Offer"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=TEXTBOX),
        help_text=_(
            "A short name of the activity or offer, such as “wandelgroep” or “taalcafé”. Never anything about "
            "the client: no name, no date of birth, no BSN."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.Select(attrs=SELECT))
    feedback_on = PlausibleDateField(
        label=_("Feedback sent to the referrer on"),
        earliest=EARLIEST,
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the referrer has not heard back."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, referrers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer"].queryset = referrers

    def clean(self):
        data = super().clean()
        referred_on, feedback_on = data.get("referred_on"), data.get("feedback_on")
        if referred_on and feedback_on and feedback_on < referred_on:
            self.add_error("feedback_on", _("Feedback cannot be sent before the referral."))
        return data
