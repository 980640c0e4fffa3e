"""The shared form field (frontend/templates/includes/field.html): how its label says a field may
be left empty."""

from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class _Form(forms.Form):
    note = forms.CharField(label="Toelichting", required=False)
    agree = forms.BooleanField(label="Ik ga akkoord", required=False)
    kinds = forms.MultipleChoiceField(
        label="Soorten", required=False, choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )


def _label(form, name: str) -> str:
    with translation.override("nl"):
        html = render_to_string("includes/field.html", {"field": form[name]})
    return html[html.index("<label") : html.index("</label>")]


def test_a_single_checkbox_is_never_marked_optional():
    """Found by an exploratory test: "Dit is het wijkverpleegkundig team van de wijk (niet verplicht)";
    leaving a checkbox unticked is an answer, not a field left out."""
    form = _Form()
    assert "niet verplicht" not in _label(form, "agree")
    assert "(niet verplicht)" in _label(form, "note")
    assert "(niet verplicht)" in _label(form, "kinds")  # a group of choices may be left with none


def test_a_filter_forms_fields_are_never_marked_optional():
    """Found by an exploratory test: "Status (niet verplicht)", "Zoeken (niet verplicht)" on every
    list: nothing is asked of anyone on a filter form."""
    from wijkverband.core.listfilters import GuardedFilterForm

    class Filters(GuardedFilterForm):
        q = forms.CharField(label="Zoeken", required=False)

    assert "niet verplicht" not in _label(Filters(), "q")
    assert "(niet verplicht)" in _label(_Form(), "note")  # a form that makes something still says it
