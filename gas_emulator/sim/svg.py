"""SVG pieces of the HTML report (``html.py``): time axes on round values, a histogram, timeline rows.

Everything is inline SVG text (no script, no external asset). Sizes are computed from the content
(label widths from the longest label), so nothing is clipped.
"""

from __future__ import annotations

import json
import math
from html import escape

ROW_H = 16
PLOT_W = 1000
CHAR_W = 7.0  # px per character of the 11 px monospace labels (measured in Chromium: 6.6)
CALL_COLOURS = {"properties": "#2563eb", "cache": "#9333ea", "lock": "#475569"}
WAIT_COLOUR, HOLD_COLOUR = "#f59e0b", "#22c55e"


def nice_step(span: float, target: int = 8, minimum: float = 0.0) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``target`` intervals over ``span``
    (at least ``minimum``: counts step by whole numbers)."""
    if span <= 0:
        return max(1.0, minimum)
    raw = max(span / target, minimum)
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))


def nice_ticks(end: float, target: int = 8, minimum: float = 0.0) -> list[float]:
    """0, step, 2 step, ... up to the first tick at or past ``end`` (the axis ends on a tick)."""
    step = nice_step(end, target, minimum)
    count = max(1, math.ceil(end / step - 1e-9))
    return [round(k * step, 9) for k in range(count + 1)]


def time_label(ms: float, step: float) -> str:
    if step >= 1000:
        return f"{ms / 1000:g} s"
    return f"{ms:g} ms"


def label_width(labels: list[str]) -> float:
    return max((len(text) for text in labels), default=0) * CHAR_W + 16


def axis(ticks: list[float], x0: float, scale: float, top: float, bottom: float) -> str:
    """Vertical grid lines with time labels above them."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    out = []
    for t in ticks:
        x = x0 + t * scale
        out.append(f"<line x1='{x:.1f}' y1='{top}' x2='{x:.1f}' y2='{bottom}' stroke='#e5e7eb'/>"
                   f"<text x='{x:.1f}' y='{top - 4}' text-anchor='middle'>{time_label(t, step)}</text>")
    return "".join(out)


def rect(x0: float, x1: float, y: float, h: float, colour: str, tip: str) -> str:
    width = max(x1 - x0, 1.0)
    return (f"<rect x='{x0:.1f}' y='{y:.1f}' width='{width:.1f}' height='{h}' fill='{colour}'>"
            f"<title>{escape(tip)}</title></rect>")


def histogram(values: list[float], *, bins: int = 24, height: int = 180, span_ms: float | None = None) -> str:
    """Counts of ``values`` (ms) in round-width bins; bars with a tooltip, axes ending on round ticks.

    ``span_ms`` fixes the time axis (two histograms side by side share one scale)."""
    if not values:
        return "<p>No finished executions.</p>"
    x_ticks = nice_ticks(max(span_ms or 0.0, max(values)) or 1.0, 8)
    end, x_step = x_ticks[-1], x_ticks[1] - x_ticks[0]
    # bins split a tick interval evenly (1, 2, 5 or 10 per tick), as near to ``bins`` as can be
    width_ms = x_step / min((1, 2, 5, 10), key=lambda k: abs(end / (x_step / k) - bins))
    counts = [0] * max(1, round(end / width_ms))
    for v in values:
        counts[min(len(counts) - 1, math.floor(v / width_ms))] += 1
    x0, top, scale = 48.0, 24.0, PLOT_W / end
    y_ticks = nice_ticks(max(counts), 4, minimum=1)
    y_scale = height / y_ticks[-1]
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{x0 + PLOT_W + 40:.0f}' "
           f"height='{top + height + 36}' role='img' aria-label='latency histogram'>"]
    for c in y_ticks:
        y = top + height - c * y_scale
        out.append(f"<line x1='{x0}' y1='{y:.1f}' x2='{x0 + PLOT_W}' y2='{y:.1f}' stroke='#e5e7eb'/>"
                   f"<text x='{x0 - 6}' y='{y + 4:.1f}' text-anchor='end'>{c:g}</text>")
    for i, count in enumerate(counts):
        low = i * width_ms
        out.append(rect(x0 + low * scale + 1, x0 + (low + width_ms) * scale - 1,
                        top + height - count * y_scale, round(count * y_scale, 1), "#60a5fa",
                        f"{count} executions took {time_label(low, width_ms)} to "
                        f"{time_label(low + width_ms, width_ms)}"))
    for t in x_ticks:
        out.append(f"<text x='{x0 + t * scale:.1f}' y='{top + height + 16}' text-anchor='middle'>"
                   f"{time_label(t, x_step)}</text>")
    out.append(f"<text x='{x0 + PLOT_W / 2}' y='{top + height + 32}' text-anchor='middle'>"
               "time from start to end of an execution (virtual)</text>"
               f"<text x='4' y='{top - 10}'>executions</text></svg>")
    return "".join(out)


def lifetime_row(rec, y: float, x) -> str:
    colour = "#fca5a5" if rec.error else "#cbd5e1"
    outcome = f"error: {rec.error}" if rec.error else f"result: {json.dumps(rec.result, default=str)}"
    return rect(x(rec.start_ms), x(rec.end_ms), y + 5, 4, colour,
                f"{rec.name} ({rec.user}) {rec.start_ms}-{rec.end_ms} ms, {outcome}")


def lock_marks(tl, y: float, x, only: str | None = None) -> str:
    parts = []
    for lock, start, stop, how in tl.waits:
        if only is None or lock == only:
            parts.append(rect(x(start), x(stop), y + 1, 12, WAIT_COLOUR,
                              f"waited for lock {lock} {start}-{stop} ms ({how})"))
    for lock, start, stop in tl.holds:
        if only is None or lock == only:
            parts.append(rect(x(start), x(stop), y + 1, 12, HOLD_COLOUR,
                              f"held lock {lock} {start}-{stop} ms"))
    return "".join(parts)


def call_marks(tl, y: float, x) -> str:
    parts = []
    for op, key, start, stop, outcome in tl.calls:
        colour = CALL_COLOURS.get(op.split(".")[0], "#0f766e")
        tip = f"{op}({key}) {start}-{stop} ms -> {json.dumps(outcome, default=str)}"
        parts.append(rect(x(start), x(stop), y + 10, 4, colour, tip))
    return "".join(parts)
