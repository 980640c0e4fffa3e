"""Tables people take to a spreadsheet: a CSV that Dutch Excel opens in columns, and XLSX.

Dutch Excel reads a CSV with the list separator of its locale (";") and, without a byte-order
mark, as a legacy code page: so ";" and UTF-8 with a BOM. XLSX (openpyxl, write-only) keeps dates
as dates and numbers as numbers. In a CSV, text that a spreadsheet would run as a formula
(= + - @ at the start) is defused with a leading apostrophe; in XLSX every text is a text cell,
which is never run, so it stays as written.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_text(value) -> str:
    """Spreadsheet programs run cells that start with = + - @ (or a tab or return) as formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_value(value) -> str:
    # Dates as ISO 8601 (2026-12-06), in every CSV of ours (the wijk card, the sociale kaart, whose
    # file is also read back, and the referrals wrote them so): a spreadsheet in any language reads
    # them as dates, and as text they sort. The lists' files wrote 06-12-2026, which an English
    # spreadsheet reads as the twelfth of June.
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")  # Dutch Excel's decimal comma
    if isinstance(value, bool | int):
        return str(int(value)) if isinstance(value, bool) else str(value)
    return spreadsheet_text(value)


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, header: Sequence, rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Streamed: a long list never sits in memory."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow([spreadsheet_text(h) for h in header])
        for row in rows:
            yield writer.writerow([_csv_value(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | int | float | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    # A text cell (data_type "s", set by xlsx_bytes) is never run as a formula, so the text stays
    # as written: the apostrophe of CSV showed in Excel as part of "'+31 tekort aan bedden".
    return "" if value is None else str(value)


#: Excel's limit on a sheet's name, and the characters it refuses in one.
SHEET_NAME_LENGTH = 31
_NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(title: str) -> str:
    """`title` as a sheet's name: whole words only ("De wijkverbanden in één oogopslag" becomes "De
    wijkverbanden in één", not "… oogopsl"), without the characters Excel refuses."""
    title = " ".join(str(title or "").translate(_NOT_IN_SHEET_NAMES).split()) or "Export"
    if len(title) <= SHEET_NAME_LENGTH:
        return title
    cut = title[: SHEET_NAME_LENGTH + 1].rsplit(" ", 1)[0] if " " in title[:SHEET_NAME_LENGTH] else ""
    return cut.rstrip(" ,;:-–") or title[:SHEET_NAME_LENGTH]


def xlsx_bytes(*, header: Sequence, rows: Iterable[Sequence], sheet_title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name(sheet_title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.data_type = "s"
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        out = []
        for value in row:
            value = _xlsx_value(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "dd-mm-yyyy hh:mm"
            elif isinstance(value, date):
                cell.number_format = "dd-mm-yyyy"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            out.append(cell)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, header: Sequence, rows: Iterable[Sequence], sheet_title: str = "") -> HttpResponse:
    response = HttpResponse(xlsx_bytes(header=header, rows=rows, sheet_title=sheet_title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(fmt: str, *, filename: str, header: Sequence, rows: Iterable[Sequence], sheet_title: str = ""):
    """The table as `fmt` ("csv" or "xlsx"; anything else: 404)."""
    if fmt == "csv":
        return csv_response(filename=filename, header=header, rows=rows)
    if fmt == "xlsx":
        return xlsx_response(filename=filename, header=header, rows=rows, sheet_title=sheet_title)
    raise Http404
