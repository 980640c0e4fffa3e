"""One date format and one time format (config/formats): templates name a format only through
Django's format names, never a pattern of their own ("j-n-Y", "j M H:i", "j F Y" ...), so a date
reads the same on every page. Machine formats ('c' for datetime attributes) are allowed."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "frontend" / "templates"
ALLOWED = {"DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT", "TIME_FORMAT", "c"}
DATE_FILTER = re.compile(r"""\|date:["']([^"']*)["']""")
NOW_TAG = re.compile(r"""{%\s*now\s+["']([^"']*)["']""")


def test_templates_use_the_one_date_format():
    found = []
    for path in [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]:  # pages and mails
        text = path.read_text()
        for pattern in (DATE_FILTER, NOW_TAG):
            for match in pattern.finditer(text):
                if match.group(1) not in ALLOWED:
                    found.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not found, 'Use |date or |date:"DATETIME_FORMAT" (config/formats):\n' + "\n".join(found)


def test_the_formats_are_the_ones_people_read():
    from datetime import date, datetime

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("nl"):
        assert date_format(date(2026, 11, 30)) == "30 november 2026"
        assert date_format(datetime(2026, 11, 30, 17, 44), "DATETIME_FORMAT") == "30 november 2026, 17:44"
