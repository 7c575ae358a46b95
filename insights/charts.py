"""Charts drawn on the server as SVG (nothing from the internet): a line per series over time,
with axes, a legend, and a <title> and <desc> for screen readers. Every chart on the dashboard has
its data table beside it; the chart is a picture of that table."""
from __future__ import annotations

from typing import Dict, List, Sequence
from xml.sax.saxutils import escape

# distinguishable for common colour-vision deficiencies (Okabe and Ito), each with its own dash
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "3 6"]


def _nice_max(n: int) -> int:
    if n <= 5:
        return 5
    for step in (1, 2, 5):
        scale = 10 ** (len(str(n)) - 1)
        top = -(-n // (step * scale)) * step * scale
        if top >= n:
            return top
    return n  # pragma: no cover


def line_chart(title: str, points: Sequence[str], series: Dict[str, List[int]],
               labels: Dict[str, str] | None = None, width: int = 720, height: int = 300) -> str:
    labels = labels or {}
    left, right, top, bottom = 56, 16, 36, 64
    legend_rows = (len(series) + 2) // 3
    height += 20 * max(0, legend_rows - 1)
    plot_w, plot_h = width - left - right, height - top - bottom - 20 * max(0, legend_rows - 1)
    top_value = _nice_max(max([max(v) for v in series.values() if v] + [0]))
    n = max(1, len(points) - 1)

    def x(i: int) -> float:
        return left + (plot_w * i / n if len(points) > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / top_value

    desc = "; ".join(f"{labels.get(name, name)}: " + ", ".join(f"{p} {v}" for p, v in zip(points, values))
                     for name, values in series.items())
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-labelledby="t d" font-family="sans-serif" font-size="12">',
           f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc[:4000])}</desc>',
           f'<rect width="{width}" height="{height}" fill="#fff"/>',
           f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for k in range(6):  # gridlines and the count axis
        v = top_value * k // 5
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
    every = max(1, len(points) // 12)
    for i, p in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            anchor = "end" if i == len(points) - 1 and len(points) > 1 else "start" if i == 0 and len(points) > 1 else "middle"
            out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}">{escape(p)}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    for s, (name, values) in enumerate(series.items()):
        colour, dash = COLOURS[s % len(COLOURS)], DASHES[s % len(DASHES)]
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"'
                   f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""} points="{path}"/>')
        for i, v in enumerate(values):
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
        lx = left + (s % 3) * (plot_w // 3)
        ly = top + plot_h + 40 + 20 * (s // 3)
        out.append(f'<line x1="{lx}" x2="{lx + 24}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2.5"'
                   f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')
        out.append(f'<text x="{lx + 30}" y="{ly}">{escape(labels.get(name, name))}</text>')
    out.append("</svg>")
    return "\n".join(out)
