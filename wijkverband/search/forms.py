from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.core.dates import PlausibleDateField
from wijkverband.core.listfilters import GuardedFilterForm, SearchField
from wijkverband.search.selectors import KIND_LABELS, KINDS, STATUS_CHOICES


class SearchForm(GuardedFilterForm):
    """The search page's fields. A field that does not parse is left out of the search (and says so)."""

    q = SearchField(label=_("Search for"))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    author = forms.TypedChoiceField(label=_("Written by"), coerce=int, empty_value=None, required=False)
    # Outside the window of every date box (core/dates.py: from 2000, up to ten years ahead) a date
    # is named at its box and left out of the search, as one that does not parse: it was moved up to
    # 1 January 2000 without a word (and 1 January of the year 1 had failed with a 500).
    since = PlausibleDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = PlausibleDateField(
        label=_("Up to and including"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    page = forms.IntegerField(min_value=1, max_value=1000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, teams, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *[(k, KIND_LABELS[k]) for k in KINDS]]
        self.fields["team"].choices = [("", _("All my teams")), *[(t.slug, t.name) for t in teams]]
        self.fields["author"].choices = [("", _("Anyone")), *authors]
        self.fields["status"].choices = [("", _("Any status")), *STATUS_CHOICES]
        for name, field in self.fields.items():
            if name == "q":
                continue  # a search box of its own (core.listfilters.SearchField)
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "utrecht-select utrecht-select--html-select"
            elif isinstance(field.widget, forms.DateInput):
                field.widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            # Left out, as any field that does not parse: the search runs from "From" on.
            self.add_error("until", _("This date is before “From”: left out of the search."))
        return data

    @property
    def filters_need_attention(self) -> bool:
        """A filter that was left out because it did not parse: the filters are shown open."""
        return any(self.errors.get(name) for name in self.fields if name != "q")
