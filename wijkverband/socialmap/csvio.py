"""CSV in and out: the spreadsheets municipalities keep their sociale kaart in.

Export: `;` separated, UTF-8 with a byte-order mark, so Dutch Excel opens it in columns with the
accents right. Import: UTF-8 (with or without the mark), UTF-16 (Excel's "Unicode text") or
Windows-1252 (Excel's "CSV (gescheiden door lijstscheidingsteken)"), separated by `;`, `,` or tabs,
with Dutch or English column headers (the export's own headers among them). `parse` reads the rows
(a column the file does not have is a field the import leaves as it is); the service checks every
row with the entry it changes and saves all rows or none.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import translation
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wijkverband.socialmap.models import Cost, Kind, search_fold
from wijkverband.socialmap.validation import MAX_LENGTHS

#: Larger files are refused with a clear message (a kaart of 50,000 entries is about 15 MB).
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
#: The report lists at most this many problems (and says how many more there are).
MAX_REPORTED = 200

# The export's columns: (field, Dutch/English header as a translatable string).
EXPORT_COLUMNS = [
    ("id", gettext_noop("Number")),
    ("kind", gettext_noop("Kind")),
    ("name", gettext_noop("Name")),
    ("description", gettext_noop("Description")),
    ("street", gettext_noop("Street and number")),
    ("postcode", gettext_noop("Postcode")),
    ("place", gettext_noop("Place")),
    ("opening_hours", gettext_noop("Opening hours")),
    ("dementia_friendly", gettext_noop("Dementia-friendly")),
    ("wheelchair_accessible", gettext_noop("Wheelchair-accessible")),
    ("cost", gettext_noop("Cost")),
    ("price", gettext_noop("Price or contribution")),
    ("phone", gettext_noop("Phone")),
    ("email", gettext_noop("E-mail")),
    ("website", gettext_noop("Website")),
    ("public", gettext_noop("Public")),
    ("wijk", gettext_noop("Neighbourhood")),
    ("confirmed_on", gettext_noop("Last confirmed on")),
    ("stale", gettext_noop("Stale")),
]

# Other names municipalities use for a column (folded: lower case, no accents or punctuation).
HEADER_ALIASES = {
    "id": ["nummer", "nr", "id"],
    "kind": ["soort", "type", "categorie", "soort aanbod"],
    "name": ["naam", "titel", "naam aanbod", "naam locatie"],
    "description": ["omschrijving", "beschrijving", "toelichting", "activiteit omschrijving"],
    "street": ["adres", "straat", "straatnaam", "straat en huisnummer", "bezoekadres"],
    "house_number": ["huisnummer", "huisnr", "house number"],
    "postcode": ["postcode", "postal code", "pc"],
    "place": ["plaats", "woonplaats", "city", "gemeente"],
    "opening_hours": ["openingstijden", "tijden", "wanneer", "dagen en tijden"],
    "dementia_friendly": ["dementievriendelijk"],
    "wheelchair_accessible": ["rolstoeltoegankelijk", "toegankelijk", "rolstoelvriendelijk"],
    "cost": ["kosten", "gratis"],
    "price": ["prijs", "bijdrage", "prijs of bijdrage", "eigen bijdrage", "tarief"],
    "phone": ["telefoon", "telefoonnummer", "tel", "telefoonnr"],
    "email": ["e mail", "email", "e mailadres", "emailadres", "mail"],
    "website": ["website", "internet", "url", "site", "webadres"],
    "public": ["openbaar", "publiek", "openbaar tonen"],
}
FLAGS = ("dementia_friendly", "wheelchair_accessible", "public")
# Read but not imported (the export's own columns that are the kaart's, not the spreadsheet's).
IGNORED = {"wijk", "confirmed_on", "stale"}

_YES = {"ja", "j", "yes", "y", "1", "x", "waar", "true", "wel"}
_NO = {"nee", "n", "no", "0", "onwaar", "false", "niet", ""}


def fold_header(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", search_fold(text)).split())


def _translations(message: str) -> set[str]:
    found = set()
    for language in ("nl", "en"):
        with translation.override(language):
            found.add(fold_header(_(message)))
    return found


def header_map() -> dict[str, str]:
    """folded header → field."""
    mapping = {}
    for name, header in EXPORT_COLUMNS:
        for variant in _translations(header):
            mapping[variant] = name
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            mapping[fold_header(alias)] = name
        mapping.setdefault(fold_header(name.replace("_", " ")), name)
    return mapping


def import_help() -> dict:
    """The import page's help in the reader's language: the columns and values as the export of
    that language writes them (both languages' names are read)."""
    labels = {name: _(header) for name, header in EXPORT_COLUMNS}
    optional = [
        _("%(street)s (or %(street_only)s and %(number)s)")
        % {"street": labels["street"], "street_only": _("Street"), "number": _("House number")}
        if name == "street"
        else labels[name]
        for name, _header in EXPORT_COLUMNS
        if name not in {"name", "kind"} | IGNORED
    ]
    return {
        "name": labels["name"],
        "kind": labels["kind"],
        "id": labels["id"],
        "cost": labels["cost"],
        "optional": ", ".join(optional),
        "kinds": get_text_list([str(label) for _value, label in Kind.choices], _("or")),
        "costs": get_text_list([str(label).lower() for _value, label in Cost.choices], _("or")),
    }


def _choice_map(choices) -> dict[str, str]:
    """folded label (Dutch and English) or code → code."""
    mapping = {}
    for language in ("nl", "en"):
        with translation.override(language):
            for value, label in choices:
                mapping[fold_header(str(label))] = value
    for value, _label in choices:
        mapping[fold_header(value)] = value
    return mapping


def kind_map() -> dict[str, str]:
    mapping = _choice_map(Kind.choices)
    extra = {
        "ontmoetingsruimte": Kind.MEETING_PLACE,
        "ontmoetingsplek": Kind.MEETING_PLACE,
        "ontmoetingsplaats": Kind.MEETING_PLACE,
        "buurthuis": Kind.MEETING_PLACE,
        "activiteit": Kind.ACTIVITY,
        "welzijn op recept": Kind.WELZIJN_OP_RECEPT,
        "welzijn op recept aanbod": Kind.WELZIJN_OP_RECEPT,
        "wor": Kind.WELZIJN_OP_RECEPT,
        "voorzorgcirkel": Kind.VOORZORGCIRKEL,
        "bewonersinitiatief": Kind.RESIDENT_INITIATIVE,
    }
    mapping.update({fold_header(k): v for k, v in extra.items()})
    return mapping


def cost_map() -> dict[str, str]:
    mapping = _choice_map(Cost.choices)
    extra = {"gratis": Cost.FREE, "kosteloos": Cost.FREE, "vrijwillige bijdrage": Cost.CONTRIBUTION,
             "bijdrage": Cost.CONTRIBUTION, "prijs": Cost.PRICE, "betaald": Cost.PRICE}  # fmt: skip
    mapping.update({fold_header(k): v for k, v in extra.items()})
    return mapping


@dataclass
class Row:
    """One row of the file as read: the values of the columns the file has (a column the file does
    not have is not in `values`, so the import leaves that field of an entry as it is), and what is
    wrong with them already, as (field, message)."""

    number: int  # as the spreadsheet numbers it (row 1 holds the column names)
    values: dict  # texts; flags as booleans; kind and cost as codes ("" when not given or wrong)
    entry_id: int | None = None
    problems: list = field(default_factory=list)


@dataclass
class Parsed:
    """What a file held: its rows, the problems of the file itself, and how it was read."""

    rows: list = field(default_factory=list)  # Row
    errors: list = field(default_factory=list)  # (row number or None, field or "", message)
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)  # field → the column's name as the file writes it

    @property
    def fields(self) -> frozenset:
        """The entry's fields the file has columns for (Straat and Huisnummer make "street")."""
        return frozenset("street" if name == "house_number" else name for name in self.headers) - {"id"}

    def column(self, name: str) -> str:
        """The column a problem is in: as the file names it, else as the export does. A row that
        could not be read names the column of the cell that stopped it by its header (`name` is
        that header when the import leaves the column out)."""
        if not name:
            return ""
        if name in self.headers:
            return self.headers[name]
        labels = dict(EXPORT_COLUMNS)
        return _(labels[name]) if name in labels else name

    def report(self, errors) -> list:
        """(row number, column, message), for the page."""
        return [(number, self.column(name), message) for number, name, message in errors]


ENCODING_LABELS = {
    "utf-8-sig": gettext_noop("UTF-8 (with byte-order mark)"),
    "utf-8": gettext_noop("UTF-8"),
    "utf-16": gettext_noop("UTF-16 (Excel's Unicode text)"),
    "cp1252": gettext_noop("Windows-1252 (Excel's ordinary CSV)"),
}
DELIMITER_LABELS = {";": gettext_noop("semicolons"), ",": gettext_noop("commas"), "\t": gettext_noop("tabs")}


def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was read as; ValueError when it is none we know."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV" on Dutch Windows. Five byte values are unused in it: then it is something else.
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise ValueError from error


def sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _defused(value: str) -> str:
    """Undo the export's guard against spreadsheet formulas ('=..., '+31...)."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def _one_of(choices) -> str:
    return ", ".join(str(label) for _value, label in choices)


def _flag(value: str) -> tuple[bool, str | None]:
    folded = fold_header(value)
    if folded in _YES:
        return True, None
    if folded in _NO:
        return False, None
    return False, _("“%(value)s” is neither yes nor no: write yes or no (empty is no).") % {"value": value}


def _row(number: int, values: dict, kinds: dict, costs: dict) -> Row:
    """A row's values as the import takes them, and the problems only the row itself shows."""
    row = Row(number=number, values={})
    for name, value in values.items():
        if name in ("kind", "cost", "id", "house_number") or name in FLAGS:
            continue
        row.values[name] = value
    if "house_number" in values:
        row.values["street"] = f"{values.get('street', '')} {values['house_number']}".strip()
    kind = kinds.get(fold_header(values["kind"]))
    row.values["kind"] = kind or ""
    if kind is None:
        row.problems.append(
            (
                "kind",
                _("“%(value)s” is not a kind of the social map: use one of these: %(kinds)s.")
                % {"value": values["kind"], "kinds": _one_of(Kind.choices)}
                if values["kind"]
                else _("Say what kind of entry it is: one of these: %(kinds)s.") % {"kinds": _one_of(Kind.choices)},
            )
        )
    if "cost" in values:
        # An empty cell: a price when one is given, else free (the service decides, as it may
        # need the entry's price).
        cost = costs.get(fold_header(values["cost"])) if values["cost"] else ""
        row.values["cost"] = cost or ""
        if cost is None:
            row.problems.append(
                (
                    "cost",
                    _("“%(value)s” is not a cost: use one of these: %(costs)s.")
                    % {"value": values["cost"], "costs": _one_of(Cost.choices)},
                )
            )
    for flag in FLAGS:
        if flag in values:
            row.values[flag], problem = _flag(values[flag])
            if problem:
                row.problems.append((flag, problem))
    if values.get("id"):
        if values["id"].isdigit():
            row.entry_id = int(values["id"])
        else:
            row.problems.append(
                (
                    "id",
                    _(
                        "“%(value)s” is not a number: leave it empty for a new entry, or keep the number "
                        "the export gave."
                    )
                    % {"value": values["id"]},
                )
            )
    return row


def _line_start(text: str, line: int) -> int:
    """Where line `line` (0 is the first) of the text starts, as the reader splits it into lines."""
    offset = 0
    for number, content in enumerate(io.StringIO(text, newline="")):
        if number == line:
            break
        offset += len(content)
    return offset


class Stopped(NamedTuple):
    """A record Python's csv could not read: the index of the cell it stopped in, and why."""

    cell: int
    why: str  # "open", "long" or "quote" (_stopped_at)


def _stopped_at(text: str, start: int, delimiter: str) -> Stopped:
    """Why Python's csv, reading strictly, stopped at the record that starts at `start`, and in
    which cell: "open" (a cell starts with a quote that is never closed; read leniently, every
    line after it became one cell, imported as one entry's text), "long" (a cell over the reader's
    limit, quoted and closed or not quoted at all), or "quote" (a quote in the middle of a cell
    that started with one). The reader says "field larger than field limit" both for a long cell
    and for a quote that runs into the rest of the file: this reads on to the cell's end, by the
    reader's rules (a quote opens a cell only as its first character; inside, it is written twice)."""
    limit = csv.field_size_limit()
    cell, length, state = 0, 0, "start"
    i, end = start, len(text)
    while i < end:
        char = text[i]
        if state == "quoted":
            close = text.find('"', i)
            if close < 0:
                return Stopped(cell, "open")
            length += close - i
            i, state = close + 1, "closed"
            continue
        if state == "closed" and char == '"':  # a quote written twice
            length += 1
            state = "quoted"
        elif state == "closed" and length > limit:
            return Stopped(cell, "long")
        elif char == delimiter:
            cell, state = cell + 1, "start"
        elif char in "\r\n":
            break
        elif state == "start":
            state, length = ("quoted", 0) if char == '"' else ("plain", 1)
        elif state == "closed":
            return Stopped(cell, "quote")
        else:
            length += 1
            if length > limit:
                return Stopped(cell, "long")
        i += 1
    return Stopped(cell, "long" if length > limit else "quote")


def _records(text: str, delimiter: str):
    """(row number, cells) of each record, numbered as a spreadsheet numbers its rows: a record, not
    a line (a description over three lines made every later row's number two too high), blank
    ones too. A record Python's csv cannot read ends them: (its row number, Stopped)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        start = reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield number + 1, _stopped_at(text, _line_start(text, start), delimiter)
            return
        number += 1
        yield number, cells


def unreadable_row(why: str, *, in_cell: bool) -> str:
    """What stopped a row (`_stopped_at`), said of "this cell" when the report names its column."""
    if why == "open":
        if in_cell:
            return _(
                'This row could not be read: this cell starts with a quote (") that is never closed, so the '
                "rest of the file runs into it. Close the quote or remove it, and upload the file again."
            )
        return _(
            'This row could not be read: a cell is opened with a quote (") that is never closed, so the '
            "rest of the file runs into it. Close the quote or remove it, and upload the file again."
        )
    if why == "long":
        # Python's csv reads a cell of at most this many characters; no column takes that much (a
        # description, the longest, takes 5,000 and is refused beyond that by its own rule).
        numbers = {
            "limit": number_format(csv.field_size_limit(), force_grouping=True),
            "description": number_format(MAX_LENGTHS["description"], force_grouping=True),
        }
        if in_cell:
            return (
                _(
                    "This row could not be read: this cell is longer than %(limit)s characters, more than fits in "
                    "any column (a description takes at most %(description)s). Shorten it, and upload the file again."
                )
                % numbers
            )
        return (
            _(
                "This row could not be read: a cell is longer than %(limit)s characters, more than fits in "
                "any column (a description takes at most %(description)s). Shorten it, and upload the file again."
            )
            % numbers
        )
    if in_cell:
        return _(
            'This row could not be read: check the quotes (") of this cell. A cell that starts with a quote '
            'ends with one, and a quote inside such a cell is written twice ("").'
        )
    return _(
        'This row could not be read: check its quotes ("). A cell that starts with a quote ends with '
        'one, and a quote inside such a cell is written twice ("").'
    )


def parse(raw: bytes) -> Parsed:
    """Read the file. The rows' values are checked when they are imported (`entries_import`), with
    the entry they change: a column the file does not have leaves that field as it is."""
    parsed = Parsed()
    if len(raw) > MAX_BYTES:
        parsed.errors.append(
            (
                None,
                "",
                _("The file is larger than %(mb)d MB: split it into parts.") % {"mb": MAX_BYTES // (1024 * 1024)},
            )
        )
        return parsed
    try:
        text, parsed.encoding = decode(raw)
    except ValueError:
        parsed.errors.append(
            (
                None,
                "",
                # Excel's own name of the format, in its language: "CSV UTF-8 (door komma's
                # gescheiden)" in Dutch (the translation says so).
                _("The file could not be read as text. In Excel, save it as “CSV UTF-8 (Comma delimited)”."),
            )
        )
        return parsed
    parsed.delimiter = sniff_delimiter(text)
    records = _records(text, parsed.delimiter)
    # The header is the first row with something in it: a file of blank lines (or of a byte-order
    # mark and a line end) is empty.
    header = None
    for number, cells in records:
        if isinstance(cells, Stopped):
            parsed.errors.append((number, "", unreadable_row(cells.why, in_cell=False)))
            return parsed
        if any(cell.strip() for cell in cells):
            header, header_number = cells, number
            break
    if header is None:
        parsed.errors.append((None, "", _("The file is empty.")))
        return parsed
    names = header_map()
    columns: list[str | None] = []
    for cell in header:
        name = names.get(fold_header(cell))
        if name is None or name in IGNORED or name in columns:
            if cell.strip():
                parsed.ignored_columns.append(cell.strip())
            columns.append(None)
        else:
            columns.append(name)
            parsed.headers[name] = cell.strip()
    missing = [label for name, label in (("name", "Name"), ("kind", "Kind")) if name not in columns]
    if missing:
        parsed.errors.append(
            (
                header_number,
                "",
                _("The first row must name the columns; these are missing: %(columns)s.")
                % {"columns": ", ".join(_(label) for label in missing)},
            )
        )
        return parsed
    kinds, costs = kind_map(), cost_map()
    count = 0
    for number, cells in records:
        if isinstance(cells, Stopped):
            # The column of the cell that stopped it, by the header's name (also one left out).
            at = cells.cell < len(header) and (columns[cells.cell] or header[cells.cell].strip())
            parsed.errors.append((number, at or "", unreadable_row(cells.why, in_cell=bool(at))))
            break
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            parsed.errors.append(
                (
                    None,
                    "",
                    _("More than %(max)s rows: split the file into parts.")
                    % {"max": number_format(MAX_ROWS, force_grouping=True)},
                )
            )
            parsed.rows = []  # refused as a whole: its rows are not checked one by one first
            break
        # A cell missing at the end of a short row is an empty cell of a column the file has.
        values = {name: _defused(cells[i].strip()) if i < len(cells) else "" for i, name in enumerate(columns) if name}
        parsed.rows.append(_row(number, values, kinds, costs))
    if not count and not parsed.errors:
        parsed.errors.append((None, "", _("The file has no rows below its column names.")))
    return parsed


class Echo:
    def write(self, value):
        return value


def cell(value) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_rows(entries, *, today):
    """The CSV's lines (header first, with the byte-order mark), for a streaming response."""
    writer = csv.writer(Echo(), delimiter=";")
    kinds, costs = dict(Kind.choices), dict(Cost.choices)
    yes, no = _("yes"), _("no")
    yield "\ufeff" + writer.writerow([_(header) for _name, header in EXPORT_COLUMNS])
    for e in entries:
        yield writer.writerow(
            [
                cell(value)
                for value in [
                    e.pk,
                    kinds.get(e.kind, e.kind),
                    e.name,
                    e.description,
                    e.street,
                    e.postcode,
                    e.place,
                    e.opening_hours,
                    yes if e.dementia_friendly else no,
                    yes if e.wheelchair_accessible else no,
                    costs.get(e.cost, e.cost),
                    e.price,
                    e.phone,
                    e.email,
                    e.website,
                    yes if e.public else no,
                    e.team.name if e.team_id else _("region-wide"),
                    e.confirmed_on.isoformat(),
                    yes if e.is_stale(e.reconfirm_months, today) else no,
                ]
            ]
        )
