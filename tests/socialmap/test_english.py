"""The sociale kaart in the English interface: found by an exploratory test, "Sociale kaart" in the
team's navigation, the region's columns and headings and the breadcrumbs. English says "social map"
(the code's SocialMapEntry, as DESIGN.md names the domain words); Dutch keeps "sociale kaart"."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_english_pages_say_social_map(world, client_for):
    carla, ada = _english(client_for("carla")), _english(client_for("ada"))
    pages = {
        "/t/oost/": carla,
        "/t/oost/sociale-kaart/": carla,
        "/r/utrecht/": ada,
        "/r/utrecht/dashboard/": ada,
        "/r/utrecht/sociale-kaart/": ada,
    }
    for url, client in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "ociale kaart" not in page.replace("/sociale-kaart/", ""), url
        assert "Social map" in page, url
    region = pages["/r/utrecht/sociale-kaart/"].get("/r/utrecht/sociale-kaart/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Social map of ", region)


def test_the_dutch_pages_keep_sociale_kaart(world, client_for):
    page = client_for("carla").get("/t/oost/sociale-kaart/").content.decode()
    assert "Sociale kaart" in page and "Social map" not in page


def test_no_english_string_says_sociale_kaart():
    catalogues = [ROOT / "locale/nl/LC_MESSAGES/django.po", *ROOT.glob("wijkverband/*/locale/nl/LC_MESSAGES/django.po")]
    dutch_in_english = [
        line
        for po in catalogues
        for line in po.read_text().splitlines()
        if line.startswith("msgid") and "ociale kaart" in line
    ]
    assert not dutch_in_english


def test_the_english_kaart_calls_what_it_lists_an_entry(world, client_for):
    """Found by a tester: the button said "Add a listing" above "3 entries" (Dutch says "vermelding"
    for both). English says "entry" throughout, as the counts, the help texts and docs/socialmap.md do."""
    from tests.socialmap.helpers import add

    entry = add(world)
    english, dutch = _english(client_for("maarten")), client_for("carla")
    base = "/t/oost/sociale-kaart/"
    pages = {url: english.get(url).content.decode() for url in (base, f"{base}new/", f"{base}{entry.pk}/edit/")}
    pages["remove"] = english.get(f"{base}{entry.pk}/remove/").content.decode()
    for url, page in pages.items():
        assert "listing" not in page.lower(), url
    assert ">Add an entry</a>" in pages[base] and "1 entry" in pages[base]
    assert "<title>Add an entry ·" in pages[f"{base}new/"] and "<title>Edit entry ·" in pages[f"{base}{entry.pk}/edit/"]
    assert "<title>Remove entry ·" in pages["remove"]
    # Dutch keeps "vermelding", not the wijkkaart's "regel" (its English says "entry" too).
    assert ">Vermelding toevoegen</a>" in dutch.get(base).content.decode()
    assert "<title>Vermelding bewerken ·" in dutch.get(f"{base}{entry.pk}/edit/").content.decode()
    assert "<title>Vermelding verwijderen ·" in dutch.get(f"{base}{entry.pk}/remove/").content.decode()
