"""The ``--report DIR`` page: one self-contained HTML file about a simulated run.

Top to bottom: a title and a verdict in plain words; the figures (beside a baseline's when one is
given, as ``make demo`` does); the checks and errors; a histogram of execution times; the lock
queue (for each lock, the executions in the order they got it: how long each waited, how long it
held it); and the timeline, one row per execution on a shared virtual-time axis: its lifetime
(grey, red when it failed), lock waits (amber), locks held (green) and each service call (a tick
coloured by service), with a tooltip on everything. No script and no external asset: the file
opens offline. SVG pieces are in ``svg.py``.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from . import svg
from .report import Report

#: Rows drawn at most per chart (a page of 10,000 rows helps nobody; the JSON report has them all).
MAX_ROWS = 2000

CSS = """
body{font:14px system-ui,sans-serif;margin:24px;color:#111;max-width:none}
h1{font-size:22px;margin:0 0 6px} h2{font-size:17px;margin:22px 0 6px}
.verdict{font-size:16px;padding:8px 12px;border-radius:6px;display:inline-block;margin:6px 0 10px}
.verdict.pass{background:#dcfce7;color:#14532d} .verdict.fail{background:#fee2e2;color:#7f1d1d}
.verdict.none{background:#f3f4f6}
table{border-collapse:collapse;margin:8px 0 16px} td,th{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top} th{white-space:nowrap} .bad{color:#b91c1c} .ok{color:#15803d}
.legend span{display:inline-block;margin-right:16px}
.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
code{background:#f3f4f6;padding:2px 4px;word-break:break-all}
svg{display:block;overflow:visible} svg text{font:11px ui-monospace,monospace;fill:#111}
.chart{overflow-x:auto}
"""


def write_html(report: Report, directory: str | Path, *, title: str | None = None,
               verdict: str | None = None, baseline: Report | None = None,
               baseline_name: str = "baseline") -> Path:
    """Write ``report.html`` (and ``report.json``) into ``directory``; return the HTML path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.to_dict(), indent=1, default=str) + "\n")
    path = out / "report.html"
    path.write_text(render_html(report, title=title, verdict=verdict, baseline=baseline,
                                baseline_name=baseline_name), encoding="utf-8")
    return path


def render_html(report: Report, *, title: str | None = None, verdict: str | None = None,
                baseline: Report | None = None, baseline_name: str = "baseline") -> str:
    title = title or (f"Simulation: seed {report.seed}, latency {report.latency}, faults {report.faults}")
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{escape(title)}</h1>", _verdict(report, verdict),
             _figures(report, baseline, baseline_name), _checks(report), _errors(report),
             "<h2>Execution times</h2>", _histogram(report, baseline, baseline_name),
             _lock_queue(report), _legend(), _timeline(report), "</body></html>"]
    return "\n".join(parts)


def _verdict(report: Report, verdict: str | None) -> str:
    if verdict is None:
        if not report.checks:
            return "<p class='verdict none'>No checks were asked for: figures only.</p>"
        failed = report.failed_checks
        verdict = ("PASS: every check passed (" + ", ".join(c.name for c in report.checks) + ")"
                   if not failed else "FAIL: " + "; ".join(f"{c.name}: {c.message}" for c in failed))
    kind = "pass" if report.ok else "fail"
    return f"<p class='verdict {kind}'>{escape(verdict)}</p>"


def _rows(report: Report) -> list[tuple[str, str]]:
    s, locks = report.summary(), report.lock_stats
    lat = s["latency_ms"]
    share = 100 * s["succeeded"] / s["executions"] if s["executions"] else 0.0
    return [
        ("executions", f"{s['executions']}: {s['succeeded']} ok ({share:.1f} %), {s['failed']} failed, "
                       f"{s['refused']} refused"),
        ("time per execution p50 / p95 / p99", f"{_ms(lat['p50'])} / {_ms(lat['p95'])} / {_ms(lat['p99'])}"),
        ("throughput", f"{s['throughput_per_s']} ok per {report.time_kind} second "
                       f"over {_ms(s['virtual_ms'])}"),
        ("service calls", f"{s['service_calls']} ({s['calls_per_wall_s']} per wall second)"),
        ("locks", f"{locks.get('acquired', 0)} acquired, {locks.get('waited', 0)} waited, "
                  f"{locks.get('timeouts', 0)} timeouts, longest wait {_ms(locks.get('max_wait_ms', 0))}"),
        ("quota use", _quota(report)),
        ("faults fired", ", ".join(f"{k}: {v}" for k, v in report.faults_fired.items()) or "none"),
        ("trace hash", report.trace_hash if report.reproducible else "none (stress run)"),
    ]


def _figures(report: Report, baseline: Report | None, baseline_name: str) -> str:
    if baseline is None:
        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in _rows(report))
        return f"<h2>Figures</h2><table>{body}</table>"
    theirs = dict(_rows(baseline))
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td><td>{escape(theirs[k])}</td></tr>"
                   for k, v in _rows(report) if k != "trace hash")
    head = f"<tr><th></th><th>this run</th><th>{escape(baseline_name)}, same requests</th></tr>"
    return f"<h2>Figures</h2><table>{head}{body}</table>"


def _ms(ms: float | None) -> str:
    if ms is None:
        return "-"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:g} ms"


def _checks(report: Report) -> str:
    if not report.checks:
        return ""
    items = "".join(
        f"<li class='{'ok' if c.ok else 'bad'}'>{escape(c.name)}: "
        f"{'ok' if c.ok else 'FAILED'} {escape(c.message)}</li>" for c in report.checks)
    replay = (f"<p>Replay: <code>{escape(report.replay_command)}</code></p>"
              if report.failed_checks and report.replay_command else "")
    return f"<h2>Checks</h2><ul>{items}</ul>{replay}"


def _errors(report: Report) -> str:
    errors = report.errors()
    if not errors:
        return ""
    rows = "".join(f"<tr><td>{n}</td><td>{escape(m)}</td></tr>" for m, n in errors.most_common())
    return f"<h2>Errors</h2><table><tr><th>count</th><th>message</th></tr>{rows}</table>"


def _histogram(report: Report, baseline: Report | None, baseline_name: str) -> str:
    if baseline is None:
        return f"<div class='chart'>{svg.histogram(report.durations())}</div>"
    span = max(report.durations() + baseline.durations(), default=0.0)  # one time scale for both
    return (f"<p>This run:</p><div class='chart'>{svg.histogram(report.durations(), span_ms=span)}</div>"
            f"<p>{escape(baseline_name)}, same requests:</p>"
            f"<div class='chart'>{svg.histogram(baseline.durations(), span_ms=span)}</div>")


def _quota(report: Report) -> str:
    usage = report.quota_by_user
    if len(usage) <= 5:
        return ", ".join(f"{u}: {n}" for u, n in usage.items()) or "-"
    busiest = max(usage, key=lambda u: usage[u])
    return (f"{sum(usage.values())} calls over {len(usage)} users; most by {busiest}: {usage[busiest]} "
            "(every user in report.json)")


def _legend() -> str:
    items = [("#cbd5e1", "execution"), ("#fca5a5", "failed execution"), (svg.WAIT_COLOUR, "lock waited"),
             (svg.HOLD_COLOUR, "lock held")] + [(c, f"{k} call") for k, c in svg.CALL_COLOURS.items()]
    spans = "".join(f"<span><i class='sw' style='background:{c}'></i>{escape(t)}</span>"
                    for c, t in items)
    return f"<h2>Timeline</h2><div class='legend'>{spans}</div>"


def _frame(labels: list[str], end_ms: float, rows: int) -> tuple[list[str], float, float, float, object]:
    """Shared geometry: (svg head, label width, scale, height, x(t) mapping)."""
    ticks = svg.nice_ticks(end_ms or 1.0)
    label_w = svg.label_width(labels)
    scale = svg.PLOT_W / ticks[-1]
    height = (rows + 2) * svg.ROW_H
    head = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{label_w + svg.PLOT_W + 40:.0f}' "
            f"height='{height}'>", svg.axis(ticks, label_w, scale, svg.ROW_H, height)]
    return head, label_w, scale, height, lambda t: label_w + (t or 0.0) * scale


def _timeline(report: Report) -> str:
    rows = report.executions[:MAX_ROWS]
    labels = [f"{r.name} {r.user}" for r in rows]
    end = max((r.end_ms or 0.0 for r in rows), default=0.0)
    out, _, _, height, x = _frame(labels, end, len(rows))
    for i, (rec, label) in enumerate(zip(rows, labels)):
        y = (i + 1) * svg.ROW_H + 2
        tl = report.timeline.get(rec.name)
        out.append(f"<text x='4' y='{y + 10}'>{escape(label)}</text>" + svg.lifetime_row(rec, y, x))
        if tl is not None:
            out.append(svg.lock_marks(tl, y, x) + svg.call_marks(tl, y, x))
    if len(report.executions) > MAX_ROWS:
        out.append(f"<text x='4' y='{height - 2}'>... {len(report.executions) - MAX_ROWS} more "
                   "executions in report.json</text>")
    out.append("</svg>")
    return f"<div class='chart'>{''.join(out)}</div>"


def _lock_queue(report: Report) -> str:
    """For each lock, one row per execution that got it, in the order they got it."""
    by_lock: dict[str, list[tuple[float, object]]] = {}
    for rec in report.executions:
        tl = report.timeline.get(rec.name)
        for lock, start, _stop in (tl.holds if tl is not None else ()):
            by_lock.setdefault(lock, []).append((start, rec))
    if not by_lock:
        return ""
    parts = ["<h2>Lock queue</h2><p>Each row is one execution that held the lock, in the order it "
             "got it: amber while it waited, green while it held the lock.</p>"]
    end = max((r.end_ms or 0.0 for r in report.executions), default=0.0)
    for lock, holders in sorted(by_lock.items()):
        order = [rec for _, rec in sorted(holders, key=lambda h: (h[0], h[1].index))][:MAX_ROWS]
        labels = [f"{i + 1}. {rec.name}" for i, rec in enumerate(order)]
        out, _, _, _, x = _frame(labels, end, len(order))
        for i, (rec, label) in enumerate(zip(order, labels)):
            y = (i + 1) * svg.ROW_H + 2
            out.append(f"<text x='4' y='{y + 10}'>{escape(label)}</text>"
                       + svg.lock_marks(report.timeline[rec.name], y, x, only=lock))
        out.append("</svg>")
        parts.append(f"<p>lock <code>{escape(lock)}</code>: {len(holders)} holds</p>"
                     f"<div class='chart'>{''.join(out)}</div>")
    return "".join(parts)
