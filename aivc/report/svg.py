"""Small SVG charts written as text, so the report needs no plotting library, script or network.

Every chart is one ``<svg>`` element with a ``<title>`` (read by screen readers and by the browser
tests), a visible title, axis labels as real ``<text>`` (searchable, selectable, translatable) and a
``<title>`` tooltip on every mark giving its exact value. Labels of firms and models become links
when the caller's ``link`` function knows a page for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Link = Callable[[str], "str | None"]
CHAR_WIDTH = 6.8     # average width of a 12px sans-serif character, for layout without a font engine
LINE = 22            # height of one row of bars or cells
PLOT_WIDTH = 520
INK = "#1f2937"
GRID = "#e5e7eb"


def no_link(label: str) -> None:
    return None


@dataclass(frozen=True)
class Series:
    """One stacked layer: a name for the legend, its colour and a value per category."""

    name: str
    color: str
    values: Sequence[float]


@dataclass(frozen=True)
class Cell:
    """One cell of a matrix: the text shown in it, its fill, and the tooltip with the details."""

    text: str
    fill: str
    tooltip: str = ""


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    color: str = "#2563eb"


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval, e.g. one regression coefficient."""

    label: str
    estimate: float
    low: float
    high: float


# --- text and marks ----------------------------------------------------------------------------------

def fmt(value: float) -> str:
    """A number as people read it on a chart: whole numbers plain, others to three significant digits."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3g}"


def clip(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[:max_chars - 1] + "…"


def text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def label(x: float, y: float, text: str, *, cls: str = "", anchor: str = "start", href: str | None = None,
          max_chars: int = 60, transform: str = "", fill: str = "") -> str:
    """A text label, clipped to ``max_chars`` (the full text in its tooltip), linked when ``href``."""
    shown = clip(text, max_chars)
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' transform="{transform}"' if transform else ""
    attrs += f' fill="{fill}"' if fill else ""
    tip = f"<title>{escape(text)}</title>" if shown != text else ""
    node = (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{attrs}>{tip}{escape(shown)}</text>')
    return f'<a href="{escape(href)}">{node}</a>' if href else node


def rect(x: float, y: float, width: float, height: float, fill: str, tooltip: str = "", cls: str = "mark") -> str:
    tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return (f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
            f'fill="{fill}">{tip}</rect>')


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, cls: str = "grid", dash: str = "") -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line class="{cls}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{stroke}"{extra}/>')


def ink_on(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill`` (#rrggbb)."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def nice_ticks(low: float, high: float, count: int = 5, whole: bool = True) -> list[float]:
    """Round tick values spanning [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, round(step))
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


# --- frame: title, legend, axis labels ------------------------------------------------------------------

def frame(chart_id: str, title: str, width: float, height: float, body: list[str], *,
          x_label: str = "", y_label: str = "", y_label_x: float = 14) -> str:
    """The ``<svg>`` around a chart's marks, with its title and axis labels as text."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
             f'role="img" aria-labelledby="{escape(chart_id)}-title" font-size="12">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
             f'<text class="chart-title" x="8" y="20" font-size="15" font-weight="600" fill="{INK}">'
             f'{escape(title)}</text>']
    parts += body
    if x_label:
        parts.append(f'<text class="axis-label x-axis" x="{width / 2:.0f}" y="{height - 8:.0f}" '
                     f'text-anchor="middle" fill="{INK}">{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text class="axis-label y-axis" x="0" y="0" text-anchor="middle" fill="{INK}" '
                     f'transform="translate({y_label_x:.0f},{height / 2:.0f}) rotate(-90)">{escape(y_label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def legend_marks(items: Sequence[tuple[str, str]], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Colour swatches with their names, wrapped to ``width``; returns the marks and the height used."""
    marks, cx, cy = [], x, y
    for name, color in items:
        w = 18 + text_width(clip(name, 40)) + 16
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 18
        marks.append(f'<g class="legend-item">{rect(cx, cy - 10, 12, 12, color, name, "swatch")}'
                     f'{label(cx + 16, cy, name, max_chars=40, fill=INK)}</g>')
        cx += w
    return marks, (cy - y + 22) if items else 0


# --- charts ------------------------------------------------------------------------------------------------

def horizontal_stacked_bars(chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series], *,
                            x_label: str, y_label: str, link: Link = no_link,
                            notes: Sequence[str] = ()) -> str:
    """One bar per category (firm, family...), stacked by series, longest axis text on the left."""
    label_chars = min(30, max(len(c) for c in categories))
    left = 30 + label_chars * CHAR_WIDTH + 8
    note_chars = min(36, max((len(n) for n in notes), default=0))
    width = left + PLOT_WIDTH + 60 + note_chars * CHAR_WIDTH
    keys, legend_height = legend_marks([(s.name, s.color) for s in series], left, 44, width - left - 10)
    top = 44 + legend_height
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    ticks = nice_ticks(0, max(totals))
    scale = PLOT_WIDTH / ticks[-1]
    bottom = top + LINE * len(categories)
    body = keys
    for t in ticks:
        x = left + t * scale
        body += [line(x, top - 4, x, bottom), label(x, bottom + 16, fmt(t), anchor="middle", cls="tick", fill=INK)]
    for i, category in enumerate(categories):
        y = top + i * LINE
        body.append(label(left - 8, y + 15, category, anchor="end", cls="category", href=link(category),
                          max_chars=label_chars, fill=INK))
        x = left
        for s in series:
            value = s.values[i]
            if value:
                body.append(rect(x, y + 4, value * scale, LINE - 8, s.color, f"{category} - {s.name}: {fmt(value)}"))
                x += value * scale
        body.append(label(x + 6, y + 15, fmt(totals[i]), cls="total", fill=INK))
        if notes and notes[i]:
            body.append(label(left + PLOT_WIDTH + 44, y + 15, notes[i], cls="note", max_chars=note_chars,
                              fill="#4b5563"))
    return frame(chart_id, title, width, bottom + 46, body, x_label=x_label, y_label=y_label)


def vertical_stacked_bars(chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series], *,
                          x_label: str, y_label: str) -> str:
    """One column per category (e.g. a year), stacked by series, counts on the vertical axis."""
    left, plot_height = 64, 260
    column = max(44.0, min(70.0, PLOT_WIDTH / max(1, len(categories))))
    width = max(left + column * len(categories) + 30, 460)
    keys, legend_height = legend_marks([(s.name, s.color) for s in series], left, 44, width - left - 10)
    top = 44 + legend_height + 10
    bottom = top + plot_height
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    ticks = nice_ticks(0, max(totals))
    scale = plot_height / ticks[-1]
    body = keys
    for t in ticks:
        y = bottom - t * scale
        body += [line(left - 4, y, left + column * len(categories), y),
                 label(left - 8, y + 4, fmt(t), anchor="end", cls="tick", fill=INK)]
    for i, category in enumerate(categories):
        x = left + i * column + column * 0.15
        y = bottom
        for s in series:
            value = s.values[i]
            if value:
                height = value * scale
                y -= height
                body.append(rect(x, y, column * 0.7, height, s.color, f"{category} - {s.name}: {fmt(value)}"))
        body.append(label(x + column * 0.35, y - 4, fmt(totals[i]), anchor="middle", cls="total", fill=INK))
        body.append(label(x + column * 0.35, bottom + 16, category, anchor="middle", cls="category", fill=INK,
                          max_chars=9))
    return frame(chart_id, title, width, bottom + 48, body, x_label=x_label, y_label=y_label)


def matrix(chart_id: str, title: str, rows: Sequence[str], columns: Sequence[str],
           cells: dict[tuple[str, str], Cell], *, x_label: str, y_label: str, link: Link = no_link,
           cell_width: float = 44, legend: Sequence[tuple[str, str]] = ()) -> str:
    """Rows (firms, models, licences) by columns (types, dimensions, terms); empty cells left blank."""
    label_chars = min(46, max(len(r) for r in rows))
    left = 30 + label_chars * CHAR_WIDTH + 8
    column_chars = min(28, max(len(c) for c in columns))
    width = max(left + cell_width * len(columns) + column_chars * CHAR_WIDTH * 0.77 + 10, 420)
    body, legend_height = legend_marks(legend, left, 44, width - left - 10)
    top = 44 + legend_height + column_chars * CHAR_WIDTH * 0.64 + 16          # room for labels at -40 degrees
    bottom = top + LINE * len(rows)
    for j, column in enumerate(columns):
        x = left + j * cell_width + cell_width / 2
        body.append(label(x, top - 6, column, cls="column", max_chars=column_chars, fill=INK,
                          transform=f"rotate(-40 {x:.1f} {top - 6:.1f})"))
    for i, row in enumerate(rows):
        y = top + i * LINE
        body.append(line(left, y + LINE, left + cell_width * len(columns), y + LINE))
        body.append(label(left - 8, y + 15, row, anchor="end", cls="category", href=link(row),
                          max_chars=label_chars, fill=INK))
        for j, column in enumerate(columns):
            cell = cells.get((row, column))
            if cell is None:
                continue
            x = left + j * cell_width
            body.append(rect(x + 1, y + 1, cell_width - 2, LINE - 2, cell.fill,
                             cell.tooltip or f"{row} - {column}: {cell.text}", "cell"))
            if cell.text:
                body.append(label(x + cell_width / 2, y + 15, cell.text, anchor="middle", cls="cell-text",
                                  fill=ink_on(cell.fill), max_chars=int(cell_width / CHAR_WIDTH)))
    return frame(chart_id, title, width, bottom + 40, body, x_label=x_label, y_label=y_label)


def scatter(chart_id: str, title: str, points: Sequence[Point], *, x_ticks: Sequence[tuple[float, str]],
            y_low: float, y_high: float, x_label: str, y_label: str, link: Link = no_link) -> str:
    """Points over a categorical horizontal axis (e.g. access tiers) and a numeric vertical one.

    Points of one category sit on its line; their labels are pushed apart vertically (with a
    leader line) so that close values stay readable.
    """
    left, top, plot_height, plot_width = 70, 50, 300, 120 * max(1, len(x_ticks))
    step = plot_width / max(1, len(x_ticks))
    width = left + plot_width + 110          # room for the labels of the last category
    bottom = top + plot_height
    y_ticks = nice_ticks(y_low, y_high, whole=False)
    low, high = y_ticks[0], y_ticks[-1]
    y_of = lambda v: bottom - (v - low) / (high - low) * plot_height  # noqa: E731
    x_of = {value: left + (k + 0.5) * step for k, (value, _) in enumerate(x_ticks)}
    body = []
    for t in y_ticks:
        body += [line(left, y_of(t), left + plot_width, y_of(t)),
                 label(left - 8, y_of(t) + 4, fmt(t), anchor="end", cls="tick", fill=INK)]
    for value, name in x_ticks:
        body.append(line(x_of[value], top, x_of[value], bottom))
        for k, words in enumerate(wrap(name, 15)):
            body.append(label(x_of[value], bottom + 16 + 13 * k, words, anchor="middle", cls="tick", fill=INK))
    for x_value in dict.fromkeys(p.x for p in points):
        column = sorted((p for p in points if p.x == x_value), key=lambda p: (-p.y, p.label))
        last_label = -1e9
        for k, point in enumerate(column):
            x, y = x_of.get(point.x, left) + (4 if k % 2 else -4), y_of(point.y)
            label_y = max(y + 4, last_label + 13)
            last_label = label_y
            if label_y - (y + 4) > 2:
                body.append(line(x + 5, y, x + 12, label_y - 4, stroke="#9ca3af", cls="leader"))
            body.append(f'<circle class="mark point" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{point.color}">'
                        f'<title>{escape(point.label)}: {fmt(point.y)}</title></circle>')
            body.append(label(x + 14, label_y, point.label, cls="point-label", href=link(point.label),
                              max_chars=14, fill=INK))
    return frame(chart_id, title, width, bottom + 60, body, x_label=x_label, y_label=y_label)


def wrap(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of at most ``width`` characters (a longer word gets its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def intervals(chart_id: str, title: str, rows: Sequence[Interval], *, x_label: str, y_label: str) -> str:
    """Estimates with confidence intervals (a forest plot), the line of no effect at zero, and the
    numbers written beside each row; intervals that exclude zero are drawn in colour."""
    label_chars = min(40, max(len(r.label) for r in rows))
    left, top = 30 + label_chars * CHAR_WIDTH + 8, 50
    width = left + PLOT_WIDTH + 190
    ticks = nice_ticks(min(0.0, *(r.low for r in rows)), max(0.0, *(r.high for r in rows)), whole=False)
    low, high = ticks[0], ticks[-1]
    x_of = lambda v: left + (v - low) / (high - low) * PLOT_WIDTH  # noqa: E731
    bottom = top + LINE * len(rows)
    body = [label(left + PLOT_WIDTH + 16, top - 8, "estimate [95% interval]", cls="column", fill="#4b5563")]
    for t in ticks:
        body += [line(x_of(t), top - 4, x_of(t), bottom),
                 label(x_of(t), bottom + 16, fmt(t), anchor="middle", cls="tick", fill=INK)]
    body.append(line(x_of(0), top - 4, x_of(0), bottom, stroke="#6b7280", cls="zero", dash="4 3"))
    for i, row in enumerate(rows):
        y = top + i * LINE + LINE / 2
        color = "#9ca3af" if row.low <= 0 <= row.high else "#2563eb"
        numbers = f"{fmt(row.estimate)} [{fmt(row.low)}, {fmt(row.high)}]"
        body.append(label(left - 8, y + 4, row.label, anchor="end", cls="category", max_chars=label_chars,
                          fill=INK))
        body.append(f'<g class="mark"><title>{escape(row.label)}: {escape(numbers)}</title>'
                    f'{line(x_of(row.low), y, x_of(row.high), y, stroke=color, cls="ci")}'
                    f'<circle cx="{x_of(row.estimate):.1f}" cy="{y:.1f}" r="4.5" fill="{color}"/></g>')
        body.append(label(left + PLOT_WIDTH + 16, y + 4, numbers, cls="estimate", fill=INK))
    return frame(chart_id, title, width, bottom + 46, body, x_label=x_label, y_label=y_label)
