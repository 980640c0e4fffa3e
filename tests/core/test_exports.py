"""Spreadsheet exports: what Excel shows on a sheet's tab."""

import io

import pytest
from openpyxl import load_workbook

from wijkverband.core.exports import SHEET_NAME_LENGTH, sheet_name, xlsx_bytes


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("De wijkverbanden in één oogopslag", "De wijkverbanden in één"),
        ("Opschalingen die op de regio wachten", "Opschalingen die op de regio"),
        ("Escalations waiting for an answer", "Escalations waiting for an"),
        ("Knelpunten", "Knelpunten"),
        ("Exactly thirty-one characters!!", "Exactly thirty-one characters!!"),
        ("Zorg/welzijn: [cijfers]?", "Zorg welzijn cijfers"),
        ("", "Export"),
        ("Eenwoordzonderspatiesdieveeltelangis", "Eenwoordzonderspatiesdieveeltel"),
    ],
)
def test_a_sheet_is_named_in_whole_words_within_excels_limit(title, shown):
    assert sheet_name(title) == shown
    assert len(shown) <= SHEET_NAME_LENGTH


def test_the_workbook_carries_that_name():
    data = xlsx_bytes(header=["a"], rows=[[1]], sheet_title="De wijkverbanden in één oogopslag")
    assert load_workbook(io.BytesIO(data)).sheetnames == ["De wijkverbanden in één"]


def _download_links(html: str) -> dict[str, set[str]]:
    """The words of the links to a download, by the format they download."""
    import re

    links = {"csv": set(), "xlsx": set()}
    for href, words in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S):
        kind = "xlsx" if re.search(r"[/.]xlsx\b", href) else "csv" if re.search(r"[/.]csv\b|/export/", href) else None
        if kind:
            links[kind].add(" ".join(re.sub(r"<[^>]+>", " ", words).split()))
    return links


def test_one_wording_for_a_download_in_each_format(world, client_for):
    """Found by an exploratory test: "Downloaden als CSV (Excel)" on the wijk card, "Downloaden voor
    Excel (XLSX)" on the bottlenecks and agreements, "Excel (XLSX)" on the dashboard: "Excel" named
    both formats. Now a CSV is "als CSV" and an XLSX an "Excel-bestand (XLSX)" everywhere."""
    seen = {"csv": set(), "xlsx": set()}
    for person, address in [
        ("carla", "/t/oost/wijkkaart/"),
        ("carla", "/t/oost/bottlenecks/"),
        ("carla", "/t/oost/agreements/"),
        ("carla", "/t/oost/sociale-kaart/"),
        ("olga", "/r/utrecht/dashboard/"),
    ]:
        html = client_for(person).get(address).content.decode()
        assert "voor Excel" not in html and "CSV (Excel)" not in html, address
        for kind, words in _download_links(html).items():
            seen[kind] |= words
    # The dashboard's links name their table after the format ("CSV van …") for a screen reader.
    assert seen["csv"] and all(words == "Downloaden als CSV" or words.startswith("CSV van ") for words in seen["csv"])
    assert seen["xlsx"] and all(
        words == "Downloaden als Excel-bestand (XLSX)" or words.startswith("Excel-bestand (XLSX) van ")
        for words in seen["xlsx"]
    ), seen
    assert "Downloaden als CSV" in seen["csv"] and "Downloaden als Excel-bestand (XLSX)" in seen["xlsx"]


def test_a_download_is_a_link_beside_the_lists_one_button(world, client_for):
    """Found by an exploratory test at 390 × 844: on the bottleneck list the two downloads were
    buttons of their own lines under "Knelpunt melden", and pushed the filter and the list 200 px
    down. A download reads as the wijk card's and the dashboard's do, a link; the one button on
    the list is the thing people come to do (report, add, propose)."""
    import re

    for address, button in [
        ("/t/oost/bottlenecks/", "Knelpunt melden"),
        ("/t/oost/agreements/", "Nieuwe afspraak"),
        ("/t/oost/sociale-kaart/", "Vermelding toevoegen"),
    ]:
        html = client_for("carla").get(address).content.decode()
        downloads = re.findall(r'<a ([^>]*href="[^"]*(?:/export|\.csv|\.xlsx)[^"]*"[^>]*)>', html)
        assert downloads, address
        for attributes in downloads:
            assert 'class="utrecht-link"' in attributes and " download" in attributes, (address, attributes)
        primary = re.findall(r'utrecht-button-link--primary-action"[^>]*>([^<]*)<', html)
        assert primary[:1] == [button], (address, primary)
