"""The Welzijn op Recept chart on a phone: a drawing of its own, so its text is its size."""

import re
from datetime import date

from wijkverband.referrals import charts
from wijkverband.referrals.months import add_months
from wijkverband.referrals.selectors import Figures, MonthLine


def _lines(n: int) -> list[MonthLine]:
    start = date(2025, 1, 1)
    return [
        MonthLine(month=add_months(start, i), figures=Figures(referrals=i + 1, intakes=i, feedback=1, entered=True))
        for i in range(n)
    ]


def _viewbox_width(svg: str) -> int:
    return int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))


def _month_labels(svg: str) -> list[str]:
    return re.findall(r">(\d\d-\d{4})</text>", svg)


def test_the_phone_drawing_is_phone_wide_with_fewer_month_labels_and_a_stacked_legend():
    """Found by an exploratory test: the 720 px chart shrank to 358 px on a phone, its 13 px labels
    to 6.5 px. The phone's drawing is 360 wide, so its 13 px text stays about 13 px."""
    wide = charts.figures_chart_svg(team_name="Utrecht Oost", lines=_lines(12))
    narrow = charts.figures_chart_svg(team_name="Utrecht Oost", lines=_lines(12), narrow=True)
    assert _viewbox_width(wide) == 720 and _viewbox_width(narrow) == 360
    font = int(re.search(r'<svg [^>]*font-size="(\d+)"', narrow).group(1))
    assert font * 358 / _viewbox_width(narrow) >= 12
    assert "font-size" not in narrow.split(">", 1)[1]  # no smaller text inside it
    # Twelve labels of about 55 px do not fit 300 px: every third month, starting with the first.
    assert len(_month_labels(wide)) == 12
    assert _month_labels(narrow) == ["01-2025", "04-2025", "07-2025", "10-2025"]
    # The legend's three names are stacked: one row each, all of them inside the drawing.
    legend = re.findall(r'<rect x="(\d+)" y="(\d+)" width="14" height="12"', narrow)
    assert len({y for _x, y in legend}) == 3 and len({x for x, _y in legend}) == 1
    # Every bar is still there, with its month and number in its title.
    assert narrow.count("<rect x=") - len(legend) - 1 == 36
    assert "<script" not in narrow and "style=" not in narrow


def test_a_long_period_on_a_phone_still_has_labels_that_do_not_overlap():
    narrow = charts.figures_chart_svg(team_name="Utrecht Oost", lines=_lines(36), narrow=True)
    xs = [
        float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" fill="#1a1a1a">\d\d-', narrow)
    ]
    assert 3 <= len(xs) <= 5
    assert all(b - a >= 60 for a, b in zip(xs, xs[1:], strict=False))
    assert xs[-1] + 30 <= 360
