"""CSV in and out: the spreadsheets municipalities keep their sociale kaart in.

Export: `;` separated, UTF-8 with a byte-order mark, so Dutch Excel opens it in columns with the
accents right. Import: UTF-8 (with or without the mark), UTF-16 (Excel's "Unicode text") or
Windows-1252 (Excel's "CSV (gescheiden door lijstscheidingsteken)"), separated by `;`, `,` or tabs,
with Dutch or English column headers (the export's own headers among them). Every row is checked;
`parse` reads and checks, the service saves all rows or none.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wijkverband.core.errors import ActionRefused
from wijkverband.socialmap.models import Cost, Entry, Kind, search_fold
from wijkverband.socialmap.validation import TEXT_FIELDS, entry_clean, guard_entry

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
    ("wijk", gettext_noop("Wijk")),
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
class Parsed:
    """What a file held: the rows to save, the problems per row, and how it was read."""

    rows: list = field(default_factory=list)  # (row number, cleaned values, entry id or None)
    errors: list = field(default_factory=list)  # (row number or None, message)
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _flag(value: str, label: str, problems: list[str]) -> bool:
    folded = fold_header(value)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    problems.append(_("%(field)s ‘%(value)s’ is not yes or no (ja/nee)") % {"field": label, "value": value})
    return False


def parse(raw: bytes) -> Parsed:
    parsed = Parsed()
    if len(raw) > MAX_BYTES:
        parsed.errors.append(
            (None, _("The file is larger than %(mb)d MB: split it into parts.") % {"mb": MAX_BYTES // (1024 * 1024)})
        )
        return parsed
    try:
        text, parsed.encoding = decode(raw)
    except ValueError:
        parsed.errors.append(
            (None, _("The file could not be read as text. In Excel, save it as “CSV UTF-8 (door komma’s gescheiden)”."))
        )
        return parsed
    parsed.delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=parsed.delimiter)
    try:
        header = next(reader)
    except StopIteration:
        parsed.errors.append((None, _("The file is empty.")))
        return parsed
    except csv.Error as error:
        parsed.errors.append((1, str(error)))
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
    missing = [label for name, label in (("name", "Name"), ("kind", "Kind")) if name not in columns]
    if missing:
        parsed.errors.append(
            (
                1,
                _("The first row must name the columns; these are missing: %(columns)s.")
                % {"columns": ", ".join(_(label) for label in missing)},
            )
        )
        return parsed
    kinds, costs = kind_map(), cost_map()
    labels = {
        "dementia_friendly": _("dementia-friendly"),
        "wheelchair_accessible": _("wheelchair-accessible"),
        "public": _("public"),
    }
    count = 0
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.errors.append((number + 1, str(error)))
            break
        # The row as a spreadsheet numbers it (the header is row 1): a record, not a line (a
        # description over three lines made every later row's number two too high).
        number += 1
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            parsed.errors.append((None, _("More than %(max)d rows: split the file into parts.") % {"max": MAX_ROWS}))
            break
        values = {name: _defused(cells[i].strip()) for i, name in enumerate(columns) if name and i < len(cells)}
        problems: list[str] = []
        kind = kinds.get(fold_header(values.get("kind", "")))
        if kind is None:
            problems.append(
                _("kind ‘%(value)s’ is not a kind of the sociale kaart") % {"value": values.get("kind", "")}
            )
        cost_text = values.get("cost", "")
        cost = costs.get(fold_header(cost_text)) if cost_text else (Cost.PRICE if values.get("price") else Cost.FREE)
        if cost is None:
            problems.append(_("cost ‘%(value)s’ is not free, contribution or price") % {"value": cost_text})
        street = values.get("street", "")
        if values.get("house_number"):
            street = f"{street} {values['house_number']}".strip()
        raw_values = {
            "kind": kind or "",
            "cost": cost or Cost.FREE,
            "name": values.get("name", ""),
            "description": values.get("description", ""),
            "street": street,
            "postcode": values.get("postcode", ""),
            "place": values.get("place", ""),
            "opening_hours": values.get("opening_hours", ""),
            "price": values.get("price", ""),
            "phone": values.get("phone", ""),
            "email": values.get("email", ""),
            "website": values.get("website", ""),
        }
        for flag, label in labels.items():
            raw_values[flag] = _flag(values.get(flag, ""), label, problems)
        cleaned, errors = entry_clean(raw_values)
        problems += [message for name, message in errors.items() if not (name == "kind" and kind is None)]
        # The client-data guard, here already, so one report holds every problem (saving checks again).
        try:
            guard_entry(Entry(**{name: cleaned[name] for name in TEXT_FIELDS}))
        except ActionRefused as refused:
            problems.append(str(refused.message))
        entry_id = None
        if values.get("id"):
            if values["id"].isdigit():
                entry_id = int(values["id"])
            else:
                problems.append(_("number ‘%(value)s’ is not a number") % {"value": values["id"]})
        if problems:
            parsed.errors += [(number, problem) for problem in problems]
        else:
            parsed.rows.append((number, cleaned, entry_id))
    if not count and not parsed.errors:
        parsed.errors.append((None, _("The file has no rows below its column names.")))
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
