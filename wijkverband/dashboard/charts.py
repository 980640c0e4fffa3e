"""Server-rendered SVG bar charts of the dashboard's tables.

Done the way agreements/charts.py and referrals/charts.py do it: presentation attributes only (no
style, no script), so the strict Content-Security-Policy allows it, shown in an <img> (here as a
data: URL, which the policy's img-src allows, so a page of six charts is one request) and working
without JavaScript. One row of bars per team (or category): horizontal bars keep fifty team names
readable on a phone. Series are told apart by fill pattern as well as colour. The table beside
each chart has the same numbers and is its text alternative; the <img>'s alt text says so.
"""

import base64
from xml.sax.saxutils import escape

WIDTH = 720
LABEL_W = 180
#: The phone's drawing (a <picture> source below 40rem): at 720 wide a phone shrank the 12 px
#: labels to 6 px. Drawn at about the phone's own width instead, so its text is its size.
NARROW_WIDTH, NARROW_LABEL_W = 360, 124
RIGHT, TOP, LEGEND_H = 40, 8, 28
INK = "#1a1a1a"
GRID = "#c8ced3"
#: (colour, fill) per series; colours at least 7:1 on white, the fills differ without colour too
SERIES_STYLE = (
    ("#0b5c6b", "#0b5c6b"),
    ("#5b2a86", "url(#wv-hatch)"),
    ("#7a4100", "url(#wv-dots)"),
    ("#1a1a1a", "url(#wv-cross)"),
)
PATTERNS = (
    "<defs>"
    '<pattern id="wv-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#5b2a86"/></pattern>'
    '<pattern id="wv-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#7a4100"/><circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff"/></pattern>'
    '<pattern id="wv-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#ffffff"/><path d="M0 0L6 6M6 0L0 6" stroke="#1a1a1a" stroke-width="1.5"/>'
    "</pattern></defs>"
)


def _nice_top(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if value <= step:
            return step
    return value


def _cut_middle(text: str, limit: int) -> str:
    """Cut out of the middle: a bit of the start and more of the end, where names differ."""
    tail = (limit - 1) * 3 // 5
    return text[: limit - 1 - tail].rstrip() + "…" + text[-tail:].lstrip()


def _keep_end(text: str, limit: int) -> str:
    """The last words that fit after a "…" (…Overvecht-Noord), or a cut in the middle when the
    last word alone is too long."""
    words = text.split(" ")
    for start in range(1, len(words)):
        rest = " ".join(words[start:])
        if len(rest) + 1 <= limit:
            return "…" + rest
    return _cut_middle(text, limit)


def _cut_end(text: str, limit: int) -> str:
    return text[: limit - 1].rstrip() + "…"


def short_labels(labels: list[str], limit: int = 26) -> list[str]:
    """Row labels of at most `limit` characters that still tell the rows apart. Teams are often
    named alike ("Wijkverband Utrecht Oost", "Wijkverband Utrecht Zuid"): cutting off the end left
    "Wijkverband Utre…" twice. So, when a label is too long, the words every label starts with are
    dropped (the table beside the chart has the full names), and a label still too long keeps its
    end (…Overvecht-Noord); if that makes two rows alike, the cut is made in the middle, and failing
    that at the end."""
    if all(len(label) <= limit for label in labels):
        return list(labels)
    words = [label.split(" ") for label in labels]
    shared = 0
    if len(set(labels)) > 1:
        # Whole words only, and never a whole label: each keeps at least its last word.
        while all(shared < len(w) - 1 and w[shared] == words[0][shared] for w in words):
            shared += 1
    rests = [" ".join(w[shared:]) for w in words]
    different = len(set(labels))
    tried = []
    for cut in (_keep_end, _cut_middle, _cut_end):
        short = [rest if len(rest) <= limit else cut(rest, limit) for rest in rests]
        if len(set(short)) == different:
            return short
        tried.append(short)
    return tried[0]


def _legend_rows(series, *, left: int, width: int) -> list[list[tuple[int, int, str]]]:
    """The legend's items as rows of (index, x, name): a row wraps before an item would pass the
    drawing's right edge (on a phone's drawing three names did)."""
    rows: list[list[tuple[int, int, str]]] = [[]]
    lx = left
    for index, (name, _values) in enumerate(series):
        item_w = 26 + 7 * len(name)
        if rows[-1] and lx + item_w > width:
            rows.append([])
            lx = left
        rows[-1].append((index, lx, name))
        lx += item_w
    return rows


def bar_chart_svg(
    *, title: str, labels: list[str], series: list[tuple[str, list[int]]], stacked: bool, narrow: bool = False
) -> str:
    """labels: one per row (team or category); series: [(name, [value per row])], at most four.
    narrow: drawn for a phone (NARROW_WIDTH), with shorter row labels and a legend that wraps."""
    width, label_w, label_chars = (NARROW_WIDTH, NARROW_LABEL_W, 17) if narrow else (WIDTH, LABEL_W, 26)
    per_row = 1 if stacked else len(series)
    bar_h = 14 if stacked else 9
    row_h = bar_h * per_row + 10
    legend = _legend_rows(series, left=8 if narrow else label_w, width=width)
    plot_top = TOP + LEGEND_H + 20 * (len(legend) - 1)
    height = plot_top + max(1, len(labels)) * row_h + 24
    plot_w = width - label_w - RIGHT
    if stacked:
        top = _nice_top(max([1, *(sum(values) for values in zip(*(v for _n, v in series), strict=True))]))
    else:
        top = _nice_top(max([1, *(value for _n, values in series for value in values)]))

    def x(value: int) -> float:
        return label_w + plot_w * value / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        PATTERNS,
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    # legend
    for line, items in enumerate(legend):
        ly = TOP + 20 * line
        for index, lx, name in items:
            colour, fill = SERIES_STYLE[index]
            parts.append(
                f'<rect x="{lx}" y="{ly + 4}" width="14" height="14" fill="{fill}" stroke="{colour}"/>'
                f'<text x="{lx + 20}" y="{ly + 15}" fill="{INK}">{escape(name)}</text>'
            )
    # grid and scale
    bottom = plot_top + max(1, len(labels)) * row_h
    for tick in (0, top // 2, top) if top % 2 == 0 else (0, top):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{plot_top}" x2="{x(tick):.1f}" y2="{bottom}" stroke="{GRID}"/>'
            f'<text x="{x(tick):.1f}" y="{bottom + 16}" text-anchor="middle" fill="{INK}">{tick}</text>'
        )
    shown = short_labels(labels, label_chars)
    for row, label in enumerate(labels):
        y0 = plot_top + row * row_h + 5
        parts.append(
            f'<text x="{label_w - 8}" y="{y0 + (row_h - 10) / 2 + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(shown[row])}</text>"
        )
        offset = 0
        for index, (name, values) in enumerate(series):
            value = values[row]
            colour, fill = SERIES_STYLE[index]
            if stacked:
                bx, by = x(offset), y0
                offset += value
            else:
                bx, by = x(0), y0 + index * bar_h
            if value:
                parts.append(
                    f'<rect x="{bx:.1f}" y="{by:.1f}" width="{plot_w * value / top:.1f}" height="{bar_h}" '
                    f'fill="{fill}" stroke="{colour}"><title>{escape(f"{label}, {name}: {value}")}</title></rect>'
                )
            if not stacked:
                parts.append(
                    f'<text x="{x(value) + 4:.1f}" y="{by + bar_h - 1:.1f}" font-size="10" fill="{INK}">{value}</text>'
                )
        if stacked:
            parts.append(
                f'<text x="{x(offset) + 4:.1f}" y="{y0 + bar_h - 2:.1f}" font-size="11" fill="{INK}">{offset}</text>'
            )
    parts.append(f'<line x1="{label_w}" y1="{plot_top}" x2="{label_w}" y2="{bottom}" stroke="{INK}"/>')
    parts.append("</svg>")
    return "".join(parts)


def data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
