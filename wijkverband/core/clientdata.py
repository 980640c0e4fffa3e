"""The client-data detector: finds what identifies a client in free text a person writes.

There is no shared client record, and nothing a team writes outside a case may identify a client.
This finds
- a number that passes the BSN eleven-test, in any common writing: plain, spaced, dotted or
  hyphenated in groups ("111 222 333", "1112.22.333"), with a leading zero, and next to other
  numbers or letters ("kamer 1 111222333", "BSN 111222333 2 keer", "nr111222333");
- a date of birth: a date labelled as one ("geb. 12-03-1945", "born 3 May 1940"), or a date long
  enough ago to be a birth date (16 years or more) with a person's name close by ("mevrouw
  Jansen", "J. de Vries", "Jan Jansen", "Ayşe Yılmaz", "JAN JANSEN", "Jansen, Jan", "mw. yilmaz")
  or a surname straight before it ("Jansen 12-03-1954"). Dates are written with hyphens, slashes,
  dots, dashes or spaces ("12–03–1954", "12 03 1954"), or with the month's name, also as a GP's
  system writes it ("12-mrt-1945", "12 mrt '45").

It errs on the side of refusing (a person can always rephrase, but client data that got in cannot
be taken back from everyone who read it) while letting through what care work is full of: phone
numbers (also international: "+31 30 123 4567"), postcodes, dates without a person, amounts, AGB
and KvK numbers, and nine-digit numbers that fail the eleven-test.

wijkverband.core.guard applies it to every free-text field of every model.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

# --- BSNs ------------------------------------------------------------------------------------------

#: Dashes people and word processors put between digits: a hyphen (also a non-breaking one), a
#: figure, en or em dash, a horizontal bar and a minus sign.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
#: Between the groups of one written number: white space (spaces of any kind, tabs, line breaks,
#: as many as there are); once a dot, a dash, a slash, a middle dot or a colon, also with spaces
#: around it ("111 - 222 - 333", "111. 222. 333"); or once a comma, a backslash, an underscore
#: or an apostrophe ("111'222'333"). A comma with a space after it is a list ("101, 102, 103").
_SEPARATOR = rf"(?:\s*[.{_DASHES}/\u00b7\u2027\u2219\u22c5\u30fb:]\s*|[,\\_'\u2019]|\s+)"
#: A run of digit groups joined by single separators: "111 222 333 4", "1112.22.333", "111222333".
_NUMBER_RUN = re.compile(rf"(?<![0-9])[0-9]+(?:{_SEPARATOR}[0-9]+)*")
_SEPARATOR_SPLIT = re.compile(f"({_SEPARATOR})")
_LINE_BREAK = re.compile("[\n\r\v\f\x85\u2028\u2029]")

#: Written before a BSN: then eight digits are one too, without its leading zero ("BSN 12345672").
_BSN_LABEL = re.compile(
    r"\b(?:bsn|burger\s?service\s?nummer|sofi)(?:[-\s]?(?:nummer|nr|no))?\.?\s*[:#]?\s*$", re.IGNORECASE
)
_BSN_NAMED = re.compile(r"\b(?:bsn|burger\s?service|sofi)", re.IGNORECASE)
#: Written before a number that is no BSN, though it may pass the eleven-test: an organisation's
#: RSIN, a care provider's UZI, KvK, AGB or BIG number, a VAT number ("RSIN 123456782").
_OTHER_NUMBER_LABEL = re.compile(
    r"\b(?:rsin|uzi(?:-?pas)?|kvk|agb|big|btw|vestigings|fiscaal)"
    r"(?:[-\s]?(?:nummer|nr|no|code|registratie))?\.?\s*[:#]?\s*$",
    re.IGNORECASE,
)


def passes_eleven_test(digits: str) -> bool:
    """The BSN eleven-test: 9×d1 + 8×d2 + … + 2×d8 − 1×d9 is a multiple of 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit() or digits == "0" * 9:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def _bsn_candidates(run: str):
    """Nine-digit numbers written inside one run of digit groups.

    A group of exactly nine digits is one. So are neighbouring groups that together hold nine
    digits, each group of at least two (how people split a BSN: 3-3-3, 4-2-3): "111 222 333" in
    "BSN 111 222 333 4 dagen". A longer group (a phone, KvK or IBAN number) never holds one, and a
    single digit next to a group ("+31 6 12345678") does not make one.
    """
    parts = _SEPARATOR_SPLIT.split(run)
    groups, separators = parts[0::2], parts[1::2]

    def line_apart(i: int) -> bool:  # the i-th separator breaks the line, or the run ends there
        return not 0 <= i < len(separators) or _LINE_BREAK.search(separators[i]) is not None

    for start in range(len(groups)):
        digits = ""
        for end in range(start, len(groups)):
            if end > start:
                if len(groups[start]) < 2 or len(groups[end]) < 2:
                    break
                # Over a line break only a number on lines of its own ("111\n222\n333"), not the
                # ends of two lines of numbers (a list of phone numbers).
                if line_apart(end - 1) and not (line_apart(end - 2) and line_apart(end)):
                    break
            digits += groups[end]
            if len(digits) >= 9:
                if len(digits) == 9:
                    yield digits
                break


def _mask(digits: str) -> str:
    return "•" * 6 + digits[-3:]


# --- dates of birth ----------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "february": 2,
    "mrt": 3, "maart": 3, "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "augustus": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

_DATE_RES = (
    # 12-03-1945, 12/3/45, 12.03.1945, 12–03–1945 (en or em dashes, as word processors make them),
    # 12-03-'45
    (re.compile(r"(?<![\d])(\d{1,2})([-/.\u2013\u2014])(\d{1,2})\2['’‘]?(\d{4}|\d{2})(?![\d])"), "dmy"),
    # 12 03 1945 (spaces: with a four-digit year only, so a phone number's groups are no date)
    (re.compile(r"(?<![\d])(\d{1,2}) (\d{1,2}) (\d{4})(?![\d])"), "dmy"),
    # 1945-03-12, 1945/03/12, 1945.03.12
    (re.compile(r"(?<![\d])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])"), "ymd"),
    # 12031945 (eight digits, no separators: only with a name or a label, as every date here)
    (re.compile(r"(?<![\d])(\d{2})(\d{2})(\d{4})(?![\d])"), "dmy"),
    # 12 maart 1945, 3 May 1940, 12 mrt '45, and as a GP's system writes it: 12-mrt-1945, 12-mrt-45
    # (with spaces a two-digit year needs its apostrophe: "op 3 mei 10 cliënten" is no date)
    (
        re.compile(
            rf"(?<![\d])(\d{{1,2}})(?:\s+({_MONTH_NAMES})\.?\s+(?:['’‘](\d{{2}})|(\d{{4}}))"
            rf"|[-/.]({_MONTH_NAMES})\.?[-/.]['’‘]?(\d{{4}}|\d{{2}}))(?![\d])",
            re.IGNORECASE,
        ),
        "d_month_y",
    ),
    # March 12, 1945; mrt 12 '45
    (
        re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}}),?\s+(?:['’‘](\d{{2}})|(\d{{4}}))(?![\d])", re.IGNORECASE),
        "month_d_y",
    ),
)

_BIRTH_LABEL_RE = re.compile(
    r"(geboren|geb\.|geb\b|geboortedatum|geb\.?\s?datum|geboortedag|\bdob\b|d\.o\.b\.?|born|"
    r"date of birth|birth\s?date)",
    re.IGNORECASE,
)


def _latin_letters(test) -> str:
    """The letters of the Latin script (Basic Latin to Latin Extended-B) that pass `test`: names are
    written with more than a to z ("Łukasz", "Ayşe Yılmaz", "Çelik", "Ødegaard")."""
    return "".join(c for c in map(chr, range(0x41, 0x250)) if c.isalpha() and test(c))


_UP = _latin_letters(str.isupper)
_LOW = _latin_letters(str.islower)
#: A word written as a name: a capital, then small letters ("Jansen", "Yılmaz", "El-Amrani").
_CAPITALISED = rf"[{_UP}][{_LOW}'’-]+"
#: A word in capitals ("JANSEN"), two letters or more.
_IN_CAPITALS = rf"[{_UP}][{_UP}'’-]+"

_NAME_PARTICLES = r"(?:(?:van|de|der|den|ter|ten|te|op|het|in 't|van der|van den|van de)\s+)*"
_NAME_RES = (
    # mevrouw Jansen, dhr. De Vries, client Bakker
    re.compile(
        r"\b(?i:mevrouw|mevr\.?|mw\.?|meneer|mijnheer|dhr\.?|de heer|mr\.?|mrs\.?|ms\.?|miss|"
        r"patiënt(?:e)?|patient|cliënt(?:e)?|client)\s+(?i:" + _NAME_PARTICLES + rf")[{_UP}][\w'’-]+"
    ),
    # mevrouw jansen, mw. yilmaz: after a form of address a name may go without its capital (not
    # after "cliënt" or "patiënt", which a sentence goes on from: "cliënt krijgt").
    re.compile(r"\b(?i:mevrouw|mevr\.|mw\.|meneer|mijnheer|dhr\.|de heer)\s+" + _NAME_PARTICLES + r"[^\W\d_]{2,}"),
    # J. Jansen, A.B. de Vries
    re.compile(rf"\b(?:[{_UP}]\.\s?){{1,4}}\s*" + _NAME_PARTICLES + _CAPITALISED),
    # Jan Jansen, Fatima el Amrani, Piet van der Berg, Ayşe Yılmaz
    re.compile(rf"\b{_CAPITALISED}\s+(?:(?:van|de|der|den|ter|ten|el|al|bin)\s+)*{_CAPITALISED}"),
    # Jansen, Jan (the surname first, as on a list)
    re.compile(rf"\b{_CAPITALISED},\s*{_CAPITALISED}"),
    # JAN JANSEN, PIET VAN DER BERG
    re.compile(rf"\b{_IN_CAPITALS}\s+(?:(?:VAN|DE|DER|DEN|TER|TEN|EL|AL|BIN)\s+)*{_IN_CAPITALS}"),
)

#: A surname alone, straight before the date ("Jansen 12-03-1954", "Jansen, 12-03-1954",
#: "Jansen (12-03-1954)"): a capitalised word that is not one that starts a sentence about a date.
_WORD_BEFORE_RE = re.compile(rf"\b({_CAPITALISED})[\s,(:]*$")
#: A form of address and a name in lower case straight before the date, as written in a hurry:
#: "mw de vries 3-5-50", "dhr jansen, 3 mei 1950". Without its dot "mw" is also maatschappelijk
#: werk ("mw wijkteam"), so only straight before the date, not anywhere near it (_NAME_RES).
_ADDRESSED_BEFORE_RE = re.compile(
    r"\b(?:mevrouw|mevr|mw|meneer|mijnheer|dhr|de heer)\.?\s+" + _NAME_PARTICLES + r"[^\W\d_]{2,}[\s,(:]*$",
    re.IGNORECASE,
)
_NOT_A_SURNAME = frozenset(
    """per sinds vanaf tot op in na voor van om rond tussen datum dd gestart opgericht ingegaan
    ingang geldig start einde versie besluit brief wet regeling afspraak overleg
    since from until on at by before after as of date dated version""".split()
)

#: Characters either side of a date in which a name makes it look like someone's date of birth.
NAME_WINDOW = 60
#: A date at least this many years ago may be a date of birth.
BIRTH_YEARS_AGO = 16


@dataclass(frozen=True)
class Finding:
    kind: str  # "bsn" or "birth_date"
    shown: str  # what the person may be shown (a BSN is masked)


def _parse_date(kind: str, groups: tuple[str, ...]) -> date | None:
    try:
        if kind == "dmy":
            numbers = [group for group in groups if group.isdigit()]  # without the separator
            day, month, year = int(numbers[0]), int(numbers[1]), int(numbers[2])
        elif kind == "ymd":
            year, month, day = (int(group) for group in groups if group.isdigit())
        elif kind == "d_month_y":
            day = int(groups[0])
            month_name, year_text = [group for group in groups[1:] if group]
            month, year = _MONTHS[month_name.lower()], int(year_text)
        else:  # month_d_y
            month_name, day_text, year_text = [group for group in groups if group]
            day, month, year = int(day_text), _MONTHS[month_name.lower()], int(year_text)
        if year < 100:  # 12-03-45: a two-digit year of a birth date lies in the past
            this_year = timezone.localdate().year
            year += 2000 if 2000 + year <= this_year else 1900
        return date(year, month, day)
    except (ValueError, KeyError):
        return None


def _years_ago(day: date, today: date) -> int:
    return today.year - day.year - ((today.month, today.day) < (day.month, day.day))


def _has_name(text: str) -> bool:
    return any(pattern.search(text) for pattern in _NAME_RES)


def _surname_before(before: str) -> bool:
    if _ADDRESSED_BEFORE_RE.search(before):
        return True
    word = _WORD_BEFORE_RE.search(before)
    return word is not None and word.group(1).lower() not in _NOT_A_SURNAME


def _find_birth_dates(text: str) -> list[Finding]:
    today = timezone.localdate()
    findings = []
    for pattern, kind in _DATE_RES:
        for match in pattern.finditer(text):
            day = _parse_date(kind, match.groups())
            if day is None or day > today or day.year < 1900:
                continue
            before = text[max(0, match.start() - 40) : match.start()]
            if _BIRTH_LABEL_RE.search(before[-25:]):
                findings.append(Finding("birth_date", match.group(0)))
                continue
            if _years_ago(day, today) >= BIRTH_YEARS_AGO:
                around = text[max(0, match.start() - NAME_WINDOW) : match.start()] + " … "
                around += text[match.end() : match.end() + NAME_WINDOW]
                if _has_name(around) or _surname_before(before):
                    findings.append(Finding("birth_date", match.group(0)))
    return findings


def _find_bsns(text: str) -> list[Finding]:
    findings = []
    for match in _NUMBER_RUN.finditer(text):
        if match.start() > 0 and text[match.start() - 1] == "+":
            continue  # an international phone number: +31 30 123 4567
        before = text[max(0, match.start() - 30) : match.start()]
        if _OTHER_NUMBER_LABEL.search(before) and not _BSN_NAMED.search(before):
            continue  # "RSIN 123456782", "UZI-nummer 123456782"
        run = match.group(0)
        for digits in _bsn_candidates(run):
            if passes_eleven_test(digits):
                findings.append(Finding("bsn", _mask(digits)))
        if _BSN_LABEL.search(before):
            digits = "0" + "".join(filter(str.isdigit, run))
            if passes_eleven_test(digits):  # "BSN 12345672": eight digits after the label
                findings.append(Finding("bsn", _mask(digits)))
    return findings


#: The fewest digits anything found has: a date written as 1 mrt '45 (a BSN has nine, 1-2-50
#: four). Most of what people write has fewer ("Kun je me morgen bellen?"): such a text is
#: not searched further. It runs on every save of every free text, every post among them: the
#: searches and the date they compare with were 5 % of a post's instructions
#: (bench/post_instructions.py). A pattern added above that needs fewer digits lowers this.
FEWEST_DIGITS = 3
_ENOUGH_DIGITS = re.compile(rf"\d(?:\D*\d){{{FEWEST_DIGITS - 1}}}")


#: Markdown's marks and escapes, which a reader does not see: "111**222**333" reads 111222333.
_MARKUP = re.compile(r"[*_`~\\]")
#: An HTML comment or tag: Markdown fields drop a comment and a tag the sanitiser does not allow,
#: keep the text of one it does, and show neither ("111<span>222</span>333", "111<!-- -->222333"
#: read 111222333). A comment left open is shown as it is written, and read so.
_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.DOTALL)
#: A Markdown link or image: the page shows its text (or nothing), never the address:
#: "[111](#)222333" and "111[](#)222333" read 111222333.
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s+[^()]*)?\)")


def as_read(text: str) -> str:
    """The text as a reader sees it, for the search: full-width and other compatibility digits as
    the digits they look like, digits of other scripts ("١١١") as 0-9, character references
    ("&#50;") as their characters, and without invisible characters (a zero-width space, a soft
    hyphen), HTML comments and tags, or a Markdown link's address ("[111](#)222333" reads
    111222333). Without this, "BSN 111&#50;22333", a BSN with zero-width spaces in it or
    "BSN 111<!-- -->222333" was saved and shown as a plain BSN (exploratory security tests).
    find_client_data also reads the text without Markdown's emphasis and escapes, and as a
    Markdown field shows it when markup touches a digit."""
    return _as_read_normalised(unicodedata.normalize("NFKC", text))


def _as_read_normalised(text: str) -> str:
    """as_read for a text already in NFKC (find_client_data normalises once, for its digit count)."""
    if "&" in text:
        text = unicodedata.normalize("NFKC", html.unescape(text))
    if not text.isascii():
        text = text.translate(_READ_AS)
    if "<" in text:
        text = _HTML.sub("", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    return text


#: Characters a reader does not see though they are no format character (Cf): the Hangul fillers,
#: the braille blank and the Mongolian vowel separator.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


class _ReadAs(dict):
    """str.translate's table for as_read, filled as characters come: an invisible character (a
    format character, a combining mark such as the grapheme joiner U+034F or a variation selector,
    a blank) goes, a digit of any script becomes its 0-9, and every other character stays."""

    def __missing__(self, code: int):
        char = chr(code)
        if char in _BLANKS or unicodedata.category(char) in ("Cf", "Mn", "Me"):
            read = None
        elif char.isdecimal():
            read = str(unicodedata.decimal(char))
        else:
            read = code
        if len(self) < 20_000:  # what people write uses a few hundred characters; no text fills it
            self[code] = read
        return read


_READ_AS = _ReadAs()


def find_client_data(text: str) -> list[Finding]:
    """What in this text identifies a client: BSNs first, then dates of birth; in the text as a
    reader sees it, again without Markdown's marks when it has any, and again as a Markdown field
    shows it when it has markup that as_read may read otherwise (_shown)."""
    if not text:
        return []
    # Most texts have too few digits to hold anything (\d counts any script's digits): done.
    text = unicodedata.normalize("NFKC", text)
    if not _ENOUGH_DIGITS.search(text):
        return []
    read = _as_read_normalised(text)
    found = _find(read)
    if not found and _MARKUP.search(read):
        found = _find(_MARKUP.sub("", read))
    if not found and _RENDERED_MAY_DIFFER.search(text):
        found = _find(_as_read_normalised(_shown(text)))
    return found


def _find(text: str) -> list[Finding]:
    return _find_bsns(text) + _find_birth_dates(text)


#: Markup next to a digit, where as_read's reading of tags and links could join or split numbers
#: otherwise than the page does: such a text is also searched as shown (Markdown's rendering took
#: 2.5 ms of a 3,000-character message, as much as the search itself: not for every text).
_RENDERED_MAY_DIFFER = re.compile(r"\d\s*[<>\[\]]|[<>\[\]]\s*\d")
_TAG = re.compile(r"<[^<>]*>")


def _shown(text: str) -> str:
    """The text a Markdown field (a message, a description: core.markdown) shows for `text`: its
    rendered HTML without tags. The guard's last word on markup, whatever as_read makes of it."""
    from wijkverband.core.markdown import render_markdown  # noqa: PLC0415 - only for texts with markup

    return html.unescape(_TAG.sub("", str(render_markdown(text))))


def mask_client_data(text: str) -> str:
    """The text with what identifies a client blotted out: a BSN's digits become dots, a date of
    birth becomes "…". For a person removing client data: they start from their own text."""
    text = unicodedata.normalize("NFKC", text or "")

    def bsn(match: re.Match) -> str:
        run = match.group(0)
        if match.start() > 0 and text[match.start() - 1] == "+":
            return run
        if any(passes_eleven_test(digits) for digits in _bsn_candidates(run)):
            return re.sub("[0-9]", "•", run)
        return run

    text = _NUMBER_RUN.sub(bsn, text)
    for finding in _find_birth_dates(text):
        text = text.replace(finding.shown, "…")
    return text
