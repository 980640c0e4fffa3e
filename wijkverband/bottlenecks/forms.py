from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wijkverband.bottlenecks.models import AgreementLink, Impact, Status
from wijkverband.bottlenecks.selectors import SORTS, ListFilters
from wijkverband.bottlenecks.services import target_problems
from wijkverband.core.guard import GuardedForm
from wijkverband.core.listfilters import GuardedFilterForm, SearchField
from wijkverband.core.numbers import WholeNumberField
from wijkverband.tenancy.models import EXTERNAL_KINDS, OrganisationKind

TEXTAREA = {"class": "utrecht-textarea", "rows": 4}
TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
CLIENT_DATA_HELP = _(
    "About how care works, never about a client: no names, dates of birth, BSNs or other details "
    "that identify a person. Text with such details is refused."
)

# The providers' kinds: an insurer, a municipality or a client council is an external party. The
# report and edit forms offer these, and the list filters by them.
AFFECTED_KINDS = [(value, label) for value, label in OrganisationKind.choices if value not in EXTERNAL_KINDS]


class BottleneckForm(GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 8}),
        help_text=CLIENT_DATA_HELP,
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, widget=forms.Select(attrs=SELECT))
    impact = forms.TypedChoiceField(
        label=_("Impact"), coerce=int, choices=Impact.choices, initial=Impact.MEDIUM, widget=forms.Select(attrs=SELECT)
    )
    affected_kinds = forms.MultipleChoiceField(
        label=_("Core players it affects"),
        choices=AFFECTED_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— choose a category —"))] + [(c.pk, c.label) for c in categories]


class ReportForm(BottleneckForm):
    internal = forms.BooleanField(
        label=_("Internal: not visible to client representatives"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}),
    )
    internal_reason = forms.CharField(
        label=_("Why internal"), max_length=1000, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def clean(self):
        data = super().clean()
        # A reason refused (client data, too long) is not a missing one: its own error says enough.
        if "internal_reason" in self.errors:
            return data
        if data.get("internal") and not (data.get("internal_reason") or "").strip():
            self.add_error("internal_reason", _("Say why it is internal."))
        return data


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _text_field(label, required=True, help_text=""):
    return forms.CharField(
        label=label,
        max_length=5000,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("This field is required.")},
    )


class AskOwnerForm(ActionForm):
    candidate = forms.TypedChoiceField(label=_("Who should own it?"), coerce=int, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, professionals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [("", _("— choose a member —"))] + [
            (m.user_id, f"{m.user.name} ({m.organisation.name})" if m.organisation else m.user.name)
            for m in professionals
        ]


class DeclineForm(ActionForm):
    reason = _text_field(_("Why do you decline?"))


class ResolveForm(ActionForm):
    summary = _text_field(
        _("Resolution summary"), help_text=_("What was decided or changed? This stays prominent on the item.")
    )


class CloseForm(ActionForm):
    reason = _text_field(_("Why close it without a resolution?"))


class ReopenForm(ActionForm):
    reason = _text_field(_("Why is it back?"))


class EscalateForm(ActionForm):
    reason = _text_field(_("Why should the region take this up?"))


class InternalForm(ActionForm):
    """Marking internal asks why (required, as when reporting); making it visible again asks
    nothing more (the service keeps no reason for that)."""

    reason = forms.CharField(
        label=_("Why internal?"),
        max_length=1000,  # as on the report form
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
        error_messages={"required": _("Say why it is internal.")},
    )

    def __init__(self, *args, making_internal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not making_internal:
            del self.fields["reason"]


class ItemRefForm(forms.Form):
    other = forms.CharField(
        label=_("Number of the other bottleneck"),
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
    )


class LinkForm(ItemRefForm):
    pass


class AgreementLinkForm(forms.Form):
    agreement = forms.CharField(
        label=_("Number of the agreement"),
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=AgreementLink.Kind.choices, widget=forms.Select(attrs=SELECT))


class DuplicateForm(ActionForm, ItemRefForm):
    pass


class RespondForm(ActionForm):
    note = _text_field(_("Response of the region"))


class TakeUpForm(ActionForm):
    note = _text_field(_("Explanation"), required=False)  # the field says "(optional)" itself


class HandBackForm(ActionForm):
    advice = _text_field(_("Advice to the team"))


class FilterForm(GuardedFilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), ("done", _("Resolved or closed")), ("all", _("All"))] + list(Status.choices),
        widget=forms.Select(attrs=SELECT),
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, widget=forms.Select(attrs=SELECT)
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"),
        required=False,
        coerce=int,
        choices=[("", _("Any"))] + list(Impact.choices),
        widget=forms.Select(attrs=SELECT),
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False, widget=forms.Select(attrs=SELECT))
    affected = forms.ChoiceField(
        label=_("Affects"),
        required=False,
        choices=[("", _("Anyone")), *AFFECTED_KINDS],
        widget=forms.Select(attrs=SELECT),
    )
    overdue = forms.BooleanField(
        label=_("Only overdue"), required=False, widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox"})
    )
    mine = forms.BooleanField(
        label=_("Only mine"), required=False, widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox"})
    )
    q = SearchField(label=_("Search"))
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("impact", _("Highest impact first")),
            ("signals", _("Most widely felt first")),
        ],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, categories, professionals, rights, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any"))] + [(c.pk, c.label) for c in categories]
        # Only the filters a person can use: "Only mine" for who can own an item; the owner for
        # who works with the owners (members, the region's overseers), not a client representative
        # reading along.
        if not rights.can_contribute:
            del self.fields["mine"]
            if not rights.can_oversee:
                del self.fields["owner"]
        if "owner" in self.fields:
            self.fields["owner"].choices = [("", _("Anyone")), ("none", _("Unowned"))] + [
                (str(m.user_id), m.user.name) for m in professionals
            ]

    def filters(self) -> ListFilters:
        """The filters to apply; invalid values are dropped (the form shows the errors)."""
        data = self.valid_data()
        status = data.get("status") or "open"
        return ListFilters(
            status="" if status == "all" else status,
            category=data.get("category") or None,
            impact=data.get("impact") or None,
            owner=data.get("owner") or "",
            affected=data.get("affected") or "",
            overdue=bool(data.get("overdue")),
            mine=bool(data.get("mine")),
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") if data.get("sort") in SORTS else "oldest",
        )


# --- settings ----------------------------------------------------------------------------------------


class TargetsForm(forms.Form):
    """The response targets, a row per impact (highest first, as the table shows them): inputs
    `accept-<impact>` and `resolve-<impact>`, the names the service's refusals give as their field,
    with those names as their ids. Every problem is said at its input (services.target_problems)."""

    def __init__(self, *args, targets: dict[int, tuple[int, int]], **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)
        for impact in self.impacts():
            label = Impact(impact).label
            accept, resolve = targets[impact]
            self.fields[f"accept-{impact}"] = _days(
                gettext("Working days to acceptance, impact %(impact)s") % {"impact": label}, 0, accept
            )
            self.fields[f"resolve-{impact}"] = _days(
                gettext("Working days to resolution, impact %(impact)s") % {"impact": label}, 1, resolve
            )

    @staticmethod
    def impacts() -> list[int]:
        return sorted(Impact.values, reverse=True)

    def rows(self) -> list[tuple[Impact, forms.BoundField, forms.BoundField]]:
        return [(Impact(impact), self[f"accept-{impact}"], self[f"resolve-{impact}"]) for impact in self.impacts()]

    def targets(self) -> dict[int, tuple[int, int]]:
        data = self.cleaned_data
        return {impact: (data[f"accept-{impact}"], data[f"resolve-{impact}"]) for impact in self.impacts()}

    def clean(self):
        data = super().clean()
        given = {
            impact: (data[f"accept-{impact}"], data[f"resolve-{impact}"])
            for impact in self.impacts()
            if data.get(f"accept-{impact}") is not None and data.get(f"resolve-{impact}") is not None
        }
        for field, message in target_problems(given):
            if field not in self.errors:
                self.add_error(field, message)
        return data


def _days(label: str, low: int, initial: int) -> WholeNumberField:
    # A text box (core.numbers): a number box in a Dutch browser sent a typed "2,5" as 25.
    return WholeNumberField(
        label=label,
        initial=initial,
        error_messages={
            "required": _("Give a number of working days."),
            "invalid": _("Give a whole number of working days."),
            "separated": _("Give a whole number of working days."),
        },
    )


class CategoryForm(GuardedForm):
    """A team's own category; its input keeps the id it had (`category-name`)."""

    name = forms.CharField(
        label=_("Name of a new category"),
        max_length=80,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Give the category a name.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="category-%s", **kwargs)
