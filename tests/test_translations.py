"""The interface is Dutch first: every string in the code and templates has a Dutch translation,
and the compiled catalogues match their sources."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent


def _extract_msgids(tmp_path: Path) -> list[tuple[str | None, str, str | None]]:
    """Run makemessages over a copy of the sources, so no catalogue in the tree is touched."""
    work = tmp_path / "src"
    ignore = shutil.ignore_patterns("locale", "__pycache__", "node_modules", "vendor", "*.mo", "*.po")
    for part in ["config", "wijkverband", "frontend/templates"]:
        shutil.copytree(ROOT / part, work / part, ignore=ignore)
    (work / "locale").mkdir()
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    env = {**os.environ, "DEBUG": "true", "LOCALE_DIR": str(work / "locale"), "PYTHONPATH": str(work)}
    env.pop("CI", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nl", "--no-location", "--no-wrap"],
        cwd=work,
        env={k: v for k, v in env.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        check=True,
        capture_output=True,
    )
    po = (work / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text()
    entries = []
    for block in po.split("\n\n")[1:]:
        ctx = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        plural = re.search(r'^msgid_plural "(.*)"$', block, re.M)
        if msgid:
            unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
            entries.append(
                (
                    unescape(ctx.group(1)) if ctx else None,
                    unescape(msgid.group(1)),
                    unescape(plural.group(1)) if plural else None,
                )
            )
    return entries


def test_every_interface_string_has_a_dutch_translation(tmp_path):
    assert shutil.which("xgettext"), "GNU gettext is needed (apt-get install gettext; .ci/run installs it)"
    entries = _extract_msgids(tmp_path)
    assert len(entries) > 150
    with translation.override("nl"):
        catalog = translation.trans_real.translation("nl")._catalog
        missing = []
        for context, msgid, plural in entries:
            key = f"{context}\x04{msgid}" if context else msgid
            if plural:
                if not catalog.get((key, 0)):
                    missing.append(msgid)
            elif not catalog.get(key):
                missing.append(msgid)
    assert not missing, f"{len(missing)} strings lack a Dutch translation: {missing[:20]}"


def test_compiled_catalogues_match_their_sources(tmp_path):
    assert shutil.which("msgfmt"), "GNU gettext is needed (apt-get install gettext; .ci/run installs it)"
    # The overrides of third-party strings too, in every language (English: allauth's Title Case).
    overrides = list(ROOT.glob("locale_overrides/*/LC_MESSAGES/django.po"))
    assert {po.parts[-3] for po in overrides} >= {"nl", "en"}
    for po in [*ROOT.glob("**/locale/nl/LC_MESSAGES/django.po"), *overrides]:
        if ".venv" in po.parts or "node_modules" in po.parts:
            continue
        fresh = tmp_path / "fresh.mo"
        subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True, capture_output=True)
        assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), f"{po}: run msgfmt (make messages)"


def test_every_catalogue_is_complete_and_has_no_fuzzy_guess():
    """A string an app's catalogue leaves empty shows only while another catalogue happens to have
    it; a fuzzy entry is makemessages' guess (the signals catalogue had "bottleneck" guessed as
    "Maak er een knelpunt van"), left out of the compiled file only as long as nobody compiles with
    --use-fuzzy. Each catalogue says every string of its own app itself."""
    assert shutil.which("msgfmt"), "GNU gettext is needed (apt-get install gettext; .ci/run installs it)"
    incomplete = {}
    for po in ROOT.glob("**/locale/nl/LC_MESSAGES/django.po"):
        if ".venv" in po.parts or "node_modules" in po.parts:
            continue
        result = subprocess.run(
            ["msgfmt", "--statistics", "-o", os.devnull, str(po)], check=True, capture_output=True, text=True
        )
        if "fuzzy" in result.stderr or "untranslated" in result.stderr:
            incomplete[str(po.relative_to(ROOT))] = result.stderr.strip()
    assert not incomplete


# Our catalogues share English msgids; the first catalogue that has one wins (LOCALE_PATHS, then
# INSTALLED_APPS in order, third-party apps included). These differences are accepted wordings.
ACCEPTED_OTHER_WORDING = {
    "Note",
    'Remove<span class="wv-visually-hidden"> %(name)s</span>',
    "What you can do",
    "optional",
    "client id",
}


def test_no_catalogue_silently_overrides_our_dutch():
    """A string like "Edit" must not show another app's wording ("Veranderen" from django-guardian)."""
    import gettext as gnu
    from pathlib import Path

    from django.utils import translation

    root = Path(__file__).resolve().parents[1]
    catalogues = [root / "locale/nl/LC_MESSAGES/django.mo", *root.glob("wijkverband/*/locale/nl/LC_MESSAGES/django.mo")]
    surprises = []
    with translation.override("nl"):
        for path in catalogues:
            with path.open("rb") as handle:
                catalogue = gnu.GNUTranslations(handle)._catalog
            for msgid, ours in catalogue.items():
                if not isinstance(msgid, str) or not msgid or "\x04" in msgid or msgid in ACCEPTED_OTHER_WORDING:
                    continue
                shown = translation.gettext(msgid)
                if shown != ours:
                    surprises.append(f"{path}: {msgid!r} shows {shown!r}, not {ours!r}")
    assert not surprises, "\n".join(surprises)


def _msgids(po: Path) -> set[tuple[str | None, str]]:
    ids = set()
    for block in po.read_text().split("\n\n")[1:]:
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        ctx = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid:
            ids.add((ctx.group(1) if ctx else None, msgid.group(1)))
    return ids


def test_make_messages_keeps_each_apps_strings_in_its_own_catalogue(tmp_path):
    """`make messages` (our makemessages) on a copy of the tree: every catalogue keeps exactly its
    strings, and an app's templates under frontend/templates/<app>/ feed the app's catalogue."""
    assert shutil.which("xgettext"), "GNU gettext is needed (apt-get install gettext; .ci/run installs it)"
    work = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", "vendor", "*.mo")
    for part in ["config", "wijkverband", "frontend/templates", "locale"]:
        shutil.copytree(ROOT / part, work / part, ignore=ignore)
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CI", "LOCALE_DIR"}}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nl", "--no-obsolete", "--no-wrap"],
        cwd=work,
        env={**env, "DEBUG": "true", "PYTHONPATH": str(work)},
        check=True,
        capture_output=True,
    )
    catalogues = sorted(p.relative_to(ROOT) for p in ROOT.glob("**/locale/nl/LC_MESSAGES/django.po"))
    catalogues = [p for p in catalogues if p.parts[0] in {"locale", "wijkverband"}]
    assert len(catalogues) >= 4
    for po in catalogues:
        before, after = _msgids(ROOT / po), _msgids(work / po)
        added, dropped = sorted(after - before, key=str), sorted(before - after, key=str)
        assert after == before, f"{po}: make messages would add {added[:10]} and drop {dropped[:10]}"
    threads = _msgids(work / "wijkverband/threads/locale/nl/LC_MESSAGES/django.po")
    root = _msgids(work / "locale/nl/LC_MESSAGES/django.po")
    assert (None, "Your notifications") in threads  # frontend/templates/threads/_thread_table.html
    assert (None, "Your notifications") not in root
    assert (None, "Skip to content") in root  # frontend/templates/base.html


#: Words that keep their capital in a sentence.
NAMES = {"TOTP", "JavaScript", "WebAuthn", "Wijkverband", "I"}


def _title_case(text: str) -> bool:
    """ "Change Password", "Trust this Browser?": a word after a sentence's first with a capital."""
    for sentence in re.split(r"(?<=[.?!:])\s+", text):
        words = re.findall(r"[\w'’-]+", sentence)
        if any(word[:1].isupper() and word not in NAMES and not word.isupper() for word in words[1:]):
            return True
    return False


def test_the_english_of_allauths_pages_is_in_sentence_case_as_ours():
    """Found by an exploratory test: "Two-Factor Authentication", "Change Password", "Sign Out",
    "Confirm Access" on pages whose own words say "Two-factor authentication". The English
    overrides are in locale_overrides/en/."""
    from tests.test_dutch_voice import ALLAUTH, THIRD_PARTY, _entries

    used = THIRD_PARTY[0][1]
    with translation.override("en"):
        shown = [
            (msgid, translation.gettext(msgid))
            for _context, msgid, plural, refs, _msgstrs in _entries(ALLAUTH)
            if not plural and any(used.match(ref) for ref in refs) and len(msgid.split()) <= 6
        ]
    assert len(shown) > 100
    title_case = [f"{msgid!r} -> {text!r}" for msgid, text in shown if _title_case(text)]
    assert not title_case, "Add a sentence-case English in locale_overrides/en/:\n" + "\n".join(title_case)


def test_the_title_case_check_catches_title_case():
    assert _title_case("Change Password") and _title_case("Trust this Browser?")
    assert not _title_case("Two-factor authentication") and not _title_case("Authenticator app (TOTP)")
    assert not _title_case("Sign in. Then go on.")
