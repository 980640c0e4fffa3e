"""A server-rendered SVG chart of the team's Welzijn op Recept figures per month.

Done the way agreements/charts.py does it: its own URL, shown in an <img>, presentation attributes
only (no inline style or script), so it works under the strict Content-Security-Policy and without
JavaScript. The page puts a table with the same numbers beside it: that table is the text
alternative. Three bars per month (referrals, intakes, feedback), told apart by colour and by fill
(solid, hatched, dotted), so the chart reads without colour vision too.
"""

import math
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from wijkverband.referrals.months import month_label

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 24, 76
#: The phone's drawing (a <picture> source below 40rem, as dashboard/charts.py does it): at 720
#: wide a phone shrank the 13 px labels to 6.5 px. Drawn at about the phone's own width instead, so
#: its text is its size; fewer month labels, and the legend one name a row.
NARROW_WIDTH, NARROW_HEIGHT = 360, 330
NARROW_LEFT, NARROW_BOTTOM = 40, 96
#: room a month label ("03-2026" at 13 px, about 55 px) needs on the phone's drawing, with a gap
LABEL_ROOM = 64
INK = "#1a1a1a"
#: (key, colour, fill) per series; colours at least 7:1 on white
SERIES = (
    ("referrals", "#0b5c6b", "#0b5c6b"),
    ("intakes", "#5b2a86", "url(#wv-hatch)"),
    ("feedback", "#7a4100", "url(#wv-dots)"),
)
PATTERNS = (
    '<defs><pattern id="wv-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#5b2a86"/></pattern>'
    '<pattern id="wv-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#7a4100"/><circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff"/></pattern></defs>'
)


def _nice_top(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return value


def figures_chart_svg(*, team_name: str, lines, narrow: bool = False) -> str:
    """lines: selectors.MonthLine of the team's total, oldest month first.
    narrow: drawn for a phone (NARROW_WIDTH), with fewer month labels and a stacked legend."""
    drawing_w, drawing_h, left, bottom = (
        (NARROW_WIDTH, NARROW_HEIGHT, NARROW_LEFT, NARROW_BOTTOM) if narrow else (WIDTH, HEIGHT, LEFT, BOTTOM)
    )
    labels = {"referrals": _("Referrals"), "intakes": _("Intakes held"), "feedback": _("Feedback returned")}
    top = _nice_top(max([1, *[line.figures.referrals for line in lines]]))
    plot_w, plot_h = drawing_w - left - RIGHT, drawing_h - TOP - bottom

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / top

    title = _("Welzijn op Recept in %(team)s: referrals, intakes and feedback per month") % {"team": team_name}
    entered = [line for line in lines if line.figures.entered]
    desc = _(
        "%(months)s months, %(entered)s with figures; in total %(referrals)s referrals, %(intakes)s intakes, "
        "%(feedback)s with feedback to the referrer. The table below the chart has the numbers."
    ) % {
        "months": len(lines),
        "entered": len(entered),
        "referrals": sum(line.figures.referrals for line in lines),
        "intakes": sum(line.figures.intakes for line in lines),
        "feedback": sum(line.figures.feedback for line in lines),
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {drawing_w} {drawing_h}" '
        f'width="{drawing_w}" height="{drawing_h}" '
        f'role="img" aria-labelledby="t d" font-family="sans-serif" font-size="13">',
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>',
        PATTERNS,
        f'<rect x="0" y="0" width="{drawing_w}" height="{drawing_h}" fill="#ffffff"/>',
    ]
    for tick in (0, top // 2, top):
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#c8ced3"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{INK}">{tick}</text>'
        )
    parts.append(f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{TOP + plot_h}" stroke="{INK}"/>')
    if lines:
        slot = plot_w / len(lines)
        bar_w = max(2.0, min(18.0, slot * 0.8 / 3))
        # At most twelve labels; on the phone's drawing never closer together than one needs.
        every = max(1, math.ceil(len(lines) / 12), math.ceil(LABEL_ROOM / slot) if narrow else 1)
        for index, line in enumerate(lines):
            x0 = left + index * slot + (slot - 3 * bar_w) / 2
            for position, (key, colour, fill) in enumerate(SERIES):
                value = getattr(line.figures, key)
                if not line.figures.entered:
                    continue
                height = max(1.0, plot_h * value / top) if value else 1.0
                label = f"{month_label(line.month)}: {value} {labels[key].lower()}"
                parts.append(
                    f'<rect x="{x0 + position * bar_w:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar_w:.1f}" '
                    f'height="{height:.1f}" fill="{fill}" stroke="{colour}"><title>{escape(label)}</title></rect>'
                )
            if index % every == 0:
                parts.append(
                    f'<text x="{left + index * slot + slot / 2:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
                    f'fill="{INK}">{line.month:%m-%Y}</text>'
                )
            if not line.figures.entered:
                parts.append(
                    f'<text x="{left + index * slot + slot / 2:.1f}" y="{TOP + plot_h - 6}" text-anchor="middle" '
                    f'fill="#4a5560">–</text>'
                )
    # The legend: side by side on the wide drawing, one name a row on the phone's.
    for index, (key, colour, fill) in enumerate(SERIES):
        if narrow:
            x, legend_y = 8, drawing_h - 16 - 20 * (len(SERIES) - 1 - index)
        else:
            x, legend_y = left + 200 * index, drawing_h - 16
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="14" height="12" fill="{fill}" stroke="{colour}"/>'
            f'<text x="{x + 20}" y="{legend_y}" fill="{INK}">{escape(labels[key])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
