"""The client-data detector: finds what identifies a client in free text a person writes.

There is no shared client record, and nothing a team writes outside a case may identify a client.
This finds, in the text as a reader sees it (as_read: without invisible characters, HTML comments
and tags, Markdown's link addresses and emphasis; and as a Markdown field shows it when markup
touches a digit)
- a number that passes the BSN eleven-test, in any common writing: plain, spaced, dotted or
  hyphenated in groups ("111 222 333", "1112.22.333", "111 - 222 - 333", a group on each line),
  with a leading zero, and next to other numbers or letters ("kamer 1 111222333",
  "BSN 111222333 2 keer", "nr111222333"); eight digits after a BSN label ("BSN 12345672");
- a date of birth: a date labelled as one ("geb. 12-03-1945", "born 3 May 1940", "geboren in
  Amersfoort op 3 mei 1950"), or a date long enough ago to be a birth date (16 years or more)
  with a person's name close by ("mevrouw Jansen", "J. de Vries", "Jan Jansen", "Ayşe Yılmaz",
  "JAN JANSEN", "Jansen, Jan", "mw. yilmaz", "j. de vries") or a surname straight before it
  ("Jansen 12-03-1954") or in brackets after it ("12-03-1954 (Jansen)"). Dates are written with
  hyphens, slashes, dots, dashes or spaces ("12–03–1954", "03 - 05 - 1950", "1950 05 03"), as
  eight digits ("19500503"), as six straight after a name ("J. de Vries 030550"), or with the
  month's name ("3e mei 1950", "the 3rd of May 1950"), also as a GP's system writes it
  ("12-mrt-1945", "12 mrt '45").

It errs on the side of refusing (a person can always rephrase, but client data that got in cannot
be taken back from everyone who read it) while letting through what care work is full of: phone
numbers (also international: "+31 30 123 4567"), postcodes, dates without a person, amounts, AGB,
KvK, RSIN and UZI numbers, nine-digit numbers that fail the eleven-test, and the laws, standards
and organisations written with the date they began ("De Wmo 01-01-2007", "Wet Bopz 1994-01-17",
"Buurtzorg 2007-01-15 opgericht", "sinds 12 mei 1998"), dates of events and documents with a name
near ("Het convenant is op 12-06-2008 ondertekend door A. de Boer", "Laatst herzien: 01-02-2009
(A. Visser)": _event_date), and a supplier's order, ticket or customer numbers ("Ordernummer
111222333"). docs/privacy.md lists each rule.

wijkverband.core.guard applies it to every free-text field of every model.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from wijkverband.core.markdown import render_markdown

# --- BSNs ------------------------------------------------------------------------------------------

#: Dashes people and word processors put between digits: a hyphen (also a non-breaking one), a
#: figure, en or em dash, a horizontal bar and a minus sign.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
#: Between the groups of one written number: white space (spaces of any kind, tabs, line breaks,
#: as many as there are); once a dot, a dash, a slash, a middle dot or a colon, also with spaces
#: around it ("111 - 222 - 333", "111. 222. 333"); or once a comma, a backslash, an underscore
#: or an apostrophe ("111'222'333"). A comma with a space after it is a list ("101, 102, 103").
_SEPARATOR = rf"(?:\s*[.{_DASHES}/\u00b7\u2027\u2219\u22c5\u30fb:]\s*|[,\\_'\u2019()+|]|\s+)"
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
#: So is an order, invoice, ticket or customer number of a supplier ("Ordernummer 111222333",
#: "Ticket #123456782", "Klantnummer 123 456 782").
_OTHER_NUMBER_LABEL = re.compile(
    r"\b(?:rsin|uzi(?:-?pas)?|kvk|agb|big|btw|vestigings|fiscaal|order|bestel(?:ling)?|factuur|ticket|klant)"
    r"(?:[-\s]?(?:nummer|nr|no|code|registratie))?\.?\s*[:#]?\s*$",
    re.IGNORECASE,
)
#: A BSN label and what follows it: after it any nine digits that pass the eleven-test are a BSN,
#: whatever is between them ("BSN 111|222|333", "bsn 111 2 22 333"), and so are eight (without
#: its leading zero); digits further on than the next letter or line are not.
_BSN_LABELLED = re.compile(
    r"\b(?:bsn|burger\s?service\s?nummer|sofi)(?:[-\s]?(?:nummer|nr|no))?\.?\s*[:#]?\s*"
    r"([0-9](?:[^\w\n]{0,3}[0-9]){7,})",
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
    if run.isdigit():  # one group, as most numbers are written
        if len(run) == 9:
            yield run
        return
    parts = _SEPARATOR_SPLIT.split(run)
    groups, separators = parts[0::2], parts[1::2]
    # Nine digits in all, split the same way throughout and on one line, are one number however
    # short its groups: "1 1 1 2 2 2 3 3 3", "1-1-1-2-2-2-3-3-3", "111 22 2 333". A date with a
    # time ("1-3-2026 9:30") mixes its separators.
    if sum(map(len, groups)) == 9 and len(set(separators)) == 1 and not _LINE_BREAK.search(separators[0]):
        yield "".join(groups)

    def line_apart(i: int) -> bool:  # the i-th separator breaks the line, or the run ends there
        return not 0 <= i < len(separators) or _LINE_BREAK.search(separators[i]) is not None

    for start in range(len(groups)):
        digits = ""
        for end in range(start, len(groups)):
            if end > start:
                if len(groups[start]) < 2 or len(groups[end]) < 2:
                    break
                # Over a line break a group alone on its line joins its neighbour ("111\n222\n333",
                # "111\n222 333"); the ends of two lines of numbers (a list of phone numbers) do not.
                if line_apart(end - 1) and not (line_apart(end - 2) or line_apart(end)):
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
    "feb": 2, "febr": 2, "februari": 2, "february": 2,
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
#: A word that may be a month's name, looked up in _MONTHS (an alternation of the names was the
#: slowest search of all).
_MONTH = r"[A-Za-z]{3,9}"
#: After a day: "3e mei", "1ste", "2de", "3rd of May", "May 3rd".
_ORDINAL = r"(?:ste|de|e|st|nd|rd|th)?"
#: Between a date's parts: a hyphen or dash, a slash or a dot, also with spaces around it
#: ("03 - 05 - 1950", "03. 05. 1950"); the date uses the same one twice.
_DATE_SEPARATOR = rf"[^\S\n]*([{_DASHES}/.])[^\S\n]*"

#: The dates that start with a number, by how many digits that number has. Each is tried where a
#: number starts (one search for the numbers instead of one search of the text per pattern).
_DATES_BY_DIGITS = {
    1: (
        # 12-03-1945, 12/3/45, 12.03.1945, 12–03–1945, 03 - 05 - 1950, 12-03-'45
        (re.compile(rf"(\d{{1,2}}){_DATE_SEPARATOR}(\d{{1,2}})[^\S\n]*\2[^\S\n]*['’‘]?(\d{{4}}|\d{{2}})(?!\d)"), "dmy"),
        # 12 03 1945 (spaces: with a four-digit year only, so a phone number's groups are no date)
        (re.compile(r"(\d{1,2}) (\d{1,2}) (\d{4})(?!\d)"), "dmy"),
        # 12 maart 1945, 3 May 1940, 3e mei 1950, 3rd of May 1950, 12 mrt '45, and as a GP's system
        # writes it: 12-mrt-1945, 12-mrt-45 (with spaces a two-digit year needs its apostrophe:
        # "op 3 mei 10 cliënten" is no date)
        (
            re.compile(
                rf"(\d{{1,2}}){_ORDINAL}(?:\s+(?:of\s+)?({_MONTH})\.?,?\s+(?:['’‘](\d{{2}})|(\d{{4}}))"
                rf"|[-/.]({_MONTH})\.?[-/.]['’‘]?(\d{{4}}|\d{{2}}))(?!\d)",
                re.IGNORECASE,
            ),
            "d_month_y",
        ),
    ),
    4: (
        # 1945-03-12, 1945/03/12, 1945.03.12, 1950 05 03
        (re.compile(rf"(\d{{4}}){_DATE_SEPARATOR}(\d{{1,2}})[^\S\n]*\2[^\S\n]*(\d{{1,2}})(?!\d)"), "ymd"),
        (re.compile(r"(\d{4}) (\d{1,2}) (\d{1,2})(?!\d)"), "ymd"),
    ),
    # 030550: six digits only straight after a name ("J. de Vries 030550"): an order or file number
    # is often six digits too
    6: ((re.compile(r"(\d{2})(\d{2})(\d{2})(?!\d)"), "dmy_after_name"),),
    # 12031945, 19450312 (eight digits: only with a name or a label, as every date here)
    8: ((re.compile(r"(\d{2})(\d{2})(\d{4})(?!\d)"), "dmy"), (re.compile(r"(\d{4})(\d{2})(\d{2})(?!\d)"), "ymd")),
}
_DATES_BY_DIGITS[2] = _DATES_BY_DIGITS[1]
_NUMBER = re.compile(r"[0-9]+")
# March 12, 1945; May 3rd, 1950; mrt 12 '45: the month before the day's number, then from the day on
_MONTH_BEFORE = re.compile(rf"\b({_MONTH})\.?\s+$")
_DAY_YEAR = re.compile(rf"(\d{{1,2}}){_ORDINAL},?\s+(?:['’‘](\d{{2}})|(\d{{4}}))(?!\d)", re.IGNORECASE)

_BIRTH_LABEL_RE = re.compile(
    r"(geboren|geb\.|geb\b|geboortedatum|geb\.?\s?dat(?:um)?\b|geboortedag|geboortejaar|geb\.?\s?jaar|"
    r"\bdob\b|d\.o\.b\.?|born|date of birth|birth\s?date|year of birth|birth\s?year)",
    re.IGNORECASE,
)
#: What ends the sentence a label of birth is in: further on, a date is not the one it labels.
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")
#: Straight before or after a date, words that make it no date of birth, whatever name is near:
#: "sinds 12 mei 1998", "opgericht 3 mei 1985", "Buurtzorg 2007-01-15 opgericht".
_NOT_BIRTH_BEFORE = re.compile(
    r"\b(?:sinds|sedert|vanaf|per|tot|t/m|opgericht|geopend|ingegaan|ingevoerd|gestart|"
    r"since|from|until|founded|opened|established)(?:\s+(?:op|in|per|on))?[\s,:]*$",
    re.IGNORECASE,
)
_NOT_BIRTH_AFTER = re.compile(
    r"[\s,)]*(?:opgericht|geopend|ingegaan|ingevoerd|in werking|gestart|founded|opened|established)\b"
    rf"|[^\S\n]*[{_DASHES}][^\S\n]*\d{{4}}(?![\d{_DASHES}/.]\d)",  # a range of years: "3 mei 1950-2000"
    re.IGNORECASE,
)
#: A year alone is a year of birth only straight after a label of birth: "geb. 1945", "geboortejaar
#: 1945", "geboren in 1945".
_YEAR_LABELLED = re.compile(
    r"(?:geboren(?:\s+in)?|geb\.?(?:\s?jaar)?|geboortejaar|year of birth|birth\s?year|born(?:\s+in)?)[\s:]*$",
    re.IGNORECASE,
)


#: Look-alike letters of the Greek and Cyrillic scripts, read as the Latin ones: "Jаn Jаnsen" with
#: a Cyrillic а is read as a name like any other (as_read).
_CONFUSABLES = {
    **dict(zip("АВЕЅІЈКМНОРСТУХЬаеіјорсуѕхԁһԛԝӏ", "ABESIJKMHOPCTYXbaeijopcysxdhqwl", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορυχ", "ABEZHIKMNOPTYXaikvopux", strict=True)),
}


def _cased_letters(test) -> str:
    """The letters that pass `test` of the Latin (Basic Latin to Latin Extended-B), Greek and
    Cyrillic scripts: names are written with more than a to z ("Łukasz", "Ayşe Yılmaz", "Ødegaard",
    "Анна Иванова")."""
    codes = [*range(0x41, 0x250), *range(0x370, 0x530)]
    return "".join(c for c in map(chr, codes) if c.isalpha() and test(c))


_UP = _cased_letters(str.isupper)
_LOW = _cased_letters(str.islower)
#: A word written as a name: a capital, then small letters ("Jansen", "Yılmaz", "El-Amrani").
_CAPITALISED = rf"[{_UP}][{_LOW}'’-]+"
#: A word in capitals ("JANSEN"), two letters or more.
_IN_CAPITALS = rf"[{_UP}][{_UP}'’-]+"

_PARTICLES = "van|de|der|den|ter|ten|te|op|het|in 't|van der|van den|van de"
_NAME_PARTICLES = rf"(?:(?:{_PARTICLES})\s+)*"
#: Each finds a name; its group "name" holds the words that must read as a name (_is_name_word):
#: the first and the last of them are checked.
_NAME_RES = (
    # mevrouw Jansen, dhr. De Vries, client Bakker
    re.compile(
        r"\b(?i:mevrouw|mevr\.?|mw\.?|meneer|mijnheer|dhr\.?|de heer|mr\.?|mrs\.?|ms\.?|miss|"
        r"patiënt(?:e)?|patient|cliënt(?:e)?|client)\s+(?i:" + _NAME_PARTICLES + rf")(?P<name>[{_UP}][\w'’-]+)"
    ),
    # mevrouw jansen, mw. yilmaz: after a form of address a name may go without its capital (not
    # after "cliënt" or "patiënt", which a sentence goes on from: "cliënt krijgt").
    re.compile(
        r"\b(?i:mevrouw|mevr\.|mw\.|meneer|mijnheer|dhr\.|de heer)\s+" + _NAME_PARTICLES + r"(?P<name>[^\W\d_]{2,})"
    ),
    # J. Jansen, A.B. de Vries
    re.compile(rf"\b(?:[{_UP}]\.\s?){{1,4}}\s*" + _NAME_PARTICLES + rf"(?P<name>{_CAPITALISED})"),
    # Jan Jansen, Fatima el Amrani, Piet van der Berg, Piet De Vries, Ayşe Yılmaz
    re.compile(rf"\b(?P<name>{_CAPITALISED}\s+(?:(?i:van|de|der|den|ter|ten|el|al|bin)\s+)*{_CAPITALISED})"),
    # Jansen, Jan (the surname first, as on a list)
    re.compile(rf"\b(?P<name>{_CAPITALISED},\s*{_CAPITALISED})"),
    # Jansen, J. and Jansen J.A. (the surname first, then the initials)
    re.compile(rf"\b(?P<name>{_CAPITALISED}),?\s+(?:[{_UP}]\.\s?){{1,4}}(?!\s?[{_UP}{_LOW}])"),
    # Jan JANSEN (the surname in capitals, as some systems write it)
    re.compile(rf"\b(?P<name>{_CAPITALISED}\s+(?:(?i:van|de|der|den|ter|ten|el|al|bin)\s+)*{_IN_CAPITALS})"),
    # JAN JANSEN, PIET VAN DER BERG
    re.compile(rf"\b(?P<name>{_IN_CAPITALS}\s+(?:(?:VAN|DE|DER|DEN|TER|TEN|EL|AL|BIN)\s+)*{_IN_CAPITALS})"),
)
_NAME_WORD = re.compile(rf"[{_UP}{_LOW}][\w'’-]*")

#: Near the date, what makes it a person's date of birth whatever else is said about it (see
#: _event_date): an age ("80 jaar", "80-jarige"), a client or patient.
_BIRTH_CONTEXT = re.compile(
    r"\b\d{1,3}[\s-]*(?:jaar|jr|jarige)\b(?!\s+(?:geleden|lang|later|eerder|terug|na\b|daarvoor|daarna))"
    r"|\b(?:cliënt|client|patiënt|patient)e?\b",
    re.IGNORECASE,
)
#: A form of address and a name straight before the date: "Mevr. de Vries 12-03-1945", "de heer
#: Pietersen (12-3-1938)".
_HONORIFIC_BEFORE = re.compile(
    r"\b(?:mevrouw|mevr|mw|meneer|mijnheer|dhr|de heer)\.?\s+" + _NAME_PARTICLES + r"[^\W\d_]{2,}[\s,(:]*$",
    re.IGNORECASE,
)
#: Words of an event or a document: a date they govern is when something happened, was signed,
#: written or decided, not someone's birthday. Nouns also at the end of a compound word
#: ("Subsidiebesluit", "ROSE-overleg", "werkafspraak").
_EVENT_NOUNS = (
    r"(?:overleg|besluit|convenant|afspraak|afspraken|notulen|verslag|versie|melding|vergadering|bijeenkomst|"
    r"brief|nota|notitie|rapport|contract|overeenkomst|akkoord|subsidie|evaluatie|opening|oprichting|"
    r"ondertekening|herziening|start|begin)"
)
_EVENT_VERBS = (
    r"(?:ondertekend|getekend|opgericht|opgezet|opgesteld|opgestart|herzien|gewijzigd|aangepast|vastgesteld|"
    r"vastgelegde?|gestart|startte|startten|begon|begonnen|opende|openden|geopend|ingegaan|ingevoerd|besproken|"
    r"afgesproken|gesloten|afgesloten|verlengd|geëvalueerd|gepubliceerd|verschenen|besloten|signed|started|"
    r"founded|opened|revised|published)"
)
_EVENT_WORD = re.compile(rf"{_EVENT_NOUNS}\b|\b{_EVENT_VERBS}\b", re.IGNORECASE)
#: An event word straight before the date ("herzien: 01-02-2009", "convenant van 12-06-2008",
#: "Subsidiebesluit 26 mei 1999", "Notulen overleg 12-03-2009"), or a meeting before one
#: capitalised word that is straight before it ("overleg Jansen 12-03-2008": a meeting with a
#: professional; "Verwijsbrief Jansen 12-03-1945" is refused).
_EVENT_BEFORE = re.compile(
    rf"(?:{_EVENT_NOUNS}|\b{_EVENT_VERBS})\s*(?::|\bvan|\bd\.?d\.?|\bop|\bdato)?[\s:,]*$"
    rf"|(?:overleg|vergadering|bijeenkomst)[^\S\n]+(?:met[^\S\n]+)?[{_UP}][{_LOW}'’-]+[\s,:]*$",
    re.IGNORECASE,
)
#: Where a clause ends, for the event words of a date: not after an initial or a form of address
#: ("mw. Bakker", "A. de Boer").
_CLAUSE_END = re.compile(r"(?<!\b\w)(?<!\bmw)(?<!\bdr)(?<!\bdhr)(?<!\bmevr)(?<!\bdrs)[.!?;:]\s|\n")
#: "op 12-03-2008", "van 03-04-2009", "d.d. 12-06-2008": with an event word in its sentence, such a
#: date is when it happened ("Het convenant is op 12-06-2008 ondertekend", "melding van Jan Smit
#: van 03-04-2009").
_EVENT_PREPOSITION = re.compile(r"\b(?:op|van|d\.?d\.?|dato|on)[\s:]*$", re.IGNORECASE)
#: Who wrote a document, straight before their name and the date: "Auteur: J. de Vries, 2009-02-01".
_AUTHOR_BEFORE = re.compile(
    r"\b(?:auteurs?|author|notulist|opgesteld door|geschreven door|ondertekend door)[\s:]*$", re.IGNORECASE
)

#: A surname alone, straight before the date ("Jansen 12-03-1954", "Jansen, 12-03-1954",
#: "Jansen (12-03-1954)"), or in brackets straight after it ("12-03-1954 (Jansen)").
_WORD_BEFORE_RE = re.compile(rf"\b({_CAPITALISED})[\s,(:]*$")
_WORD_AFTER_RE = re.compile(rf"[^\S\n]*[,:]?[^\S\n]*\([^\S\n]*{_NAME_PARTICLES}({_CAPITALISED})[^\S\n]*\)")
#: A form of address, or an initial, and a name in lower case straight before the date, as written
#: in a hurry: "mw de vries 3-5-50", "dhr jansen, 3 mei 1950", "j. de vries 03-05-1950". Without
#: its dot "mw" is also maatschappelijk werk ("mw wijkteam"), so only straight before the date,
#: not anywhere near it (_NAME_RES).
_ADDRESSED_BEFORE_RE = re.compile(
    r"(?:\b(?:mevrouw|mevr|mw|meneer|mijnheer|dhr|de heer)\.?\s+|(?<![\w.])[^\W\d_]\.\s*)"
    + _NAME_PARTICLES
    + r"([^\W\d_]{2,})[\s,(:]*$",
    re.IGNORECASE,
)

#: Capitalised words that are no person's name: words a sentence starts with, and the names of
#: laws, standards and organisations that care work writes with a date ("De Wmo 01-01-2007",
#: "Wet Bopz 1994-01-17", "Movisie (12-05-1999)"). A title word (_TITLE_WORDS) also makes the
#: capitalised words after it a title ("Protocol Medicatieoverdracht", "Convenant Zorg en
#: Veiligheid").
_NOT_A_NAME = frozenset(
    """de het een en of in op te van voor na bij met om tot per sinds sedert vanaf tussen rond naar door
    over onder uit aan als dan dat die dit deze er ook nog wel niet geen is was zijn wordt werd heeft had
    wij we ik jij je u zij ze hij ons onze hun haar mijn jullie alle elke iedere hoe wat wie waar wanneer
    beste lieve hallo hoi dank zie let dus maar want toen nu vandaag morgen gisteren graag
    datum dd gestart opgericht geopend ingegaan ingang geldig start einde versie brief afspraak overleg
    the a an on at by of for from since until as to and or with date dated version dear see
    wmo zvw wlz awbz wpg avg big wgbo wkkgz bopz wvggz wzd jeugdwet participatiewet
    nhg lhv knmg rivm ggd ggz vng vws cak ciz uwv svb nza igj zonmw movisie vilans nivel trimbos pharos
    buurtzorg humanitas zonnebloem actiz mind mee zorginstituut alzheimer nederland veilig sociaal
    sociale welzijn jeugd zorg
    menzis zilveren kruis vgz cz dsw onvz achmea careyn vivium cordaan amsta evean aafje sensire
    utrecht amsterdam rotterdam haag amersfoort zeist nieuwegein houten noord oost zuid west centrum""".split()
)
_TITLE_WORDS = frozenset(
    """wet wetten regeling besluit protocol standaard zorgstandaard richtlijn convenant handreiking kader
    kwaliteitskader programma project rapport nota visie beleid stichting vereniging coöperatie praktijk
    huisartsenpraktijk apotheek buurthuis wijkcentrum centrum café ziekenhuis gemeente provincie
    ministerie inspectie fonds netwerk platform akkoord pact agenda team wijkteam wijk buurt act law
    standard guideline foundation welzijn zorggroep""".split()
)
_TITLE_ENDINGS = ("wet", "regeling", "besluit", "protocol", "standaard", "richtlijn", "convenant", "praktijk",
                  "apotheek", "centrum", "ziekenhuis", "zorg", "akkoord", "beleid", "groep")  # fmt: skip
#: Small words between the capitalised words of a title: "Convenant Zorg en Veiligheid".
_TITLE_JOINS = frozenset("en van voor de der het in op met & and of for the".split())
_TOKEN = re.compile(r"[^\W\d_][\w'’&-]*|[^\w\s]")

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
        if kind in ("dmy", "dmy_after_name"):
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


def _is_title_word(word: str) -> bool:
    return any(part in _TITLE_WORDS or part.endswith(_TITLE_ENDINGS) for part in word.lower().split("-") if part)


def _is_name_word(word: str) -> bool:
    return word.lower() not in _NOT_A_NAME and not _is_title_word(word)


def _in_title(before: str) -> bool:
    """Whether the capitalised words straight before (and the small words between them) hold a
    title word: the next word then belongs to the title ("Protocol Medicatieoverdracht")."""
    for count, token in enumerate(reversed(_TOKEN.findall(before[-80:]))):
        if count > 8 or not token[0].isalpha():
            return False  # a full stop, a bracket, a comma: the title, if any, is over
        if _is_title_word(token):
            return True
        if not token[0].isupper() and token.lower() not in _TITLE_JOINS:
            return False
    return False


def _names(text: str):
    """The names in this text (matches of _NAME_RES), without words that read as no name and
    titles: "De Wmo", "Wet Bopz", "Het Buurthuis" and "Richtlijn Signalering Huiselijk" are none."""
    for pattern in _NAME_RES:
        position = 0
        while match := pattern.search(text, position):
            words = _NAME_WORD.findall(match.group("name"))
            if _is_name_word(words[0]) and _is_name_word(words[-1]) and not _in_title(text[: match.start()]):
                yield match
            position = match.start() + 1


def _has_name(text: str) -> bool:
    return next(_names(text), None) is not None


def _name_straight_before(before: str) -> bool:
    """A name ends straight before the date: "J. de Vries 030550", "mevrouw Jansen, 030550"."""
    if _addressed_before(before):
        return True
    return any(not before[match.end() :].strip(" ,(:") for match in _names(before))


def _addressed_before(before: str) -> bool:
    word = _ADDRESSED_BEFORE_RE.search(before)
    return word is not None and _is_name_word(word.group(1))


def _surname_before(before: str) -> bool:
    if _addressed_before(before):
        return True
    word = _WORD_BEFORE_RE.search(before)
    return word is not None and _is_name_word(word.group(1)) and not _in_title(before[: word.start()])


def _surname_after(text: str, end: int) -> bool:
    word = _WORD_AFTER_RE.match(text, end)
    return word is not None and _is_name_word(word.group(1))


def _labelled(before: str) -> bool:
    """A label of birth straight before the date ("geb. 12-03-1945"), or earlier in its sentence
    ("geboren in het ziekenhuis in Amersfoort op 3 mei 1950")."""
    labels = list(_BIRTH_LABEL_RE.finditer(before))
    return bool(labels) and not _SENTENCE_END.search(before, labels[-1].end())


#: What every label of birth holds (_BIRTH_LABEL_RE), looked for first: most dates have none.
_LABEL_HINTS = ("geb", "born", "birth", "dob", "d.o.b")


def _dates(text: str):
    """(start, end, kind, date) of every date written in the text."""
    for number in _NUMBER.finditer(text):
        start = number.start()
        dated = False
        for pattern, kind in _DATES_BY_DIGITS.get(len(number.group(0)), ()):
            if (match := pattern.match(text, start)) and (day := _parse_date(kind, match.groups())):
                dated = True
                yield start, match.end(), kind, day
        if not dated and len(number.group(0)) == 4 and 1900 <= (year := int(number.group(0))) <= 2100:
            yield start, number.end(), "year", date(year, 1, 1)  # "geb. 1945" (_YEAR_LABELLED)
        if len(number.group(0)) <= 2 and (month := _MONTH_BEFORE.search(text, max(0, start - 12), start)):
            if (match := _DAY_YEAR.match(text, start)) and (
                day := _parse_date("month_d_y", (month.group(1), *match.groups()))
            ):
                yield month.start(), match.end(), "month_d_y", day


def _find_birth_dates(text: str) -> list[Finding]:
    today = timezone.localdate()
    findings = []
    for start, end, kind, day in _dates(text):
        if day > today or day.year < 1900:
            continue
        before = text[max(0, start - 80) : start]
        if _is_birth_date(text, start, end, kind, day, before, today):
            findings.append(Finding("birth_date", text[start:end]))
    return findings


def _is_birth_date(text: str, start: int, end: int, kind: str, day: date, before: str, today: date) -> bool:
    hinted = any(hint in before.lower() for hint in _LABEL_HINTS)
    if kind == "year":
        return hinted and _YEAR_LABELLED.search(before[-25:]) is not None
    if hinted and _BIRTH_LABEL_RE.search(before[-25:]):
        return True
    if _NOT_BIRTH_BEFORE.search(before[-30:]) or _NOT_BIRTH_AFTER.match(text, end):
        return False  # "sinds 12 mei 1998", "2007-01-15 opgericht"
    if hinted and _labelled(before):
        return True
    if _years_ago(day, today) < BIRTH_YEARS_AGO:
        return False
    if kind == "dmy_after_name":
        return _name_straight_before(before)
    if _surname_after(text, end):
        return True  # "12-03-1954 (Jansen)"
    around = text[max(0, start - NAME_WINDOW) : start] + " … " + text[end : end + NAME_WINDOW]
    if not (_has_name(around) or _surname_before(before)):
        return False
    return not _event_date(text, start, end, before)


def _event_date(text: str, start: int, end: int, before: str) -> bool:
    """Whether a date with a name near is when something happened rather than someone's birthday:
    an event word governs it (_EVENT_BEFORE: "herzien: 01-02-2009", "overleg Jansen 12-03-2008";
    "op"/"van" with an event word in its clause: "Het convenant is op 12-06-2008 ondertekend door
    A. de Boer", "melding van Jan Smit van 03-04-2009"), or it follows its author ("Auteur: J. de
    Vries, 2009-02-01"). Never when its clause has a label of birth, an age or a client or patient
    ("Patiënt P. de Boer, 80 jaar, op 12-03-1945"), or a form of address and name are straight
    before it ("Mevr. de Vries 12-03-1945")."""
    clause_before = before[max((m.end() for m in _CLAUSE_END.finditer(before)), default=0) :]
    after = text[end : end + NAME_WINDOW]
    clause_after = after[: m.start()] if (m := _CLAUSE_END.search(after)) else after
    if (
        _BIRTH_CONTEXT.search(clause_before)
        or _BIRTH_CONTEXT.search(clause_after)
        or _BIRTH_LABEL_RE.search(clause_after)
        or _HONORIFIC_BEFORE.search(before)
    ):
        return False
    if _EVENT_BEFORE.search(before[-40:]):
        return True
    if _EVENT_PREPOSITION.search(before[-12:]) and (
        _EVENT_WORD.search(clause_before) or _EVENT_WORD.search(clause_after)
    ):
        return True
    return any(
        not before[match.end() :].strip(" ,(:") and _AUTHOR_BEFORE.search(before[: match.start()])
        for match in _names(before)
    )


def _bsns(text: str) -> list[tuple[int, int, str]]:
    """Where a BSN is written in the text: (start, end, its nine digits) of each. The one reading of
    what is a BSN: the guard refuses what this finds (_find_bsns), and masking blots it out
    (mask_client_data)."""
    found_at = []
    for match in _NUMBER_RUN.finditer(text):
        if match.start() > 0 and text[match.start() - 1] == "+":
            continue  # an international phone number: +31 30 123 4567
        run = match.group(0)
        if len(run) < 8:
            continue  # too few digits for a BSN, with or without its leading zero: most numbers
        found = [digits for digits in _bsn_candidates(run) if passes_eleven_test(digits)]
        # The labels are read only for a number that may be a BSN: most are not.
        if not found and len(run) >= 8 and len(digits := "0" + "".join(filter(str.isdigit, run))) == 9:
            if passes_eleven_test(digits) and _BSN_LABEL.search(text, max(0, match.start() - 30), match.start()):
                found = [digits]  # "BSN 12345672": eight digits after the label
        if found:
            before = text[max(0, match.start() - 30) : match.start()]
            if _OTHER_NUMBER_LABEL.search(before) and not _BSN_NAMED.search(before):
                continue  # "RSIN 123456782", "UZI-nummer 123456782"
            found_at += [(match.start(), match.end(), digits) for digits in dict.fromkeys(found)]
    if _BSN_NAMED.search(text):
        for match in _BSN_LABELLED.finditer(text):
            start, end = match.span(1)
            if any(start < found_end and found_start < end for found_start, found_end, _ in found_at):
                continue  # found as a number already
            digits = "".join(filter(str.isdigit, match.group(1)))
            if passes_eleven_test(digits[:9]) or passes_eleven_test("0" + digits[:8]):
                found_at.append((start, end, digits[:9]))
    return found_at


def _find_bsns(text: str) -> list[Finding]:
    return [Finding("bsn", _mask(digits)) for _start, _end, digits in _bsns(text)]


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
            read = _CONFUSABLES.get(char, code)
        if len(self) < 20_000:  # what people write uses a few hundred characters; no text fills it
            self[code] = read
        return read


_READ_AS = _ReadAs()


def find_client_data(text: str) -> list[Finding]:
    """Everything in this text that identifies a client: BSNs first, then dates of birth; in the
    text as a reader sees it, again without Markdown's marks when it has any, and again as a
    Markdown field shows it when it has markup that as_read may read otherwise (_shown)."""
    if not text:
        return []
    # Most texts have too few digits to hold anything (\d counts any script's digits): done.
    text = unicodedata.normalize("NFKC", text)
    if not _ENOUGH_DIGITS.search(text):
        return []
    read = _as_read_normalised(text)
    found = _find(read)
    # Every reading, also when the first found something: what only one of them finds would
    # otherwise be refused on the next save, once the person removed what was said the first time.
    # A text without client data is read as often as before.
    if _MARKUP.search(read):
        found = _together(found, _find(_MARKUP.sub("", read)))
    if _RENDERED_MAY_DIFFER.search(text):
        found = _together(found, _find(_as_read_normalised(_shown(text))))
    return found


def _together(found: list[Finding], more: list[Finding]) -> list[Finding]:
    """Both readings' findings, each once: BSNs first, then dates of birth, as _find gives them."""
    if not more:
        return found
    together = list(dict.fromkeys([*found, *more]))
    return [f for f in together if f.kind == "bsn"] + [f for f in together if f.kind != "bsn"]


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
    return html.unescape(_TAG.sub("", str(render_markdown(text))))


def mask_client_data(text: str) -> str:
    """The text with what identifies a client blotted out: a BSN's digits become dots, a date of
    birth becomes "…". For a person removing client data: they start from their own text.

    Whatever the guard finds as a BSN is blotted out, so the text is accepted as it is offered. A
    BSN read only as a reader sees the text (split by markup or invisible characters, written with
    character references or another script's digits: as_read), whose place in the written text is
    not known, takes every digit of its line with it, or of the whole text when it spans lines."""
    text = unicodedata.normalize("NFKC", text or "")
    found_at = _bsns(text)
    for start, end, _digits in reversed(found_at):
        text = text[:start] + _DIGIT.sub("•", text[start:end]) + text[end:]
    if _has_bsn(text):
        text = "".join(_DIGIT.sub("•", line) if _has_bsn(line) else line for line in text.splitlines(keepends=True))
        if _has_bsn(text):
            text = _DIGIT.sub("•", text)
    for finding in _find_birth_dates(text):
        text = text.replace(finding.shown, "…")
    return text


#: A digit of any script (as_read reads each as 0-9).
_DIGIT = re.compile(r"\d")


def _has_bsn(text: str) -> bool:
    return any(finding.kind == "bsn" for finding in find_client_data(text))
