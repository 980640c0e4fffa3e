from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.core.guard import refuse_client_data_in_form
from wijkverband.wijkcard.models import SLOTS
from wijkverband.wijkcard.phones import PhoneError, display_phone, normalise_phone

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
PHONE = {**TEXT, "inputmode": "tel", "autocomplete": "off"}
TEXTAREA = {"class": "utrecht-textarea", "rows": 3}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
CHECKBOX = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
NO_CLIENT_DATA = _(
    "About how to reach the organisation, never about a client: no names, dates of birth or BSNs. "
    "Text with such details is refused."
)


class EntryForm(forms.Form):
    """An entry of the card. The service checks everything again (phone numbers, the organisation,
    client data) and its refusal is shown at the field."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=forms.Select(attrs=SELECT))
    contact_point = forms.CharField(
        label=_("Contact point"),
        max_length=120,
        help_text=_("A role or a team, never a person: such as “triage line”, “district nursing team Oost-2”."),
        widget=forms.TextInput(attrs=TEXT),
    )
    direct_phone = forms.CharField(
        label=_("Direct line for professionals"),
        required=False,
        max_length=40,
        help_text=_("A back line or the team's direct number. Never shown on the public lookup."),
        widget=forms.TextInput(attrs=PHONE),
    )
    mobile_is_service = forms.BooleanField(
        label=_("The mobile (06) numbers on this entry are team or service phones, not someone's own phone"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    secure_mail = forms.CharField(
        label=_("Secure-mail address"),
        required=False,
        max_length=200,
        help_text=_("ZorgMail, Zivver, Siilo or similar: the address professionals send client information to."),
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes for the team"),
        required=False,
        max_length=1000,
        help_text=NO_CLIENT_DATA,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    public = forms.BooleanField(
        label=_("Show on the public postcode lookup (organisation, general numbers and hours only)"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    serves_wijk = forms.BooleanField(
        label=_("This is the district-nursing team that serves the wijk"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    takes_lead = forms.BooleanField(
        label=_("This organisation takes the lead when a client falls between two chairs"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    lead_arrangement = forms.CharField(
        label=_("The arrangement"),
        required=False,
        max_length=500,
        help_text=_("In a sentence or two: who calls whom, and by when."),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )
    maintainer = forms.TypedChoiceField(
        label=_("Responsible member"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Asked to confirm the entry again when it is due."),
        widget=forms.Select(attrs=SELECT),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisations, members, **kwargs):
        super().__init__(*args, **kwargs)
        for key, when in SLOTS:
            # Named with their time of day: an error list says which of the four is wrong.
            self.fields[f"{key}_phone"] = forms.CharField(
                label=_("Phone %(when)s") % {"when": str(when).lower()},
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs=PHONE),
            )
            self.fields[f"{key}_hours"] = forms.CharField(
                label=_("Hours %(when)s") % {"when": str(when).lower()},
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs=TEXT),
            )
        self.fields["organisation"].choices = [("", _("— choose an organisation —"))] + [
            (o.pk, f"{o.name} ({o.get_kind_display()})") for o in organisations
        ]
        self.fields["maintainer"].choices = [("", _("— nobody yet —"))] + [(u.pk, u.name or u.email) for u in members]
        self.organisations = {o.pk: o for o in organisations}
        self.members = {u.pk: u for u in members}

    def clean(self):
        """Every phone number and every text at once, so all problems show in one go (the
        service checks them again, and the rest: the organisation, a mobile number, the lead)."""
        data = super().clean()
        phones = [f"{key}_phone" for key, _when in SLOTS] + ["direct_phone"]
        for name in phones:
            if data.get(name):
                try:
                    normalise_phone(data[name])
                except PhoneError as error:
                    self.add_error(name, str(error))
        refuse_client_data_in_form(self, names=[name for name in self.fields if name not in phones])
        if (data.get("lead_arrangement") or "").strip() and not data.get("takes_lead"):
            # It would not be kept: an arrangement is only stored with the lead.
            self.add_error(
                "lead_arrangement",
                _("This arrangement goes with taking the lead: tick that box as well, or empty this field."),
            )
        return data

    @property
    def slot_fields(self):
        """[(label, phone field, hours field)] for the template's fieldset per time of day."""
        return [(label, self[f"{key}_phone"], self[f"{key}_hours"]) for key, label in SLOTS]

    @staticmethod
    def initial_for(entry) -> dict:
        initial = {
            name: getattr(entry, name)
            for name in (
                "contact_point",
                "mobile_is_service",
                "secure_mail",
                "notes",
                "public",
                "serves_wijk",
                "takes_lead",
                "lead_arrangement",
                "version",
            )
        }
        for key, _label in SLOTS:
            initial[f"{key}_phone"] = display_phone(getattr(entry, f"{key}_phone"))
            initial[f"{key}_hours"] = getattr(entry, f"{key}_hours")
        initial["direct_phone"] = display_phone(entry.direct_phone)
        initial["organisation"] = entry.organisation_id
        initial["maintainer"] = entry.maintainer_id
        return initial

    def entry_data(self) -> dict:
        """Keyword arguments for services.EntryData."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["organisation"] = self.organisations.get(data["organisation"])
        data["maintainer"] = self.members.get(data["maintainer"]) if data["maintainer"] else None
        return data


class SettingsForm(forms.Form):
    reconfirm_months = forms.TypedChoiceField(
        label=_("Confirm contact details every"),
        coerce=int,
        choices=[(n, n) for n in range(1, 25)],
        help_text=_("In months. Entries not confirmed for this long are marked stale."),
        widget=forms.Select(attrs=SELECT),
    )


class SuggestionForm(forms.Form):
    text = forms.CharField(
        label=_("What should be corrected?"),
        max_length=1000,
        help_text=_(
            "Such as a number that no longer works or hours that changed. Never about a client: "
            "text with names, dates of birth or BSNs is refused."
        ),
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class DeclineForm(forms.Form):
    answer = forms.CharField(
        label=_("Why you decline it (the representative reads this)"),
        max_length=1000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )


class ApplyAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("A note for the representative"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )
