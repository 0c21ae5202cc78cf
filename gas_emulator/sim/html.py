"""The ``--report DIR`` page: one self-contained HTML file with an SVG timeline of the run.

One row per execution on a shared virtual-time axis: its lifetime (grey, red when it failed),
lock waits (amber), locks held (green) and each service call (a tick coloured by service), with a
tooltip on everything. No external assets: CSS and SVG are inline, so the file opens offline.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .report import Report

ROW_H = 16
LABEL_W = 230
PLOT_W = 1100
#: Rows drawn at most (a page of 10,000 rows helps nobody; the JSON report has them all).
MAX_ROWS = 2000
CALL_COLOURS = {"properties": "#2563eb", "cache": "#9333ea", "lock": "#475569"}

CSS = """
body{font:13px system-ui,sans-serif;margin:24px;color:#111}
h1{font-size:20px;margin:0 0 8px} table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left} .bad{color:#b91c1c}
.ok{color:#15803d} .legend span{display:inline-block;margin-right:16px}
.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
code{background:#f3f4f6;padding:2px 4px;word-break:break-all}
svg text{font:11px ui-monospace,monospace}
"""


def write_html(report: Report, directory: str | Path) -> Path:
    """Write ``report.html`` (and ``report.json``) into ``directory``; return the HTML path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.to_dict(), indent=1, default=str) + "\n")
    path = out / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def render_html(report: Report) -> str:
    s = report.summary()
    parts = ["<!doctype html><html><head><meta charset='utf-8'>",
             f"<title>gas-emu simulation seed {report.seed}</title><style>{CSS}</style></head><body>",
             f"<h1>Simulation: seed {report.seed}, latency {escape(report.latency)}, "
             f"faults {escape(report.faults)}</h1>", _summary_table(report, s), _checks(report),
             _errors(report), _legend(), _timeline(report), "</body></html>"]
    return "\n".join(parts)


def _summary_table(report: Report, s: dict) -> str:
    lat, locks = s["latency_ms"], report.lock_stats
    rows = [
        ("executions", f"{s['executions']}: {s['succeeded']} ok, {s['failed']} failed, "
                       f"{s['refused']} refused"),
        ("latency p50 / p95 / p99 (virtual ms)", f"{lat['p50']} / {lat['p95']} / {lat['p99']}"),
        ("throughput", f"{s['throughput_per_s']} ok per virtual second over {s['virtual_ms']} ms"),
        ("service calls", f"{s['service_calls']} ({s['calls_per_wall_s']} per wall second)"),
        ("locks", f"{locks.get('acquired', 0)} acquired, {locks.get('waited', 0)} waited, "
                  f"{locks.get('timeouts', 0)} timeouts, max wait {locks.get('max_wait_ms', 0)} ms"),
        ("quota use", ", ".join(f"{u}: {n}" for u, n in report.quota_by_user.items())),
        ("faults fired", ", ".join(f"{k}: {v}" for k, v in report.faults_fired.items()) or "none"),
        ("trace hash", report.trace_hash),
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _checks(report: Report) -> str:
    if not report.checks:
        return ""
    items = "".join(
        f"<li class='{'ok' if c.ok else 'bad'}'>{escape(c.name)}: "
        f"{'ok' if c.ok else 'FAILED'} {escape(c.message)}</li>" for c in report.checks)
    replay = (f"<p>Replay: <code>{escape(report.replay_command)}</code></p>"
              if report.failed_checks else "")
    return f"<h2>Checks</h2><ul>{items}</ul>{replay}"


def _errors(report: Report) -> str:
    errors = report.errors()
    if not errors:
        return ""
    rows = "".join(f"<tr><td>{n}</td><td>{escape(m)}</td></tr>" for m, n in errors.most_common())
    return f"<h2>Errors</h2><table><tr><th>count</th><th>message</th></tr>{rows}</table>"


def _legend() -> str:
    items = [("#cbd5e1", "execution"), ("#fca5a5", "failed execution"), ("#f59e0b", "lock waited"),
             ("#22c55e", "lock held")] + [(c, f"{k} call") for k, c in CALL_COLOURS.items()]
    spans = "".join(f"<span><i class='sw' style='background:{c}'></i>{escape(t)}</span>"
                    for c, t in items)
    return f"<h2>Timeline</h2><div class='legend'>{spans}</div>"


def _timeline(report: Report) -> str:
    rows = report.executions[:MAX_ROWS]
    end = max((r.end_ms or 0.0 for r in rows), default=0.0) or 1.0
    scale = PLOT_W / end
    height = (len(rows) + 2) * ROW_H
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{LABEL_W + PLOT_W + 20}' height='{height}'>",
           _axis(end, scale, height)]
    for i, rec in enumerate(rows):
        y = (i + 1) * ROW_H + 2
        out.append(_row(rec, report.timeline.get(rec.name), y, scale))
    if len(report.executions) > MAX_ROWS:
        out.append(f"<text x='4' y='{height - 2}'>... {len(report.executions) - MAX_ROWS} more "
                   "executions in report.json</text>")
    out.append("</svg>")
    return "".join(out)


def _axis(end: float, scale: float, height: int) -> str:
    ticks = []
    for k in range(11):
        t = end * k / 10
        x = LABEL_W + t * scale
        ticks.append(f"<line x1='{x:.1f}' y1='{ROW_H}' x2='{x:.1f}' y2='{height}' stroke='#eee'/>"
                     f"<text x='{x:.1f}' y='{ROW_H - 4}'>{t:.0f} ms</text>")
    return "".join(ticks)


def _rect(x0: float, x1: float, y: float, h: float, colour: str, tip: str) -> str:
    width = max(x1 - x0, 1.0)
    return (f"<rect x='{x0:.1f}' y='{y:.1f}' width='{width:.1f}' height='{h}' fill='{colour}'>"
            f"<title>{escape(tip)}</title></rect>")


def _row(rec, tl, y: float, scale: float) -> str:
    x = lambda t: LABEL_W + (t or 0.0) * scale  # noqa: E731
    label = f"{rec.name} {rec.user}"
    colour = "#fca5a5" if rec.error else "#cbd5e1"
    outcome = f"error: {rec.error}" if rec.error else f"result: {json.dumps(rec.result, default=str)}"
    parts = [f"<text x='4' y='{y + 10}'>{escape(label[:34])}</text>",
             _rect(x(rec.start_ms), x(rec.end_ms), y + 5, 4, colour,
                   f"{rec.name} ({rec.user}) {rec.start_ms}-{rec.end_ms} ms, {outcome}")]
    if tl is not None:
        for lock, start, stop, how in tl.waits:
            parts.append(_rect(x(start), x(stop), y + 1, 12, "#f59e0b",
                               f"waited for lock {lock} {start}-{stop} ms ({how})"))
        for lock, start, stop in tl.holds:
            parts.append(_rect(x(start), x(stop), y + 1, 12, "#22c55e",
                               f"held lock {lock} {start}-{stop} ms"))
        for op, key, start, stop, outcome_ in tl.calls:
            colour_ = CALL_COLOURS.get(op.split(".")[0], "#0f766e")
            tip = f"{op}({key}) {start}-{stop} ms -> {json.dumps(outcome_, default=str)[:80]}"
            parts.append(_rect(x(start), x(stop), y + 10, 4, colour_, tip))
    return "".join(parts)
