"""``gas-emu merge``: one verdict from the ``explore --shard I/N --json`` documents of a CI matrix.

Each shard document names the whole range (``range``), its shard (``I/N``), the workload and
checks (``workload``) and how many of its seeds ran (``seeds_run``: shards run their seeds in
order, so those are the first ``seeds_run`` of ``shard_seeds(range, I, N)``). The merge lists the
seeds covered, the gaps (seeds no shard ran: a missing shard, a shard stopped at its first
failure or by Ctrl-C), and every failure with its replay command, in seed order.

Exit status: 0 every seed of the range ran and passed; 1 a failure, or a gap (a CI run that did
not cover its range is not a pass); 2 documents that cannot be merged (unreadable, not from
``explore --json``, or from different ranges, shard counts or workloads).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .explore import parse_seeds, parse_shard, shard_seeds
from .workload import WorkloadError

REQUIRED = ("range", "shard", "workload", "seeds_run", "failures")


def load_shard(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WorkloadError(f"{path}: cannot read a JSON document ({err})") from None
    missing = [key for key in REQUIRED if not isinstance(doc, dict) or key not in doc]
    if missing:
        raise WorkloadError(f"{path}: not an `gas-emu explore --json` document (no {', '.join(missing)})")
    return doc


def merge_shards(docs: list[dict]) -> dict:
    """The merged document (see the module docstring); raises WorkloadError when they do not fit."""
    for key in ("range", "workload"):
        values = sorted({str(doc[key]) for doc in docs})
        if len(values) > 1:
            raise WorkloadError(f"the documents are from different explorations "
                                f"({key}: {' vs '.join(values)})")
    seeds = parse_seeds(docs[0]["range"])
    shards = [parse_shard(doc["shard"]) for doc in docs]
    counts = sorted({n for _, n in shards})
    if len(counts) > 1:
        raise WorkloadError(f"the documents split the range differently (shards of {counts})")
    covered: set[int] = set()
    for (index, count), doc in zip(shards, docs, strict=True):
        covered.update(shard_seeds(seeds, index, count)[:int(doc["seeds_run"])])
    failures = sorted({f["seed"]: f for doc in docs for f in doc["failures"]}.values(),
                      key=lambda f: f["seed"])
    gaps = seed_gaps(seeds, covered)
    return {"ok": not failures and not gaps, "range": docs[0]["range"], "workload": docs[0]["workload"],
            "shards": sorted({doc["shard"] for doc in docs}, key=lambda s: parse_shard(s)),
            "seeds_covered": len(covered), "seeds_total": len(seeds), "gaps": gaps,
            "failures": failures}


def seed_gaps(seeds: range, covered: set[int]) -> list[str]:
    """The seeds of ``seeds`` not in ``covered``, as half-open ``A:B`` ranges like ``--seeds``."""
    gaps, start = [], None
    for seed in seeds:
        if seed in covered:
            if start is not None:
                gaps.append(f"{start}:{seed}")
                start = None
        elif start is None:
            start = seed
    if start is not None:
        gaps.append(f"{start}:{seeds.stop}")
    return gaps


def _human(doc: dict) -> list[str]:
    verdict = "all passed" if doc["ok"] else f"{len(doc['failures'])} failing" if doc["failures"] else \
        "no failure, but not every seed ran"
    lines = [f"{doc['seeds_covered']} of {doc['seeds_total']} seeds of {doc['range']} covered by "
             f"shards {', '.join(doc['shards'])}: {verdict}",
             f"gaps (seeds no shard ran): {', '.join(doc['gaps']) or 'none'}"]
    for failure in doc["failures"]:
        messages = "; ".join(f"{c['name']}: {c['message']}" for c in failure["failed_checks"])
        lines += [f"seed {failure['seed']} fails ({messages})", f"  replay: {failure['replay_command']}"]
    return lines


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def merge(files: tuple[Path, ...], as_json: bool) -> None:
    """Merge the `explore --shard I/N --json` outputs of a CI matrix into one report.

    Exit status 1 when a seed failed or a seed of the range was not run.

    \b
    Example:
      gas-emu explore --function nextId --args '["BDL"]' -n 20 --seeds 0:20 --shard 1/2 --json > shard-1.json
      gas-emu explore --function nextId --args '["BDL"]' -n 20 --seeds 0:20 --shard 2/2 --json > shard-2.json
      gas-emu merge shard-*.json
    """
    try:
        doc = merge_shards([load_shard(path) for path in files])
    except WorkloadError as err:
        raise click.UsageError(str(err)) from None
    if as_json:
        click.echo(json.dumps(doc))
    else:
        for line in _human(doc):
            click.echo(line)
    sys.exit(0 if doc["ok"] else 1)
