"""The dashboard's files as an overseer gets them: a Dutch file name, a sheet named in words
that fit on Excel's tab, and values that read as answers."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.dashboard.test_figures import varied  # noqa: F401 (a fixture)

#: Each table's file and its sheet, as a Dutch overseer downloads them (the current quarter, K1 2026).
FILES = {
    "teams": ("wijkverbanden-utrecht-2026-k1", "Wijkverbanden in één oogopslag"),
    "waiting": ("wachtende-opschalingen-utrecht-2026-k1", "Wachtende opschalingen"),
    "escalations": ("opschalingen-utrecht-2026-k1", "Opschalingen per wijkverband"),
    "age": ("knelpunten-naar-leeftijd-utrecht-2026-k1", "Knelpunten naar leeftijd"),
    "categories": ("knelpunten-per-categorie-utrecht-2026-k1", "Knelpunten per categorie"),
    "period": ("in-de-periode-utrecht-2026-k1", "In K1 2026 per wijkverband"),
    "agreements": ("afspraken-utrecht-2026-k1", "Afspraken per wijkverband"),
    "indicators": ("indicatoren-utrecht-2026-k1", "Indicatoren per wijkverband"),
}


def _filename(response) -> str:
    return re.fullmatch(r'attachment; filename="([^"]+)"', response["Content-Disposition"]).group(1)


@pytest.mark.parametrize("table", FILES)
def test_each_file_has_a_dutch_name(world, clock, client_for, table):
    name, _sheet = FILES[table]
    olga = client_for("olga")
    for fmt in ("csv", "xlsx"):
        response = olga.get(f"/r/utrecht/dashboard/{table}.{fmt}?period=2026-Q1")
        assert response.status_code == 200
        assert _filename(response) == f"{name}.{fmt}"
        assert _filename(response).isascii() and " " not in _filename(response)


@pytest.mark.parametrize("table", FILES)
def test_each_sheet_is_named_in_whole_dutch_words(world, clock, client_for, table):
    _name, sheet = FILES[table]
    response = client_for("olga").get(f"/r/utrecht/dashboard/{table}.xlsx?period=2026-Q1")
    names = load_workbook(io.BytesIO(response.content)).sheetnames
    assert names == [sheet]
    assert len(names[0]) <= 31


def test_a_year_names_its_file_and_sheet_by_the_year(world, clock, client_for):
    response = client_for("olga").get("/r/utrecht/dashboard/period.xlsx?period=2025")
    assert _filename(response) == "in-de-periode-utrecht-2025.xlsx"
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["In 2025 per wijkverband"]


def test_overdue_answers_yes_or_no_in_both_files(world, varied, client_for):  # noqa: F811
    olga = client_for("olga")
    body = b"".join(olga.get("/r/utrecht/dashboard/waiting.csv?period=2026-Q1").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][-1] == "Te laat"
    answers = {row[0].split(" ", 1)[1]: row[-1] for row in rows[1:]}
    assert answers == {"Wacht lang": "ja", "Net opgeschaald": "nee"}

    workbook = olga.get("/r/utrecht/dashboard/waiting.xlsx?period=2026-Q1")
    values = list(load_workbook(io.BytesIO(workbook.content)).active.values)
    assert values[0][-1] == "Te laat"
    assert {row[0].split(" ", 1)[1]: row[-1] for row in values[1:]} == {"Wacht lang": "ja", "Net opgeschaald": "nee"}
