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


#: The Dutch words the pages used for a response or resolution target before they said “termijn”
#: everywhere: Mijn werk “(doel: 5)”, a notice “Over de streeftermijn”, the item and the settings
#: page “Normen”, “Responsnormen” (the region's dashboard: “Over de termijn”).
OTHER_WORDS_FOR_A_TARGET = re.compile(r"\(doel:|streeftermijn|\bnormen\b|responsnorm", re.IGNORECASE)


@pytest.mark.usefixtures("clock")
def test_a_target_is_a_termijn_on_the_item_the_settings_and_mijn_werk(world, client_for):
    """Found by a tester: Mijn werk said “Wacht 5 werkdagen (doel: 2)”, the item “Normen”, the
    settings “Responsnormen” and the region's dashboard “Over de termijn”: one concept, four words."""
    from tests.bottlenecks.helpers import report
    from wijkverband.bottlenecks import services

    b = report(world)
    services.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.pieter)
    carla = client_for("carla")
    pages = {
        "item": carla.get(f"/t/oost/bottlenecks/{b.pk}/").content.decode(),
        "settings": carla.get("/t/oost/bottlenecks/settings/").content.decode(),
        "mijn werk": client_for("pieter").get("/my-work/").content.decode(),
    }
    assert "<dt>Termijnen</dt>" in pages["item"]
    assert "Termijnen opslaan" in pages["settings"]
    assert "(termijn: 2 werkdagen)" in pages["mijn werk"]
    for name, page in pages.items():
        assert not OTHER_WORDS_FOR_A_TARGET.search(page), (name, OTHER_WORDS_FOR_A_TARGET.search(page))
