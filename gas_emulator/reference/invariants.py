"""IdService's invariants, checked on every simulated run (spec "Identifiers").

* **unique**: no number of a type is issued twice, and no identifier reaches two callers unless
  the second got it by replaying the same request key;
* **no unexplained gaps**: every number from the type's start to its counter is issued (an
  ``issued`` audit line) or void with a reason (a void record in script properties); numbers of an
  expired block are void unless its owner's audit lines show them issued;
* **ordered**: for types without blocks, a larger number was never issued earlier in virtual time.

Inputs are what the service leaves behind: each execution's console lines (the audit), the
callers' results, and the final script properties. ``check_ids`` returns an :class:`IdCheck`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gas_codegen.config import IdServiceConfig

from .common import Keys, format_id

#: At most this many examples of each problem are kept in the messages.
SHOWN = 5


@dataclass
class IdCheck:
    issued: int = 0
    delivered: int = 0
    replayed: int = 0
    voided: int = 0
    undelivered: int = 0
    duplicates: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.gaps or self.order or self.other)

    def problems(self) -> list[str]:
        out = []
        for name, items in (("duplicate", self.duplicates), ("unexplained gap", self.gaps),
                            ("order violation", self.order), ("inconsistency", self.other)):
            if items:
                more = f" (+{len(items) - SHOWN} more)" if len(items) > SHOWN else ""
                out.append(f"{len(items)} {name}{'s' if len(items) > 1 else ''}: "
                           f"{', '.join(items[:SHOWN])}{more}")
        return out

    def to_dict(self) -> dict:
        return {"ok": self.ok, "issued": self.issued, "delivered": self.delivered, "replayed": self.replayed,
                "voided": self.voided, "undelivered": self.undelivered, "duplicates": len(self.duplicates),
                "gaps": len(self.gaps), "order": len(self.order), "problems": self.problems()}


def audit_events(lines: Iterable[str]) -> list[dict]:
    """The structured audit records among an execution's console lines."""
    events = []
    for text in lines:
        if not text.startswith("{"):
            continue
        try:
            record = json.loads(text)
        except ValueError:
            continue
        if isinstance(record, dict) and "event" in record:
            events.append(record)
    return events


def reference_counters(cfg: IdServiceConfig, props: Mapping[str, str]) -> dict[str, int]:
    """Each type's counter from the reference's state document (start - 1 when never written)."""
    text = props.get(Keys(cfg.service.key_prefix).state)
    counters = json.loads(text)["c"] if text else {}
    return {name: counters.get(name, t.start - 1) for name, t in cfg.types.items()}


def check_ids(cfg: IdServiceConfig, logs: Mapping[str, Iterable[str]], results: Mapping[str, object],
              props: Mapping[str, str], counters: Mapping[str, int]) -> IdCheck:
    """Check one run. ``logs``: execution -> console lines; ``results``: execution -> returned ids
    (None for a failed execution); ``props``: final script properties; ``counters``: type -> counter."""
    check = IdCheck()
    issued: dict[tuple[str, int], list[dict]] = defaultdict(list)
    replays: dict[str, set[str]] = defaultdict(set)  # execution name -> ids it replayed
    token_of: dict[str, str] = {}
    for name, lines in logs.items():
        for ev in audit_events(lines):
            token_of.setdefault(name, ev.get("execution", ""))
            if ev["event"] == "issued":
                issued[(ev["type"], ev["n"])].append({**ev, "_exec": name})
            elif ev["event"] == "replayed":
                replays[name].update(ev["ids"])
    check.issued = sum(len(v) for v in issued.values())
    for _key, events in sorted(issued.items()):
        if len(events) > 1:
            check.duplicates.append(f"{events[0]['id']} issued {len(events)} times "
                                    f"({', '.join(e['_exec'] for e in events[:3])})")
    _check_delivery(check, issued, replays, results, token_of)
    voids = _void_records(cfg, props)
    open_blocks = _open_reservations(cfg, props)
    for name, t in cfg.types.items():
        _check_coverage(check, t, counters.get(name, t.start - 1), issued, voids.get(name, []),
                        open_blocks.get(name, []))
        if not t.blocks:
            _check_order(check, name, issued)
    return check


def _check_delivery(check: IdCheck, issued: dict, replays: dict, results: Mapping[str, object],
                    token_of: dict) -> None:
    ids_issued = {events[0]["id"]: events for events in issued.values()}
    holders: dict[str, list[str]] = defaultdict(list)
    for name, result in results.items():
        if not isinstance(result, list):
            continue
        for value in result:
            if value is None:
                continue
            check.delivered += 1
            if value in replays.get(name, ()):
                check.replayed += 1
                continue
            holders[value].append(name)
            if value not in ids_issued:
                check.other.append(f"{value} returned to {name} without an issued audit line")
    for value, names in sorted(holders.items()):
        if len(names) > 1:
            check.duplicates.append(f"{value} returned to {len(names)} callers ({', '.join(names[:3])})")
    delivered = set(holders)
    check.undelivered = sum(1 for value in ids_issued if value not in delivered)


def _void_records(cfg: IdServiceConfig, props: Mapping[str, str]) -> dict[str, list[dict]]:
    keys = Keys(cfg.service.key_prefix)
    out: dict[str, list[dict]] = defaultdict(list)
    for key, text in props.items():
        if keys.is_void(key):
            record = json.loads(text)
            out[record["type"]].append(record)
    return out


def _open_reservations(cfg: IdServiceConfig, props: Mapping[str, str]) -> dict[str, list[list]]:
    text = props.get(Keys(cfg.service.key_prefix).state)
    out: dict[str, list[list]] = defaultdict(list)
    for r in (json.loads(text).get("r", []) if text else []):
        out[r[0]].append(r)
    return out


def _check_coverage(check: IdCheck, t, counter: int, issued: dict, voids: list[dict],
                    open_blocks: list[list]) -> None:
    for n in range(t.start, counter + 1):
        events = issued.get((t.name, n), [])
        void = next((v for v in voids if v["from"] <= n <= v["to"]), None)
        if void is not None and void["reason"] != "reserved block expired unreturned":
            check.voided += 1
            if events:
                check.other.append(f"{format_id(t, n)} both issued and void ({void['reason']})")
            continue
        if void is not None:  # expired block: the owner's audit lines say which numbers it issued
            strangers = [e for e in events if e.get("execution") != void["owner"]]
            if strangers:
                check.duplicates.append(f"{format_id(t, n)} issued by {strangers[0]['_exec']} inside a block "
                                        f"reserved by another execution")
            elif not events:
                check.voided += 1
            continue
        if events:
            continue
        if any(r[1] <= n <= r[2] for r in open_blocks):
            check.other.append(f"{format_id(t, n)} still reserved (run reconcileIds after the lease)")
            continue
        check.gaps.append(format_id(t, n))
    beyond = sorted(n for (name, n) in issued if name == t.name and n > counter)
    if beyond:
        check.other.append(f"{len(beyond)} {t.name} numbers issued beyond the stored counter {counter} "
                           f"(first {format_id(t, beyond[0])}): the counter went backwards")


def _check_order(check: IdCheck, type_name: str, issued: dict) -> None:
    numbered = sorted((n, events[0]["time"], events[0]["id"]) for (t, n), events in issued.items()
                      if t == type_name)
    latest = None
    for _n, time_ms, ident in numbered:
        if latest is not None and time_ms < latest[0]:
            check.order.append(f"{ident} issued at {time_ms} before {latest[1]} at {latest[0]}")
        if latest is None or time_ms >= latest[0]:
            latest = (time_ms, ident)
