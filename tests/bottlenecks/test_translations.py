"""Dutch first: every string of the bottleneck log has a Dutch translation, and the pages use it."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import wijkverband.bottlenecks
from wijkverband.bottlenecks.models import Status

CATALOGUE = Path(wijkverband.bottlenecks.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"
TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates" / "bottlenecks"


def _entries():
    text = CATALOGUE.read_text()
    return re.findall(r'^msgid "(.+)"\n(?:msgid_plural .*\n)?msgstr(?:\[0\])? "(.*)"$', text, re.M)


def test_every_string_in_the_catalogue_has_a_dutch_translation():
    entries = _entries()
    assert len(entries) > 250
    assert [msgid for msgid, msgstr in entries if not msgstr] == []


def test_template_strings_are_in_the_catalogue():
    msgids = {msgid.replace('\\"', '"') for msgid, _ in _entries()}
    for template in TEMPLATES.glob("*.html"):
        for found in re.findall(r'{% translate "([^"]+)"', template.read_text()):
            assert found in msgids, f"{template.name}: “{found}” has no Dutch translation"


def test_services_and_models_speak_dutch():
    with translation.override("nl"):
        assert str(Status.ESCALATED.label) == "Opgeschaald naar de regio"


@pytest.mark.usefixtures("clock")
def test_the_list_page_is_dutch_by_default(world, client_for):
    page = client_for("carla").get("/t/oost/bottlenecks/").content.decode()
    assert "Knelpunt melden" in page and "Downloaden als CSV" in page


@pytest.mark.usefixtures("clock")
def test_making_an_item_visible_again_says_clientvertegenwoordigers(world, client_for):
    """It said "Vertegenwoordigers", everywhere else "cliëntvertegenwoordigers"."""
    from tests.bottlenecks.helpers import fresh, report

    b = report(world, internal=True, internal_reason="Gaat over één praktijk")
    client = client_for("maarten")
    client.cookies["django_language"] = "nl"
    page = client.post(f"/t/oost/bottlenecks/{b.pk}/do/internal/", {"internal-version": b.version}, follow=True)
    assert not fresh(b).internal
    assert "Cliëntvertegenwoordigers kunnen het weer lezen." in page.content.decode()
