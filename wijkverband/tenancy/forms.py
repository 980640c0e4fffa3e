from django import forms
from django.contrib.auth import password_validation
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from wijkverband.tenancy import postcodes
from wijkverband.tenancy.models import Membership, OrganisationKind, validate_postcode_areas


class _OrganisationsByTakingPart(ModelChoiceIterator):
    """The list offered agreement parties (a client council, an insurer) among the team's own
    organisations, and the invitation then refused them for a member, a coordinator or a client
    representative ("Die organisatie doet niet mee in dit wijkverband."). The role is chosen in the
    same form, without JavaScript, so the list cannot follow it: it is grouped instead, the team's
    organisations first, then those that are only party to an agreement (external party only).
    Without such parties, one list as before."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        taking_part, parties_only = [], []
        for organisation in self.queryset:
            group = taking_part if getattr(organisation, "takes_part", True) else parties_only
            group.append(self.choice(organisation))
        if not parties_only:
            yield from taking_part
            return
        if taking_part:
            yield (_("Takes part in this team"), taking_part)
        yield (_("Party to an agreement only: for an external party"), parties_only)


class _OrganisationChoiceField(forms.ModelChoiceField):
    iterator = _OrganisationsByTakingPart


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    # In the fieldset "The organisation this person acts for" (tenancy/member_invite.html): a label
    # of its own, or a screen reader says "Organisatie" twice.
    organisation = _OrganisationChoiceField(
        label=_("Organisation of the team"),
        queryset=None,  # the team's organisations and agreement parties, given by the view
        required=False,
        empty_label=_("— choose an organisation —"),
        help_text=_(
            "Members and coordinators act on behalf of an organisation; an external party for the "
            "insurer, municipality or client council that is party to the team's agreements."
        ),
    )
    new_organisation_name = forms.CharField(label=_("Or add a new organisation: name"), max_length=200, required=False)
    new_organisation_kind = forms.ChoiceField(
        label=_("Kind of the new organisation"),
        choices=[("", _("— choose a kind —")), *OrganisationKind.choices],
        required=False,
    )

    def __init__(self, *args, organisations, **kwargs):
        """organisations: tenancy.selectors.invitation_organisation_choices."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # Required for members and coordinators (checked in clean): not marked "optional".
        self.fields["organisation"].conditionally_required = True
        # A refusal of client data names it in a sentence: "Naam van de nieuwe organisatie lijkt …".
        self.fields["new_organisation_name"].refusal_subject = _("Name of the new organisation")
        # A new team has no organisations yet: its list offered only "— choose an organisation —",
        # and the refusal "choose one" led to that list. Without any, the list is left out and the
        # refusal names and points at the new organisation's fields instead.
        self.has_organisations = organisations.exists()
        if not self.has_organisations:
            del self.fields["organisation"]
            self.fields["new_organisation_name"].label = _("Name of the new organisation")
            for name in ("new_organisation_name", "new_organisation_kind"):
                self.fields[name].conditionally_required = True  # for members and coordinators

    def clean(self):
        data = super().clean()
        new_name = (data.get("new_organisation_name") or "").strip()
        if new_name and not data.get("new_organisation_kind"):
            self.add_error("new_organisation_kind", _("Choose the kind of the new organisation."))
        if new_name and data.get("organisation"):
            self.add_error("new_organisation_name", _("Choose an existing organisation or add a new one, not both."))
        if (
            data.get("role")
            and data.get("role") != Membership.Role.CLIENT_REPRESENTATIVE
            and not data.get("organisation")
            and not new_name
        ):
            if self.has_organisations:
                self.add_error(
                    "organisation", _("Members and coordinators act on behalf of an organisation: choose one.")
                )
            else:
                self.add_error(
                    "new_organisation_name",
                    _(
                        "Members and coordinators act on behalf of an organisation, and this team has no "
                        "organisations yet: fill in the name of the one this person acts for."
                    ),
                )
                if not data.get("new_organisation_kind"):
                    self.add_error("new_organisation_kind", _("Choose the kind of the new organisation."))
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    # Asked only when the new role acts for an organisation and the person has none yet (a client
    # representative who becomes a member): tenancy/member_role.html.
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        empty_label=_("— choose an organisation —"),
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )

    # Only for a team without organisations (a new team whose first member is a client
    # representative): as on the invitation page, the list is left out and these ask for the one.
    new_organisation_name = forms.CharField(
        label=_("Name of the new organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
    )
    new_organisation_kind = forms.ChoiceField(
        label=_("Kind of the new organisation"),
        choices=[("", _("— choose a kind —")), *OrganisationKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        """organisations: the team's (tenancy.selectors.team_organisation_choices)."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].conditionally_required = True  # on the page that asks for it
        self.fields["role"].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"
        self.has_organisations = organisations.exists()
        if self.has_organisations:
            del self.fields["new_organisation_name"], self.fields["new_organisation_kind"]
        else:
            # An empty list offered only "— choose an organisation —", and "choose one" led to it.
            del self.fields["organisation"]
            self.fields["new_organisation_name"].refusal_subject = _("Name of the new organisation")
            for name in ("new_organisation_name", "new_organisation_kind"):
                self.fields[name].conditionally_required = True

    @property
    def on_its_page(self) -> bool:
        """Sent from the page that asks for the organisation (the members list sends the role only)."""
        asked = "organisation" if self.has_organisations else "new_organisation_name"
        return asked in self.data

    def ask_for_organisation(self) -> None:
        """The refusal when a role that acts for an organisation was sent without one."""
        if self.has_organisations:
            self.add_error("organisation", _("Choose the organisation this person acts for."))
            return
        self.add_error(
            "new_organisation_name",
            _(
                "Members and coordinators act on behalf of an organisation, and this team has no "
                "organisations yet: fill in the name of the one this person acts for."
            ),
        )
        if not self.cleaned_data.get("new_organisation_kind"):
            self.add_error("new_organisation_kind", _("Choose the kind of the new organisation."))

    def clean(self):
        data = super().clean()
        if (data.get("new_organisation_name") or "").strip() and not data.get("new_organisation_kind"):
            self.add_error("new_organisation_kind", _("Choose the kind of the new organisation."))
        return data


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in web addresses"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens, such as utrecht-oost."),
        # Django's own says "a valid ‘slug’": the help text's words instead.
        error_messages={"invalid": _("Use only lower-case letters, digits and hyphens, such as utrecht-oost.")},
    )
    municipality = forms.CharField(label=_("Municipality"), max_length=120)
    postcode_areas = forms.CharField(
        label=_("Postcode areas"),
        max_length=5000,
        required=False,
        validators=[validate_postcode_areas],
        help_text=postcodes.area_help(),
    )


class NewAccountForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters, not only digits, not a commonly used password and not like your name or"
            " e-mail address."
        ),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        # The password's own problems and the repetition's, said together: "kort" with another
        # repetition said only that the two differ, and that it was too short on the next try.
        if p1:
            from wijkverband.accounts.models import User

            try:
                password_validation.validate_password(p1, User(email=self.email, name=data.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        return data
