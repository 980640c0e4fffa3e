from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from wijkverband.core.guard import refuse_client_data_in_form
from wijkverband.tenancy.models import OrganisationKind
from wijkverband.wijkcard import services
from wijkverband.wijkcard.models import SLOTS
from wijkverband.wijkcard.phones import PhoneError, display_phone, is_mobile, normalise_phone

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
    """An entry of the card. The form names every problem it can see at once (phone numbers, a
    mobile number without the tick, the secure-mail address, a way to reach them, the organisation's
    kind, the lead's arrangement, client data); the service checks everything again (and what needs
    the database: the team's organisations and members) and its refusal is shown at the field."""

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
        label=_("This is the district-nursing team that serves the neighbourhood"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    takes_lead = forms.BooleanField(
        label=_("This organisation takes the lead when a client falls through the gaps"),
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

    def __init__(self, *args, organisations, members, current_lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Ticking the lead takes it over from the entry that has it: the form says whose it is.
        self.current_lead = current_lead
        if current_lead is not None:
            self.fields["takes_lead"].help_text = _(
                "%(holder)s takes the lead now (“%(arrangement)s”). Ticking this hands it over to this "
                "organisation; their arrangement stays with their entry."
            ) % {"holder": current_lead.title, "arrangement": current_lead.lead_arrangement}
        if self.initial.get("lead_arrangement") and not self.initial.get("takes_lead"):
            self.fields["lead_arrangement"].help_text = _(
                "Kept from when this organisation took the lead: it shows on the card again when it takes "
                "the lead. Empty this field to remove it."
            )
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
        """Every problem at once, so all show in one go (the service checks them again)."""
        data = super().clean()
        phones = [f"{key}_phone" for key, _when in SLOTS] + ["direct_phone"]
        mobiles = []
        for name in phones:
            if data.get(name):
                try:
                    digits = normalise_phone(data[name])
                except PhoneError as error:
                    self.add_error(name, str(error))
                else:
                    if is_mobile(digits):
                        mobiles.append(name)
        if not data.get("mobile_is_service"):
            for name in mobiles:  # each one, where the service names the first
                self.add_error(name, services.mobile_refusal())
        refuse_client_data_in_form(self, names=[name for name in self.fields if name not in phones])
        secure_mail = (data.get("secure_mail") or "").strip()
        if secure_mail and "secure_mail" not in self.errors:
            try:
                validate_email(secure_mail)
            except ValidationError:
                self.add_error("secure_mail", services.secure_mail_refusal())
        if not secure_mail and not any((data.get(name) or "").strip() for name in phones):
            self.no_way_to_reach(services.no_way_to_reach_refusal())
        organisation = self.organisations.get(data.get("organisation"))
        if data.get("serves_wijk") and organisation and organisation.kind != OrganisationKind.DISTRICT_NURSING:
            self.add_error("serves_wijk", services.serves_wijk_refusal())
        if data.get("takes_lead") and not (data.get("lead_arrangement") or "").strip():
            self.add_error("lead_arrangement", services.arrangement_required())
        arrangement = (data.get("lead_arrangement") or "").strip()
        kept = (self.initial.get("lead_arrangement") or "").strip()
        if arrangement and arrangement != kept and not data.get("takes_lead"):
            # It would not be on the card: an arrangement shows with the lead (one kept from an
            # earlier lead stays as it is).
            self.add_error(
                "lead_arrangement",
                _("This arrangement goes with taking the lead: tick that box as well, or empty this field."),
            )
        return data

    def no_way_to_reach(self, message) -> None:
        """The refusal of a form without a phone number or secure-mail address: shown at the first
        phone box (the summary links there), and every box that could have held one is marked
        invalid and described by that one message, so a screen reader hears why at each of them."""
        first = f"{SLOTS[0][0]}_phone"
        self.add_error(first, message)
        error_id = f"{self[first].auto_id}_error"
        for name in [f"{key}_phone" for key, _when in SLOTS[1:]] + ["direct_phone", "secure_mail"]:
            bound = self[name]
            described = [f"{bound.auto_id}_helptext"] if bound.help_text else []
            bound.field.widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": " ".join([*described, error_id])}
            )

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
