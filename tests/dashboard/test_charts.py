"""The dashboard's charts as drawn: a phone gets its own drawing, at its own width."""

import re

from wijkverband.dashboard import charts

SERIES = [("Jonger dan 30 dagen", [3, 1]), ("30 tot 90 dagen", [2, 0]), ("Ouder dan 90 dagen", [1, 4])]
LABELS = ["Wijkverband Utrecht Overvecht-Noord", "Zuid"]


def _texts(svg: str) -> list[tuple[float, str]]:
    return [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*>([^<]*)</text>', svg)]


def test_a_phone_gets_a_chart_drawn_at_its_width_with_its_legend_inside():
    """Found by an exploratory test: the 720 px chart shrank to 358 px on a phone, its 12 px labels
    to 6 px. The phone's drawing is 360 wide: its text is its size, and nothing runs off it."""
    wide = charts.bar_chart_svg(title="Leeftijd", labels=LABELS, series=SERIES, stacked=True)
    narrow = charts.bar_chart_svg(title="Leeftijd", labels=LABELS, series=SERIES, stacked=True, narrow=True)
    assert 'width="720"' in wide and 'width="360"' in narrow
    for x, text in _texts(narrow):
        # 7 px a character at 12 px, as the legend counts: every text ends inside the drawing
        assert x + 7 * len(text) <= 360 + 7, (x, text)
    assert "Wijkverband Utrech…" not in narrow and "…Overvecht-Noord" in [t for _x, t in _texts(narrow)]
    # The legend's three names do not fit one row of 360: it wraps (its rows 20 apart).
    legend_y = {y for y in re.findall(r'<rect x="[\d.]+" y="(\d+)" width="14"', narrow)}
    assert len(legend_y) >= 2


def _row_labels(svg: str) -> list[str]:
    return re.findall(r'<text x="[\d.]+" y="[\d.]+" text-anchor="end" fill="#1a1a1a">([^<]*)</text>', svg)


def test_team_names_that_start_alike_stay_apart_on_a_phone_and_a_desktop():
    """Found by an exploratory test: on a phone "Wijkverband Utrecht Oost" and "…Zuid" both read
    "Wijkverband Utre…" (on a desktop longer shared names did the same)."""
    series = [("Open", [1, 2, 3])]
    phone = ["Wijkverband Utrecht Oost", "Wijkverband Utrecht Zuid", "Wijkverband Utrecht Overvecht"]
    narrow = charts.bar_chart_svg(title="Open", labels=phone, series=series, stacked=True, narrow=True)
    assert _row_labels(narrow) == ["Oost", "Zuid", "Overvecht"]
    desktop = [
        "Wijkverband Amersfoort Vathorst-Noord en Hooglanderveen",
        "Wijkverband Amersfoort Vathorst-Zuid en Hooglanderveen",
    ]
    wide = charts.bar_chart_svg(title="Open", labels=desktop, series=[("Open", [1, 2])], stacked=True)
    shown = _row_labels(wide)
    assert len(set(shown)) == 2 and all(len(label) <= 26 for label in shown), shown
    # Each bar's own title keeps the full name.
    assert "Wijkverband Amersfoort Vathorst-Noord en Hooglanderveen, Open: 1" in wide


def test_short_labels_leave_names_that_fit_alone_and_tell_rows_apart():
    assert charts.short_labels(["Utrecht Oost", "Utrecht Zuid"], 17) == ["Utrecht Oost", "Utrecht Zuid"]
    assert charts.short_labels(["Wijkverband Utrecht Overvecht-Noord", "Zuid"], 17) == ["…Overvecht-Noord", "Zuid"]
    # Alike at the end too: cut where they differ.
    alike = ["Wijkverband Utrecht Overvecht Noord", "Wijkverband Amersfoort Overvecht Noord", "Zuid"]
    shown = charts.short_labels(alike, 17)
    assert len(set(shown)) == 3 and all(len(label) <= 17 for label in shown), shown
