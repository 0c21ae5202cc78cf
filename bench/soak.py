"""Soak: hostile web-app requests mixed with normal ones against a real ``gas-emu serve-api``.

Hostile requests (runaway loops of service calls, a growing heap, a builtin that exhausts V8 for
good, ArrayBuffer floods, ``Atomics.wait``, a huge response) are shuffled (seeded) among normal ones
and sent by several clients at once. Measured: every normal request answered ``200 fine`` (the
target), their latency against a baseline of normal requests alone in the same run, the hostile
answers by kind, the server's and its workers' resident memory (sampled from /proc), worker restarts.

    .venv/bin/python bench/soak.py                          # the issue's size: 1,000 + 10,000
    .venv/bin/python bench/soak.py --hostile 100 --normal 1000 --write   # updates RESULTS.md
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import random
import selectors
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gas_emulator.api_server.testing import WEB_AND_API_MANIFEST, checked_client, js_file  # noqa: E402
from gas_emulator.api_server.testing import content_files as files  # noqa: E402
from gas_emulator.markers import write_section  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "soak"
CODE = """function doGet(e) { return ContentService.createTextOutput(this[e.parameter.mode]()); }
function fine() { return "fine"; }
function loop() { while (true) { Utilities.getUuid(); } }
function logs() { while (true) { Logger.log("line"); } }
function wait() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }
function grow() { var a = []; while (true) { a.push({n: a.length}); } }
function fill() { return new Array(1e9).fill(0).length; }
function buffers() { var a = []; while (true) { a.push(new Uint8Array(5e7).fill(1)); } }
function huge() { return "x".repeat(5e7); }
"""
HOSTILE = ("loop", "logs", "wait", "grow", "fill", "buffers", "huge")


class _Url:
    def __init__(self, url: str) -> None:
        self.base_url = url


def start_server(max_seconds: float, heap_mb: int, data_mb: int) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "GAS_EMU_V8_HEAP_MB": str(heap_mb), "GAS_EMU_DATA_MB": str(data_mb)}
    # stderr dropped: V8 prints its last GCs there before each fatal out-of-memory (expected here)
    proc = subprocess.Popen([sys.executable, "-m", "gas_emulator.cli", "serve-api", "--max-seconds",
                             str(max_seconds)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env, cwd=ROOT)
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=60):
            proc.kill()
            raise SystemExit("serve-api printed no URL in 60 s")
    return proc, proc.stdout.readline().strip()


def deploy(url: str) -> str:
    api = checked_client(_Url(url))
    script_id = api.projects().create(body={"title": "soak"}).execute()["scriptId"]
    api.projects().updateContent(scriptId=script_id, body={"files": files(
        js_file("Code", CODE), manifest=WEB_AND_API_MANIFEST)}).execute()
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    return dep["entryPoints"][0]["webApp"]["url"]


def get(url: str, mode: str) -> tuple[int, str, float]:
    parts = urlsplit(url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    try:
        conn.request("GET", f"{parts.path}?mode={mode}")
        response = conn.getresponse()
        body = response.read()
        text = body.decode() if len(body) < 1000 else f"<{len(body)} bytes>"
        return response.status, text, time.perf_counter() - started
    finally:
        conn.close()


class RssSampler:
    """Peak resident memory of the server and of its worker processes (/proc, every 0.2 s)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_total_mb = self.peak_server_mb = self.peak_worker_mb = 0.0
        self.workers_seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            children = _children(self.pid)
            self.workers_seen.update(children)
            server, workers = _rss_mb(self.pid), [_rss_mb(c) for c in children]
            self.peak_server_mb = max(self.peak_server_mb, server)
            self.peak_worker_mb = max([self.peak_worker_mb, *workers])
            self.peak_total_mb = max(self.peak_total_mb, server + sum(workers))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _rss_mb(pid: int) -> float:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def send_all(url: str, modes: list[str], clients: int) -> list[tuple[str, int, str, float]]:
    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = list(pool.map(lambda m: get(url, m), modes))
    return [(mode, *answer) for mode, answer in zip(modes, answers, strict=True)]


def _pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[max(1, -(-p * len(ordered) // 100)) - 1] if ordered else float("nan")


def soak(args: argparse.Namespace) -> str:
    proc, url = start_server(args.max_seconds, args.heap_mb, args.data_mb)
    try:
        web = deploy(url)
        send_all(web, ["fine"] * args.clients * 2, args.clients)  # warm-up: workers started
        baseline = send_all(web, ["fine"] * args.baseline, args.clients)
        modes = ["fine"] * args.normal + [HOSTILE[i % len(HOSTILE)] for i in range(args.hostile)]
        random.Random(args.seed).shuffle(modes)
        started = time.perf_counter()
        with RssSampler(proc.pid) as rss:
            answers = send_all(web, modes, args.clients)
        wall_s = time.perf_counter() - started
        alive = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    return report(args, baseline, answers, rss, wall_s, alive)


def report(args, baseline, answers, rss: RssSampler, wall_s: float, alive: bool) -> str:
    normal = [a for a in answers if a[0] == "fine"]
    answered = sum(1 for a in normal if a[1:3] == (200, "fine"))
    base_ms = [a[3] * 1000 for a in baseline]
    soak_ms = [a[3] * 1000 for a in normal]
    kinds: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for mode, status, body, _ in answers:
        if mode != "fine":
            kinds[mode][f"{status} {_short(body)}"] += 1
    lines = [
        "## soak: hostile web-app requests among normal ones (serve-api)",
        "",
        f"Command: `.venv/bin/python bench/soak.py --hostile {args.hostile} --normal {args.normal} "
        f"--clients {args.clients} --max-seconds {args.max_seconds:g} --heap-mb {args.heap_mb} "
        f"--data-mb {args.data_mb} --write` "
        f"({time.strftime('%Y-%m-%d')}, 2-core machine loaded by other work: figures are indicative).",
        "",
        f"- Normal requests answered `200 fine`: **{answered:,} / {len(normal):,}**; "
        f"server alive at the end: **{alive}**; wall time {wall_s:.0f} s.",
        f"- Normal latency, soak vs alone (baseline, {len(baseline):,} requests, same run): p50 "
        f"{_pct(soak_ms, 50):.0f} ms vs {_pct(base_ms, 50):.0f} ms "
        f"(x{_pct(soak_ms, 50) / _pct(base_ms, 50):.1f}), p99 {_pct(soak_ms, 99):.0f} ms vs "
        f"{_pct(base_ms, 99):.0f} ms (x{_pct(soak_ms, 99) / _pct(base_ms, 99):.1f}); "
        f"mean alone {statistics.fmean(base_ms):.0f} ms.",
        f"- Peak resident memory: server + workers {rss.peak_total_mb:.0f} MB, server "
        f"{rss.peak_server_mb:.0f} MB, one worker {rss.peak_worker_mb:.0f} MB; worker processes "
        f"seen: {len(rss.workers_seen)} (each worker is replaced after a fatal out-of-memory, an "
        f"overrun, or an execution that left its heap half full).",
        f"- Normal requests not answered `200 fine`: "
        f"{dict(collections.Counter(f'{a[1]} {_short(a[2])}' for a in normal if a[1:3] != (200, 'fine')))}",
        "",
        "| hostile kind | answers (status, body) |",
        "|---|---|",
    ]
    for mode in HOSTILE:
        lines.append(f"| {mode} | " + ", ".join(f"{n} x {what}" for what, n in kinds[mode].most_common())
                     + " |")
    return "\n".join(lines) + "\n"


def _short(body: str) -> str:
    if "<div>" in body:
        return body.split("<div>", 1)[1].split("</div>", 1)[0]
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hostile", type=int, default=1_000)
    parser.add_argument("--normal", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=200, help="normal requests alone, first")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=2.0, help="serve-api's execution cap")
    parser.add_argument("--heap-mb", type=int, default=64, help="GAS_EMU_V8_HEAP_MB of the workers")
    parser.add_argument("--data-mb", type=int, default=1536, help="GAS_EMU_DATA_MB of the workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = soak(args)
    print(text)
    if args.write:
        write_section(RESULTS, SECTION, text)


if __name__ == "__main__":
    main()
