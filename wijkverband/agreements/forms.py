"""Forms parse input only; the rules live in services.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wijkverband.agreements.dates import START_YEARS_AHEAD, version_date_errors
from wijkverband.agreements.models import (
    EXTERNAL_KINDS,
    REASON_LIMIT,
    TEXT_LIMITS,
    Decision,
    Dimension,
    Frequency,
    PartyKind,
    Status,
)
from wijkverband.agreements.selectors import ListFilters
from wijkverband.core.dates import PlausibleDateField
from wijkverband.core.guard import GuardedForm
from wijkverband.core.listfilters import GuardedFilterForm, SearchField
from wijkverband.core.numbers import DecimalNumberField
from wijkverband.core.registry import indicator_sources
from wijkverband.core.textlimits import LimitedTextField

TEXTBOX = {"class": "utrecht-textbox utrecht-textbox--html-input"}
TEXTAREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 6}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
DATE = {"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs or DATE, format="%Y-%m-%d")


class AgreementForm(GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXTBOX))
    need = LimitedTextField(
        max_length=TEXT_LIMITS["need"],
        label=_("The need it answers"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The analysis of the need in the neighbourhood: who, how many, what goes wrong now."),
    )
    sources = LimitedTextField(
        max_length=TEXT_LIMITS["sources"],
        label=_("Sources of the analysis"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
        help_text=_("Figures, reports or consultations the analysis rests on."),
    )
    body = LimitedTextField(
        max_length=TEXT_LIMITS["body"],
        label=_("The agreement"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 12}),
        help_text=_("Who does what for whom. Markdown: **bold**, lists with -, links [text](https://…)."),
    )
    gain_quality = LimitedTextField(
        max_length=TEXT_LIMITS["gain_quality"],
        label=_("What clients gain in quality"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    gain_accessibility = LimitedTextField(
        max_length=TEXT_LIMITS["gain_accessibility"],
        label=_("What clients gain in accessibility"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    gain_affordability = LimitedTextField(
        max_length=TEXT_LIMITS["gain_affordability"],
        label=_("What clients gain in affordability"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, widget=forms.Select(attrs=SELECT))
    # The window of a typed date (core/dates.py): a start up to five years ahead; a review's far end
    # depends on the start (ten years after it), so clean() says it in those words.
    start_date = PlausibleDateField(
        label=_("Start date"), years_ahead=START_YEARS_AHEAD, required=False, widget=DateInput()
    )
    review_date = PlausibleDateField(label=_("Review date"), years_ahead=None, required=False, widget=DateInput())
    change_note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=TEXTBOX),
        help_text=_("A short note for the history, such as “target raised after the evaluation”."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, owners, **kwargs):
        """owners: the team's professionals (tenancy.selectors.team_professional_users)."""
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.name or user.email

    def clean(self):
        data = super().clean()
        # The service asks the same (agreements/dates.py); here every date's problem shows at once.
        start, review = data.get("start_date"), data.get("review_date")
        for name, message in version_date_errors(start=start, review=review, today=timezone.localdate()).items():
            self.add_error(name, message)
        return data


class EndForm(forms.Form):
    reason = LimitedTextField(
        max_length=REASON_LIMIT,
        label=_("Why does the agreement end?"),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )


class EndorseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(choices=Decision.choices)
    reason = LimitedTextField(
        max_length=REASON_LIMIT,
        label=_("Reason (needed when you decline)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required when declining (the service says so at the field): the label says when, so it
        # is not also marked "optional" ("Reden (nodig als je afwijst) (niet verplicht)").
        self.fields["reason"].conditionally_required = True


class ConsentForm(GuardedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    given_on = PlausibleDateField(label=_("Date the consent was given"), widget=DateInput())
    where_given = forms.CharField(
        label=_("Where it was given"),
        max_length=300,
        widget=forms.TextInput(attrs=TEXTBOX),
        help_text=_("For example: letter of 3 March, e-mail from the contract manager, meeting of the steering group."),
    )


class OrganisationPartyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation of the team"), queryset=None, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args, organisations, **kwargs):
        """organisations: the team's (tenancy.selectors.team_organisation_choices)."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ExternalPartyForm(GuardedForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in PartyKind if k in EXTERNAL_KINDS],
        widget=forms.Select(attrs=SELECT),
    )
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXTBOX))


class IndicatorForm(GuardedForm):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXTBOX))
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices, widget=forms.Select(attrs=SELECT))
    unit = forms.CharField(
        label=_("Unit"),
        max_length=40,
        widget=forms.TextInput(attrs=TEXTBOX),
        help_text=_("For example: %, days, clients, euro."),
    )
    baseline = DecimalNumberField(label=_("Baseline"), required=False)
    target = DecimalNumberField(label=_("Target"))
    frequency = forms.ChoiceField(
        label=_("How often it is measured"), choices=Frequency.choices, widget=forms.Select(attrs=SELECT)
    )
    source = forms.ChoiceField(
        label=_("Where the measurements come from"),
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_(
            "Entered by hand, or fed automatically every month from figures the team keeps in Wijkverband "
            "(then it is measured monthly)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("Entered by hand")), *[(s.key, s.label) for s in indicator_sources()]]


class MeasurementForm(forms.Form):
    value = DecimalNumberField(label=_("Value"))
    measured_on = PlausibleDateField(label=_("Date"), widget=DateInput())
    # "Note" alone reads "Notitie" (allauth's catalogue comes first); the guard says "toelichting".
    note = forms.CharField(
        label=pgettext_lazy("measurement", "Note"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=TEXTBOX),
    )


class ListFilterForm(GuardedFilterForm):
    q = SearchField(label=_("Search titles and text"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Status.choices],
        widget=forms.Select(attrs=SELECT),
    )
    party = forms.ChoiceField(label=_("Party"), required=False, widget=forms.Select(attrs=SELECT))
    owner = forms.ChoiceField(label=_("Owner"), required=False, widget=forms.Select(attrs=SELECT))
    review_due = forms.BooleanField(label=_("Only those due for review"), required=False)

    def __init__(self, *args, party_choices, owner_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", _("Any party")), *party_choices]
        self.fields["owner"].choices = [("", _("Anyone")), *[(str(pk), name) for pk, name in owner_choices]]

    def filters(self) -> ListFilters:
        """The filters to apply; a value the list does not know is left out alone (the form shows
        its error), as on the other lists (core/listfilters.py)."""
        data = self.valid_data()
        return ListFilters(
            status=data.get("status") or "",
            party=data.get("party") or "",
            owner=data.get("owner") or "",
            review_due=bool(data.get("review_due")),
            q=(data.get("q") or "").strip(),
        )


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("From version"), min_value=1, widget=forms.NumberInput(attrs=TEXTBOX))
    b = forms.IntegerField(label=_("To version"), min_value=1, widget=forms.NumberInput(attrs=TEXTBOX))
