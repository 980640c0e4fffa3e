from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.core.guard import refuse_client_data_in_form
from wijkverband.core.listfilters import GuardedFilterForm, SearchField
from wijkverband.socialmap.models import Cost, Kind
from wijkverband.socialmap.selectors import ListFilters
from wijkverband.socialmap.validation import entry_clean

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
TEXTAREA = {"class": "utrecht-textarea", "rows": 4}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
CHECKBOX = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
CLIENT_DATA_HELP = _(
    "About the offer, never about a client: no names, dates of birth, BSNs or other details that "
    "identify a person. Text with such details is refused."
)


def _text(label, max_length, help_text="", **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={**TEXT, **attrs}),
    )


def _flag(label, help_text=""):
    return forms.BooleanField(
        label=label, required=False, help_text=help_text, widget=forms.CheckboxInput(attrs=CHECKBOX)
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("— choose —"))] + list(Kind.choices), widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        help_text=CLIENT_DATA_HELP,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    street = _text(_("Street and number"), 200, autocomplete="street-address")
    postcode = _text(_("Postcode"), 7, _("Such as 3581 AB."), autocomplete="postal-code")
    place = _text(_("Place"), 100, autocomplete="address-level2")
    opening_hours = _text(_("Opening hours"), 500, _("Such as: Monday to Friday 09:00–17:00, Thursday evening."))
    dementia_friendly = _flag(_("Dementia-friendly"))
    wheelchair_accessible = _flag(_("Wheelchair-accessible"))
    cost = forms.ChoiceField(
        label=_("Cost"), choices=Cost.choices, initial=Cost.FREE, widget=forms.Select(attrs=SELECT)
    )
    price = _text(_("Price or contribution"), 200, _("Such as: € 2,50 per time, coffee included."))
    phone = _text(
        _("Phone (organisation)"),
        30,
        _("A general number of the organisation or the service, never a private number."),
        type="tel",
        autocomplete="off",
    )
    email = _text(_("E-mail (organisation)"), 200, _("A general address, never a person's own."), type="email")
    website = _text(_("Website"), 300, type="url")
    public = _flag(
        _("Public: the postcode lookup may show it"),
        _("For places and activities anyone may know of. The responsible member and who confirmed it are never shown."),
    )
    maintainer = forms.TypedChoiceField(
        label=_("Responsible member"), coerce=int, required=False, widget=forms.Select(attrs=SELECT)
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, maintainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.maintainers = {user.pk: user for user in maintainers}
        self.fields["maintainer"].choices = [("", _("— you, when you may keep this entry —"))] + [
            (pk, user.name or user.email) for pk, user in self.maintainers.items()
        ]
        self.fields["maintainer"].help_text = _("Is asked to confirm the entry again when it is due.")

    def clean(self):
        data = super().clean()
        if not self.errors:
            cleaned, errors = entry_clean(
                {name: data.get(name) for name in self.fields if name not in ("maintainer", "version")}
            )
            for name, message in errors.items():
                self.add_error(name, message)
            data.update(cleaned)
            data["maintainer"] = self.maintainers.get(data.get("maintainer")) if data.get("maintainer") else None
        # Client data shows with the other errors, not only once they are mended.
        refuse_client_data_in_form(self)
        return data


class FilterForm(GuardedFilterForm):
    q = SearchField(label=_("Search"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + list(Kind.choices),
        widget=forms.Select(attrs=SELECT),
    )
    scope = forms.ChoiceField(label=_("Neighbourhood"), required=False, widget=forms.Select(attrs=SELECT))
    dementia_friendly = _flag(_("Dementia-friendly"))
    wheelchair_accessible = _flag(_("Wheelchair-accessible"))
    free = _flag(_("Free"))
    public = _flag(_("Public"))
    stale = _flag(_("Only stale"))

    def __init__(self, *args, team=None, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            choices = [
                ("", _("This neighbourhood and the region")),
                ("team", _("Only this neighbourhood")),
                ("region", _("Only region-wide")),
            ]
        else:
            choices = [("", _("All neighbourhoods and the region")), ("region", _("Only region-wide"))] + [
                (str(t.pk), t.name) for t in teams
            ]
        self.fields["scope"].choices = choices

    def filters(self) -> ListFilters:
        """The filters to apply; invalid values are dropped (the form shows the errors)."""
        data = self.valid_data()
        return ListFilters(
            q=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            scope=data.get("scope") or "",
            dementia_friendly=bool(data.get("dementia_friendly")),
            wheelchair_accessible=bool(data.get("wheelchair_accessible")),
            free=bool(data.get("free")),
            public=bool(data.get("public")),
            stale=bool(data.get("stale")),
        )


class SuggestionForm(forms.Form):
    body = forms.CharField(
        label=_("What should be corrected?"),
        max_length=2000,
        help_text=_("Such as a new opening time or a changed phone number. Never anything about a client."),
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class HandleForm(forms.Form):
    """The answer to one suggestion; a page lists several, so each form's ids carry the
    suggestion's (answer-12), the ids the page has always used."""

    decision = forms.ChoiceField(
        choices=[("applied", _("Applied")), ("declined", _("Declined"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose applied or declined."),
            "invalid_choice": _("Choose applied or declined."),
        },
    )
    answer = forms.CharField(
        label=_("Answer to whoever suggested it"),
        max_length=2000,
        required=False,
        help_text=_("Edit the entry first when you apply it. Needed when you decline it: say why."),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )

    def __init__(self, *args, suggestion_id: int, **kwargs):
        super().__init__(*args, auto_id=f"%s-{suggestion_id}", **kwargs)
        self.suggestion_id = suggestion_id
        self.fields["answer"].conditionally_required = True  # when declined: the help text says so

    def clean(self):
        data = super().clean()
        refuse_client_data_in_form(self)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A spreadsheet saved as CSV, separated by semicolons or commas, in UTF-8 or Excel's own encoding. "
            "The first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "utrecht-textbox", "accept": ".csv,text/csv"}),
    )
