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
    assert "Wijkverband Utrech…" not in narrow and any(t.endswith("…") for _x, t in _texts(narrow))
    # The legend's three names do not fit one row of 360: it wraps (its rows 20 apart).
    legend_y = {y for y in re.findall(r'<rect x="[\d.]+" y="(\d+)" width="14"', narrow)}
    assert len(legend_y) >= 2
