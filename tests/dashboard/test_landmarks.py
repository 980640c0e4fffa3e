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
