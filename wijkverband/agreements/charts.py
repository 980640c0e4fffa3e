"""A server-rendered SVG bar chart of an indicator's measurements against its target.

Served as its own URL and shown in an <img> (no inline SVG, no style attributes: presentation
attributes only), so it works under the strict Content-Security-Policy. The page always puts a
table with the same numbers beside it: that table is the text alternative.
"""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 24, 56
BAR = "#0b5c6b"  # the brand colour: 7.4:1 on white
TARGET = "#7a4100"  # 7.3:1 on white
BASELINE = "#4a5560"


def _fmt(value: Decimal) -> str:
    return number_format(value.normalize() if value == value.to_integral() else value, use_l10n=True)


def indicator_chart_svg(*, indicator, measurements) -> str:
    values = [m.value for m in measurements]
    reference = [v for v in (indicator.target, indicator.baseline) if v is not None]
    top = max([*values, *reference, Decimal(0)])
    bottom = min([*values, *reference, Decimal(0)])
    span = (top - bottom) or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: Decimal) -> float:
        return TOP + float((top - value) / span) * plot_h

    title = _("%(name)s: measurements against the target") % {"name": indicator.name}
    desc = _("%(count)s measurements in %(unit)s; target %(target)s. The table beside the chart has the numbers.") % {
        "count": len(values),
        "unit": indicator.unit,
        "target": _fmt(indicator.target),
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="t d" font-family="sans-serif" font-size="12">',
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        # axes
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#1a1a1a"/>',
        f'<line x1="{LEFT}" y1="{y(Decimal(0)):.1f}" x2="{LEFT + plot_w}" y2="{y(Decimal(0)):.1f}" stroke="#1a1a1a"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" fill="#1a1a1a">{escape(_fmt(top))}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" fill="#1a1a1a">{escape(_fmt(bottom))}</text>',
    ]
    if values:
        slot = plot_w / len(values)
        bar_w = max(2.0, slot * 0.6)
        zero = y(Decimal(0))
        for index, measurement in enumerate(measurements):
            x = LEFT + index * slot + (slot - bar_w) / 2
            top_y = min(y(measurement.value), zero)
            height = max(1.0, abs(y(measurement.value) - zero))
            label = f"{date_format(measurement.measured_on)}: {_fmt(measurement.value)} {indicator.unit}"
            parts.append(
                f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{bar_w:.1f}" height="{height:.1f}" fill="{BAR}">'
                f"<title>{escape(label)}</title></rect>"
            )
            if len(values) <= 12 or index % max(1, len(values) // 8) == 0:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" fill="#1a1a1a">'
                    f"{escape(date_format(measurement.measured_on, 'M Y'))}</text>"
                )
    else:
        empty = _("No measurements yet")
        parts.append(
            f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" text-anchor="middle" fill="#1a1a1a">'
            f"{escape(empty)}</text>"
        )
    target_y = y(indicator.target)
    parts.append(
        f'<line x1="{LEFT}" y1="{target_y:.1f}" x2="{LEFT + plot_w}" y2="{target_y:.1f}" stroke="{TARGET}" '
        f'stroke-width="2" stroke-dasharray="8 4"/>'
    )
    legend_y = HEIGHT - 12
    target_label = _("target %(value)s") % {"value": _fmt(indicator.target)}
    parts.append(
        f'<line x1="{LEFT}" y1="{legend_y - 4}" x2="{LEFT + 24}" y2="{legend_y - 4}" stroke="{TARGET}" '
        f'stroke-width="2" stroke-dasharray="8 4"/>'
        f'<text x="{LEFT + 30}" y="{legend_y}" fill="#1a1a1a">'
        f"{escape(target_label)}</text>"
    )
    if indicator.baseline is not None:
        base_y = y(indicator.baseline)
        baseline_label = _("baseline %(value)s") % {"value": _fmt(indicator.baseline)}
        parts.append(
            f'<line x1="{LEFT}" y1="{base_y:.1f}" x2="{LEFT + plot_w}" y2="{base_y:.1f}" stroke="{BASELINE}" '
            f'stroke-width="1.5" stroke-dasharray="2 3"/>'
            f'<line x1="{LEFT + 200}" y1="{legend_y - 4}" x2="{LEFT + 224}" y2="{legend_y - 4}" stroke="{BASELINE}" '
            f'stroke-width="1.5" stroke-dasharray="2 3"/>'
            f'<text x="{LEFT + 230}" y="{legend_y}" fill="#1a1a1a">'
            f"{escape(baseline_label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
