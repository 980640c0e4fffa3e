"""Forms point at the problem: an error summary at the top with links to the fields, the message at
the field (aria-invalid, aria-describedby), each message once in each place."""

import re
from pathlib import Path

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.bottlenecks.helpers import category
from wijkverband.bottlenecks.models import Bottleneck


def _soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_a_missing_field_is_summarised_once_linked_to_its_field_and_marked_at_the_field(world, client_for):
    response = client_for("maarten").post(
        "/t/oost/bottlenecks/new/", {"title": "", "description": "", "category": category().pk, "impact": 3}
    )
    assert response.status_code == 400
    page = _soup(response)
    summary = page.select_one("[data-error-summary]")
    assert summary is not None and summary.get("tabindex") == "-1"
    links = summary.select("a")
    assert [a["href"] for a in links] == ["#id_title"]
    assert "Dit veld is verplicht." in links[0].get_text()
    field = page.select_one("#id_title")
    assert field["aria-invalid"] == "true"
    assert "id_title_error" in field["aria-describedby"].split()
    assert page.select_one("#id_title_error").get_text(strip=True) == "Dit veld is verplicht."
    # Once in the summary and once at the field: not three times.
    assert len(re.findall("Dit veld is verplicht", response.content.decode())) == 2
    assert not Bottleneck.objects.filter(title="").exists()


def test_a_bsn_is_refused_at_the_field_it_was_found_in(world, client_for):
    response = client_for("maarten").post(
        "/t/oost/bottlenecks/new/",
        {
            "title": "Overdracht stokt",
            "description": "Gaat over cliënt 111222333, graag bellen",
            "category": category().pk,
            "impact": 3,
        },
    )
    assert response.status_code == 400
    page = _soup(response)
    assert [a["href"] for a in page.select("[data-error-summary] a")] == ["#id_description"]
    assert page.select_one("#id_description")["aria-invalid"] == "true"
    assert "BSN" in page.select_one("#id_description_error").get_text()
    assert page.select_one("#id_title").get("aria-invalid") is None
    assert not Bottleneck.objects.filter(title="Overdracht stokt").exists()


def test_help_text_is_tied_to_its_field(world, client_for):
    page = _soup(client_for("carla").get("/t/oost/members/invite/"))
    for described in page.select("[aria-describedby]"):
        for ref in described["aria-describedby"].split():
            assert page.find(id=ref) is not None, f"{described.get('id')} points at missing #{ref}"


def test_a_summary_line_does_not_name_its_field_twice():
    """Found by an exploratory test: "Of voeg een nieuwe organisatie toe: naam: Naam lijkt
    cliëntgegevens te bevatten" in the invitation form's summary."""
    from django import forms

    from wijkverband.core.templatetags.wijkverband import error_line

    class Invite(forms.Form):
        new_name = forms.CharField(label="Of voeg een nieuwe organisatie toe: naam")
        email = forms.CharField(label="E-mailadres")

    form = Invite()
    refused = "Naam lijkt cliëntgegevens te bevatten"
    assert error_line(form["new_name"], refused) == refused
    assert error_line(form["email"], "Vul dit veld in.") == "E-mailadres: Vul dit veld in."


_TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"
_FIELDS = ("includes/field.html", "element fields")
_SUMMARY = ("includes/form_errors.html", "element fields")  # allauth's fields element includes the summary
#: Forms whose errors are shown on another page, which has the summary.
_ANSWERED_ELSEWHERE = {
    # Posts to the discussion's own page (threads.views.thread_post), which shows the refusal there.
    "threads/_thread_panel.html",
}


def _with_includes(text: str, depth: int = 0) -> str:
    """The text with the templates it includes (by a literal name) appended, a few levels down."""
    if depth > 3:
        return text
    for name in re.findall(r'{%\s*include\s+"([^"]+)"', text):
        path = _TEMPLATES / name
        if path.is_file() and name not in _FIELDS[0]:
            text += _with_includes(path.read_text(), depth + 1)
    return text


def _post_forms():
    for path in sorted(_TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(_TEMPLATES))
        for form in re.findall(r'<form\b[^>]*method="post".*?</form>', path.read_text(), re.DOTALL | re.IGNORECASE):
            yield name, _with_includes(form)


def test_every_form_with_fields_has_an_error_summary():
    """Found by a keyboard and screen-reader test: the e-mail address page refused the current
    address at the field only, with no summary for the focus to go to (app.js) and nothing at the
    top. Every POST form that shows fields shows the summary too."""
    forms_with_fields = [(name, form) for name, form in _post_forms() if any(mark in form for mark in _FIELDS)]
    assert len(forms_with_fields) > 20  # the walk finds the forms
    missing = sorted(
        {
            name
            for name, form in forms_with_fields
            if name not in _ANSWERED_ELSEWHERE and not any(mark in form for mark in _SUMMARY)
        }
    )
    assert missing == []


def test_the_email_address_page_summarises_its_refusal(world, client_for):
    """Found by a keyboard and screen-reader test: submitting your current address said "Dit
    e-mailadres is al aan dit account gekoppeld." at the field only."""
    client = client_for("carla")
    client.post("/accounts/reauthenticate/", {"password": "correct-horse-battery-staple"})
    response = client.post("/accounts/email/", {"email": world.carla.email, "action_add": ""})
    page = _soup(response)
    summary = page.select_one("[data-error-summary]")
    assert summary is not None, response.content.decode()
    assert [a["href"] for a in summary.select("a")] == ["#id_email"]
    assert "al aan dit account gekoppeld" in summary.get_text()


def _title(response) -> str:
    return " ".join(_soup(response).title.get_text().split())


def test_a_page_showing_a_form_with_errors_says_so_in_its_title(world, client_for):
    """Found by a keyboard and screen-reader test: without JavaScript a form that came back with
    errors kept its title ("Knelpunt melden · …") and the focus started at the top, so nothing
    said it had been refused. The title starts with "Fout: " (GOV.UK, NL Design System)."""
    maarten = client_for("maarten")
    assert _title(maarten.get("/t/oost/bottlenecks/new/")).startswith("Knelpunt melden · ")
    refused = maarten.post(
        "/t/oost/bottlenecks/new/", {"title": "", "description": "", "category": category().pk, "impact": 3}
    )
    assert refused.status_code == 400
    assert _title(refused).startswith("Fout: Knelpunt melden · ")

    carla = client_for("carla")
    assert _title(carla.get("/t/oost/members/invite/")).startswith("Lid uitnodigen · ")
    refused = carla.post("/t/oost/members/invite/", {"email": "x@example.nl", "role": "member"})
    assert refused.status_code == 400
    assert _title(refused).startswith("Fout: Lid uitnodigen · ")

    assert not _title(carla.get("/accounts/name/")).startswith("Fout")
    assert _title(carla.post("/accounts/name/", {"name": ""})).startswith("Fout: ")
    # allauth's pages too: a wrong password when it is asked again.
    assert not _title(carla.get("/accounts/reauthenticate/")).startswith("Fout")
    assert _title(carla.post("/accounts/reauthenticate/", {"password": "niet-het-wachtwoord"})).startswith("Fout: ")


def test_the_title_says_error_in_english_too(world, client_for):
    client = client_for("maarten")
    client.cookies["django_language"] = "en"
    refused = client.post(
        "/t/oost/bottlenecks/new/", {"title": "", "description": "", "category": category().pk, "impact": 3}
    )
    assert _title(refused).startswith("Error: Report a bottleneck · ")


def test_pages_with_refusals_of_their_own_say_so_in_their_title_too(world, client_for):
    """The target settings and a CSV import refuse without a form's field errors: their titles
    start with "Fout: " all the same."""
    carla = client_for("carla")
    assert not _title(carla.get("/t/oost/bottlenecks/settings/")).startswith("Fout")
    refused = carla.post("/t/oost/bottlenecks/settings/", {"accept-3": "nul"})
    assert refused.status_code == 400
    assert _title(refused).startswith("Fout: ")
    refused = carla.post("/t/oost/bottlenecks/settings/categories/", {"name": ""})
    assert _title(refused).startswith("Fout: ")
    refused = carla.post(
        "/t/oost/sociale-kaart/import/",
        {"file": SimpleUploadedFile("kaart.csv", b"naam;soort\n;onbekend\n", content_type="text/csv")},
    )
    assert "Er is niets geïmporteerd." in refused.content.decode()
    assert _title(refused).startswith("Fout: ")
