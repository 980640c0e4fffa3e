"""Client data in a form's text shows together with the form's other errors, at its field, instead
of only once those are mended (core.guard.GuardedForm): the person mends everything in one go."""

import re

import pytest

from tests.bottlenecks.helpers import category

BSN = "111222333"


def _errors(response) -> dict[str, str]:
    html = response.content.decode()
    return dict(re.findall(r'id="id_([\w-]+)_error">(.*?)</div>', html, re.S))


@pytest.mark.parametrize(
    "persona, url, data, missing, texts",
    [
        (
            "maarten",
            "/t/oost/bottlenecks/new/",
            lambda w: {"title": "", "description": f"Mw. met BSN {BSN}", "impact": 2, "category": category("ict").pk},
            "title",
            {"description": "Beschrijving lijkt cliëntgegevens te bevatten"},
        ),
        (
            "rosa",
            "/t/oost/signals/new/",
            lambda w: {"title": "", "text": "Jan Jansen 12-03-1954 kreeg geen hulp"},
            "title",
            {"text": "Deze tekst lijkt cliëntgegevens te bevatten"},  # the label does not start a sentence
        ),
    ],
)
def test_client_data_shows_with_the_other_errors(world, client_for, persona, url, data, missing, texts):
    response = client_for(persona).post(url, data(world))
    assert response.status_code == 400
    errors = _errors(response)
    assert missing in errors, errors
    for field, words in texts.items():
        assert words in errors.get(field, ""), errors
        assert BSN not in errors.get(field, "")


def test_a_question_for_a_label_is_not_the_subject_of_the_refusal(db):
    from django import forms
    from django.utils import translation

    from wijkverband.core.guard import GuardedForm

    class Form(GuardedForm):
        why = forms.CharField(label="Waarom moet de regio dit oppakken?")
        note = forms.CharField(label="Toelichting")

    with translation.override("nl"):
        form = Form({"why": f"BSN {BSN}", "note": f"BSN {BSN}"})
        assert not form.is_valid()
        assert form.errors["why"][0].startswith("Deze tekst lijkt cliëntgegevens te bevatten")
        assert form.errors["note"][0].startswith("Toelichting lijkt cliëntgegevens te bevatten")
