"""The dashboard's pages as a screen reader lists them."""

import re
from collections import Counter


def test_each_table_is_one_landmark_with_its_own_name(world, clock, client_for):
    """A screen reader lists landmarks by name: a table's section and its scroll container named by
    the same heading were two regions of one name (axe's landmark-unique)."""
    client = client_for("olga")
    for url in ("/r/utrecht/dashboard/", "/r/utrecht/dashboard/report/?period=2026-Q1"):
        html = client.get(url).content.decode()
        landmarks = re.findall(r'<(?:section|div|nav|aside)\b[^>]*?\baria-labelledby="([^"]+)"', html)
        regions = re.findall(r'role="region" aria-labelledby="([^"]+)"', html)
        assert regions, url
        doubled = [name for name, count in Counter(landmarks).items() if count > 1]
        assert doubled == [], f"{url}: landmarks named twice: {doubled}"


def test_each_table_is_named_by_its_heading_once(world, clock, client_for):
    """Found by an exploratory test: each table's caption repeated its heading, so a screen reader
    read every title twice. The table is named by the heading itself (aria-labelledby)."""
    client = client_for("olga")
    for url in ("/r/utrecht/dashboard/", "/r/utrecht/dashboard/report/?period=2026-Q1"):
        html = client.get(url).content.decode()
        assert "<caption" not in html, url
        headings = dict(re.findall(r'<h2 class="utrecht-heading-2" id="(table-[\w-]+)">([^<]+)</h2>', html))
        tables = re.findall(r'<table\b[^>]*\bdata-table="([\w-]+)"[^>]*>', html)
        assert tables, url
        for key in tables:
            tag = re.search(rf'<table\b[^>]*\bdata-table="{key}"[^>]*>', html).group(0)
            assert f'aria-labelledby="table-{key}"' in tag, tag
            assert f"table-{key}" in headings
            assert html.count(f">{headings[f'table-{key}']}<") == 1  # the title is on the page once
