"""One Dutch voice: colleagues in a team tool say "je", and one word names one concept.

Checked over what a person can read: every string of our catalogues and the strings of the
third-party parts whose pages and messages people see (allauth's account and second-factor
pages, Django's form and password messages), each as the interface shows it in Dutch (with our
overrides in locale_overrides/). Django's admin (a staff tool) and its DEBUG-only pages are not
part of the interface.
"""

import re
from pathlib import Path

import allauth
import django
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent

#: "u", "uw", "uzelf", "alstublieft" and "a.u.b." address a person formally.
FORMAL = re.compile(r"(?<![\w.-])(u|uw|uzelf|alstublieft)(?![\w-])|\ba\.u\.b\.", re.IGNORECASE)

#: A word we do not use -> the word we do (one word per concept; compound words written as one).
BANNED = {
    r"\bkernpartners?\b|\bkernspelers?\b": "kernpartijen",
    r"\btwee-?factor|\btweefactor|\btwo-factor": "tweestapsverificatie",
    r"\bQR code": "QR-code",
    r"\bauthenticator app": "authenticator-app",
    r"\bverificatie code": "verificatiecode",
    r"\bauthenticatiecode": "verificatiecode",
    r"postcodezoeker|openbare zoekfunctie": "zoeken op postcode",
    r"\bgegenereerd\b|\bgenereer": "maken",
    r"\bin te loggen\b|\binloggen\b|\bingelogd\b|\blog in\b|\binlog": "aanmelden",
    r"\bonderschr": "instemmen, ingestemd (an agreement's endorsement)",
    # A bottleneck's or an escalation's response or resolution target: the region's dashboard said
    # “termijn”, Mijn werk “(doel: 5)”, a notice “streeftermijn”, the settings “responsnormen”.
    # (An indicator's target is a “streefwaarde”: a number, not a number of working days.)
    r"\(doel:|\bstreeftermijn|\bresponsnorm|\bnormen\b|\bnorm\b": "termijn (a response or resolution target)",
    # A download's format: "Excel" named both a CSV ("als CSV (Excel)") and an XLSX ("voor Excel").
    r"\bvoor Excel\b|\bCSV \(Excel\)|\bExcel \(XLSX\)": "als CSV; als Excel-bestand (XLSX)",
    # A download's words: the dashboard said "Download deze tabel: CSV · Excel-bestand (XLSX)" beside
    # "Downloaden als CSV" everywhere else.
    r"\bDownload\b": "Downloaden als CSV; Downloaden als Excel-bestand (XLSX)",
}

OUR_CATALOGUES = [
    ROOT / "locale/nl/LC_MESSAGES/django.po",
    ROOT / "locale_overrides/nl/LC_MESSAGES/django.po",
    *sorted((ROOT / "wijkverband").glob("*/locale/nl/LC_MESSAGES/django.po")),
]
ALLAUTH = Path(allauth.__file__).parent / "locale/nl/LC_MESSAGES/django.po"
DJANGO = Path(django.__file__).parent
#: Third-party catalogues, with the source paths (as their .po files name them) people meet.
THIRD_PARTY = [
    (ALLAUTH, re.compile(r"^(account|mfa|core|templates/(account|mfa|allauth))/")),
    # Django's catalogues name no sources: all of them, but for what people never see here.
    (DJANGO / "conf/locale/nl/LC_MESSAGES/django.po", None),
    (DJANGO / "contrib/auth/locale/nl/LC_MESSAGES/django.po", None),
]
#: Django strings that are not part of the interface, by msgid, and why.
NOT_SHOWN = re.compile(
    r"DEBUG|default_urlconf|Referer|CSRF|disable cookies|"  # DEBUG pages; the CSRF failure page is ours (core/views.py)
    r"^Designates whether|^Specific permissions|^The groups this user"  # the admin's help texts
)


def _unquote(lines: list[str]) -> str:
    return "".join(
        line[line.index('"') + 1 : line.rindex('"')].encode().decode("unicode_escape").encode("latin-1").decode()
        for line in lines
    )


def _entries(path: Path):
    """(context, msgid, msgid_plural, source references, msgstrs) of each live entry of a .po file."""
    for block in path.read_text().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        refs = " ".join(line[3:] for line in lines if line.startswith("#:")).split()
        fields: dict[str, list[str]] = {}
        key = None
        for line in lines:
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) ", line)
            if match:
                key = match.group(1)
                fields[key] = [line]
            elif line.startswith('"') and key:
                fields[key].append(line)
        if "msgid" not in fields:
            continue
        msgid = _unquote(fields["msgid"])
        if msgid:
            context = _unquote(fields["msgctxt"]) if "msgctxt" in fields else None
            plural = _unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None
            msgstrs = [_unquote(lines) for key, lines in fields.items() if key.startswith("msgstr")]
            yield context, msgid, plural, refs, msgstrs


def _shown_in_dutch():
    """(where, msgid, the Dutch text people see) for every string we check."""
    sources = [(path, None, False) for path in OUR_CATALOGUES] + [(path, used, True) for path, used in THIRD_PARTY]
    with translation.override("nl"):
        for path, used, third_party in sources:
            for context, msgid, plural, refs, _msgstrs in _entries(path):
                if used is not None and not any(used.match(ref) for ref in refs):
                    continue
                if third_party and NOT_SHOWN.search(msgid):
                    continue
                if plural:
                    texts = [
                        translation.npgettext(context, msgid, plural, n)
                        if context
                        else translation.ngettext(msgid, plural, n)
                        for n in (1, 2)
                    ]
                else:
                    texts = [translation.pgettext(context, msgid) if context else translation.gettext(msgid)]
                for text in texts:
                    yield path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, msgid, text


def test_the_checks_see_the_third_party_strings_people_meet():
    msgids = {msgid for _where, msgid, _text in _shown_in_dutch()}
    assert "Please contact us if you have any trouble resetting your password." in msgids  # allauth
    assert "This password is too common." in msgids  # Django's password validation
    assert "This field is required." in msgids  # Django's forms
    assert len(msgids) > 600


def test_people_are_addressed_with_je_everywhere():
    formal = [(str(where), msgid, text) for where, msgid, text in _shown_in_dutch() if FORMAL.search(text)]
    assert not formal, (
        "Dutch strings that say u/uw/alstublieft (use je/jouw; override third-party ones in locale_overrides):\n"
        + "\n".join(f"{where}: {msgid!r} -> {text!r}" for where, msgid, text in formal)
    )


@pytest.mark.parametrize("banned,preferred", BANNED.items())
def test_one_word_per_concept(banned, preferred):
    pattern = re.compile(banned, re.IGNORECASE)
    found = [(str(where), msgid, text) for where, msgid, text in _shown_in_dutch() if pattern.search(text)]
    assert not found, f"Use “{preferred}”:\n" + "\n".join(f"{w}: {m!r} -> {t!r}" for w, m, t in found)


#: In Dutch a team is a "wijkverband" (the tenant: het wijkverband, de wijkverbanden, leden van het
#: wijkverband), as the region pages say. "team" (and compounds such as "teamleden"; not "teamleider",
#: an organisation's own role) is flagged in every Dutch text of our catalogues, shadowed ones too.
TEAM = re.compile(r"\bteam(?!leid)\w*", re.IGNORECASE)
#: Placeholders (%(team)s is a wijkverband's name) are not words people read.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
#: Strings whose Dutch says "team" for something else than the wijkverband, by msgid: the
#: district-nursing organisation's own team, or a team of an organisation named on the neighbourhood card.
TEAM_MEANS_AN_ORGANISATIONS_TEAM = {
    "The district-nursing team that serves this neighbourhood.",
    "the district-nursing team that serves this neighbourhood",
    "This is the district-nursing team that serves the neighbourhood",
    "Not on the card yet: mark the entry of the district-nursing team that serves the neighbourhood.",
    "Only a district-nursing organisation's entry can be the team that serves the neighbourhood.",
    "A role or a team, never a person: such as “triage line”, “district nursing team Oost-2”.",
    "A role or a team, never a person: such as “triage line”, “district nursing team Oost-2”, “pharmacist on duty”.",
    "Name the contact point: a role or a team, such as “triage line”.",
    "A back line or the team's direct number. Never shown on the public lookup.",
    "The mobile (06) numbers on this entry are team or service phones, not someone's own phone",
    "the mobile numbers here are team or service phones",
    "This is a mobile number (06). The neighbourhood card names teams and services, never someone's own phone: "
    "enter it only if it is a team or service phone, and tick the box that says so.",
}


def _our_dutch_texts():
    """(where, msgid, Dutch text) of every translation in our catalogues, also one another catalogue shadows."""
    for path in OUR_CATALOGUES:
        for _context, msgid, _plural, _refs, msgstrs in _entries(path):
            for text in msgstrs:
                yield path.relative_to(ROOT), msgid, text


def _says_team(text: str) -> bool:
    return bool(TEAM.search(PLACEHOLDER.sub("", text)))


def test_a_team_is_a_wijkverband_in_dutch():
    found = [
        (str(where), msgid, text)
        for where, msgid, text in _our_dutch_texts()
        if msgid not in TEAM_MEANS_AN_ORGANISATIONS_TEAM and _says_team(text)
    ]
    assert not found, (
        "Use “wijkverband” (het wijkverband, de wijkverbanden), or add the msgid to "
        "TEAM_MEANS_AN_ORGANISATIONS_TEAM if it means an organisation's own team:\n"
        + "\n".join(f"{w}: {m!r} -> {t!r}" for w, m, t in found)
    )


def test_the_team_allow_list_names_strings_that_exist():
    msgids = {msgid for _where, msgid, _text in _our_dutch_texts()}
    assert TEAM_MEANS_AN_ORGANISATIONS_TEAM <= msgids, TEAM_MEANS_AN_ORGANISATIONS_TEAM - msgids


@pytest.mark.parametrize(
    "text", ["Alleen leden van het team", "in meerdere teams", "Teams", "Teamonderwerp", "iedereen in het team die"]
)
def test_the_team_check_catches_a_team(text):
    assert _says_team(text)


@pytest.mark.parametrize(
    "text", ["%(team)s verlaten", "Welkom bij %(team)s.", "het wijkverband", "de teamleider van de apotheek", "Steam"]
)
def test_the_team_check_leaves_other_words_alone(text):
    assert not _says_team(text)


@pytest.mark.parametrize(
    "text",
    ["Weet u het zeker?", "Uw account", "Voer alstublieft de code in", "Neem a.u.b. contact op", "Meld u aan"],
)
def test_the_formal_check_catches_formal_address(text):
    assert FORMAL.search(text)


@pytest.mark.parametrize("text", ["Je account", "Kun je dat doen?", "Wijk-u-pas", "Utrecht", "Uw-sluis"])
def test_the_formal_check_leaves_informal_text_alone(text):
    assert not FORMAL.search(text)


#: Django modules whose messages people read on our forms (sign-in, new account, every field).
DJANGO_MESSAGE_MODULES = ["contrib/auth/password_validation.py", "forms/fields.py", "core/validators.py"]


@pytest.mark.parametrize("module", DJANGO_MESSAGE_MODULES)
def test_djangos_messages_on_our_forms_are_dutch(module):
    """A new Django release can change a message (5.2 did, for the too-short password), and its
    Dutch catalogue can lag behind: then the English text shows inside a Dutch page."""
    source = (DJANGO / module).read_text()
    msgids = {
        "".join(re.findall(r'"([^"]*)"', raw))
        for raw in re.findall(r'\b(?:gettext|gettext_lazy|ngettext|ngettext_lazy|_)\(\s*((?:"[^"]*"\s*)+)', source)
    }
    assert msgids
    with translation.override("nl"):
        # (Names that read the same in both languages, such as "IPv4", need no translation.)
        untranslated = sorted(m for m in msgids if " " in m and translation.gettext(m) == m)
    assert not untranslated, f"Add a Dutch translation in locale_overrides/: {untranslated}"


#: Dutch quotes as the product writes them: “wandelgroep”, “%(title)s”. Exploring testers met
#: „wandelgroep” (low-high) on one form and “triagelijn” on the next, and ‘%(title)s’ in a heading.
OTHER_QUOTES = re.compile(r"[„‘‚«»]|(?<![=\w(])\"(?=\w)")
#: One apostrophe: BSN’s, regio’s, pagina’s (the bottleneck form said BSN's, the wijk card BSN’s).
STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def test_dutch_quotes_are_one_style():
    found = [(str(w), m, t) for w, m, t in _our_dutch_texts() if OTHER_QUOTES.search(t)]
    assert not found, "Quote with “…” in Dutch:\n" + "\n".join(f"{w}: {m!r} -> {t!r}" for w, m, t in found)


def test_dutch_apostrophes_are_typographic():
    found = [(str(w), m, t) for w, m, t in _our_dutch_texts() if STRAIGHT_APOSTROPHE.search(t)]
    assert not found, "Write ’ (BSN’s, regio’s):\n" + "\n".join(f"{w}: {m!r} -> {t!r}" for w, m, t in found)


@pytest.mark.parametrize("text", ["zoals „wandelgroep”", "‘%(title)s’ bewerken", 'kies "Maandelijks"'])
def test_the_quote_check_catches_other_quotes(text):
    assert OTHER_QUOTES.search(text)


@pytest.mark.parametrize(
    "text", ["zoals “wandelgroep”", "“%(title)s” bewerken", 'een aanhalingsteken (") of ("")', '<a href="/x">']
)
def test_the_quote_check_leaves_our_quotes_alone(text):
    assert not OTHER_QUOTES.search(text)


def test_the_apostrophe_check_catches_a_straight_one():
    assert STRAIGHT_APOSTROPHE.search("BSN's") and not STRAIGHT_APOSTROPHE.search("BSN’s")
