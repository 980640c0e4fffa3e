from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.agreements.models import EXTERNAL_KINDS, TEXT_LIMITS, Dimension, Frequency, PartyKind, is_percentage
from wijkverband.core.guard import GuardedForm
from wijkverband.core.numbers import DecimalNumberField
from wijkverband.core.textlimits import LimitedTextField
from wijkverband.regional.models import ItemStatus
from wijkverband.tenancy.models import OrganisationKind

TEXTAREA = {"class": "utrecht-textarea", "rows": 4}
TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
CHECKBOX = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
CLIENT_DATA_HELP = _(
    "About how care works, never about a client: no names, dates of birth, BSNs or other details "
    "that identify a person. Text with such details is refused."
)
EXTERNAL_CHOICES = [("", _("— none —"))] + [(kind.value, kind.label) for kind in EXTERNAL_KINDS]
#: External party rows on the offer and adoption forms (a page without JavaScript has fixed rows).
EXTERNAL_ROWS = 3
INDICATOR_ROWS = 2


def _person(user) -> str:
    return user.name or user.email


class ItemForm(GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(
        label=_("Description for the region"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 6}),
        help_text=_("Seen on the region's pages only; the teams read the progress updates."),
    )
    owner = forms.TypedChoiceField(label=_("Owner at the region"), coerce=int, widget=forms.Select(attrs=SELECT))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(user.pk, _person(user)) for user in managers]
        self.fields["description"].help_text = f"{self.fields['description'].help_text} {CLIENT_DATA_HELP}"


class TakeUpForm(ItemForm):
    category = forms.IntegerField(widget=forms.HiddenInput, required=False)
    bottlenecks = forms.TypedMultipleChoiceField(
        label=_("The teams' bottlenecks it takes up"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bottlenecks"].choices = [(b.pk, f"{b.team.name}: #{b.pk} {b.title}") for b in candidates]


class LinkForm(forms.Form):
    bottlenecks = forms.TypedMultipleChoiceField(
        label=_("Link more bottlenecks"), coerce=int, widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX)
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bottlenecks"].choices = [(b.pk, f"{b.team.name}: #{b.pk} {b.title}") for b in candidates]


class UpdateForm(GuardedForm):
    body = forms.CharField(
        label=_("Progress for the teams"),
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=CLIENT_DATA_HELP,
        error_messages={"required": _("Write what has happened: the teams read it.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("— unchanged —"))] + list(ItemStatus.choices),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class OfferForm(GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    # Its texts become a team's agreement's texts, with their limits (TEXT_LIMITS).
    need = LimitedTextField(
        label=_("The need (why)"),
        required=False,
        max_length=TEXT_LIMITS["need"],
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    body = LimitedTextField(
        label=_("The agreement (who does what for whom)"),
        max_length=TEXT_LIMITS["body"],
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 8}),
        help_text=CLIENT_DATA_HELP,
    )
    gain_quality = LimitedTextField(
        max_length=TEXT_LIMITS["gain_quality"],
        label=_("What clients gain in quality"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )
    gain_accessibility = LimitedTextField(
        max_length=TEXT_LIMITS["gain_accessibility"],
        label=_("What clients gain in accessibility"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )
    gain_affordability = LimitedTextField(
        max_length=TEXT_LIMITS["gain_affordability"],
        label=_("What clients gain in affordability"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )
    provider_kinds = forms.MultipleChoiceField(
        label=_("Care providers that take part"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(EXTERNAL_ROWS):
            self.fields[f"external_kind_{n}"] = forms.ChoiceField(
                label=_("External party %(n)s: kind") % {"n": n + 1},
                choices=EXTERNAL_CHOICES,
                required=False,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[f"external_name_{n}"] = forms.CharField(
                label=_("External party %(n)s: name") % {"n": n + 1},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs=TEXT),
            )
        for n in range(INDICATOR_ROWS):
            self.fields[f"indicator_name_{n}"] = forms.CharField(
                label=_("Indicator %(n)s: name") % {"n": n + 1},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs=TEXT),
            )
            self.fields[f"indicator_dimension_{n}"] = forms.ChoiceField(
                label=_("Indicator %(n)s: dimension") % {"n": n + 1},
                choices=Dimension.choices,
                required=False,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[f"indicator_unit_{n}"] = forms.CharField(
                label=_("Indicator %(n)s: unit") % {"n": n + 1},
                max_length=40,
                required=False,
                widget=forms.TextInput(attrs=TEXT),
            )
            self.fields[f"indicator_target_{n}"] = DecimalNumberField(
                label=_("Indicator %(n)s: target") % {"n": n + 1}, required=False
            )
            self.fields[f"indicator_frequency_{n}"] = forms.ChoiceField(
                label=_("Indicator %(n)s: frequency") % {"n": n + 1},
                choices=Frequency.choices,
                required=False,
                widget=forms.Select(attrs=SELECT),
            )

    def external_rows(self):
        return [(self[f"external_kind_{n}"], self[f"external_name_{n}"]) for n in range(EXTERNAL_ROWS)]

    def indicator_rows(self):
        names = ("name", "dimension", "unit", "target", "frequency")
        return [[self[f"indicator_{name}_{n}"] for name in names] for n in range(INDICATOR_ROWS)]

    def clean(self):
        data = super().clean()
        for n in range(INDICATOR_ROWS):
            target = f"indicator_target_{n}"
            if data.get(f"indicator_name_{n}") and data.get(target) is None and target not in self.errors:
                self.add_error(f"indicator_target_{n}", _("Give the target as a number."))
            elif (data.get(target) or 0) < 0 and is_percentage(data.get(f"indicator_unit_{n}")):
                self.add_error(target, _("A percentage cannot be negative: give the target as 0 or more."))
        return data

    def parties(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        rows = [(PartyKind.PROVIDER, kind, "") for kind in data.get("provider_kinds", [])]
        for n in range(EXTERNAL_ROWS):
            kind, name = data.get(f"external_kind_{n}"), (data.get(f"external_name_{n}") or "").strip()
            if kind or name:
                rows.append((kind, "", name))
        return rows

    def indicators(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for n in range(INDICATOR_ROWS):
            if data.get(f"indicator_name_{n}") or data.get(f"indicator_unit_{n}"):
                rows.append(
                    {
                        name: data.get(f"indicator_{name}_{n}")
                        for name in ("name", "dimension", "unit", "target", "frequency")
                    }
                )
        return rows


class AdoptForm(GuardedForm):
    title = forms.CharField(label=_("Title in your team"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    organisations = forms.TypedMultipleChoiceField(
        label=_("Your team's organisations that are party"),
        coerce=int,
        # An agreement of the team is made between its own organisations (at least one): without one,
        # nobody of the team could endorse it.
        error_messages={"required": _("Choose at least one of your team's organisations.")},
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.pk, f"{o.name} ({o.get_kind_display()})") for o in organisations]
        for n in range(EXTERNAL_ROWS):
            self.fields[f"external_kind_{n}"] = forms.ChoiceField(
                label=_("External party %(n)s: kind") % {"n": n + 1},
                choices=EXTERNAL_CHOICES,
                required=False,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[f"external_name_{n}"] = forms.CharField(
                label=_("External party %(n)s: name") % {"n": n + 1},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs=TEXT),
            )

    def external_rows(self):
        return [(self[f"external_kind_{n}"], self[f"external_name_{n}"]) for n in range(EXTERNAL_ROWS)]

    def clean(self):
        data = super().clean()
        for n in range(EXTERNAL_ROWS):
            kind, name = data.get(f"external_kind_{n}"), (data.get(f"external_name_{n}") or "").strip()
            if f"external_name_{n}" in self.errors or f"external_kind_{n}" in self.errors:
                continue  # said at the field already (the client-data guard refused the name, say)
            if kind and not name:
                self.add_error(f"external_name_{n}", _("Give the external party's name."))
            elif name and not kind:
                self.add_error(f"external_kind_{n}", _("Choose the kind of external party."))
        return data

    def externals(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        rows = []
        for n in range(EXTERNAL_ROWS):
            kind, name = data.get(f"external_kind_{n}"), (data.get(f"external_name_{n}") or "").strip()
            if kind and name:
                rows.append((kind, name))
        return rows
