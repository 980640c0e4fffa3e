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
