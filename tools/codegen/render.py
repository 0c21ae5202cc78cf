"""Render ``gas_src/`` from the templates and the IdService configuration; detect drift.

``render_all(check)`` is what ``gasctl generate [--check]`` calls: it renders every output with
jinja2 (``StrictUndefined``: a missing value is an error, never an empty string; no timestamps or
other varying input, so the same configuration always gives the same bytes) and either writes the
files that differ or, with ``check=True``, changes nothing. Either way it returns the names (relative
to ``gas_src/``) of the files that differ, including stray files that no template produces.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

from .config import IdServiceConfig, load_config

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: output name (in gas_src/) -> template; the order is clasp's push order (see .clasp.json)
OUTPUTS: tuple[tuple[str, str], ...] = (
    ("appsscript.json", "appsscript.json.j2"),
    ("QuotaIntegration.js", "QuotaIntegration.js.j2"),
    ("LockManager.js", "LockManager.js.j2"),
    ("CacheManager.js", "CacheManager.js.j2"),
    ("IdService.js", "IdService.js.j2"),
    ("GENERATED.md", "GENERATED.md.j2"),
)


def repo_root() -> Path:
    """The repository this package lives in (tools/codegen -> ..), else the current directory."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


def environment(templates: Path | None = None) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates or TEMPLATES)),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


def render_files(cfg: IdServiceConfig | None = None, templates: Path | None = None) -> dict[str, str]:
    """Every output's text, rendered in memory: ``{"IdService.js": "...", ...}``."""
    cfg = cfg or load_config()
    env = environment(templates)
    context = {"cfg": cfg, "config_source": cfg.source, "outputs": OUTPUTS,
               "config_json": json.dumps(cfg.to_js(), indent=2, ensure_ascii=False)}
    return {name: env.get_template(template).render(context) for name, template in OUTPUTS}


def render_all(check: bool = False, root: Path | None = None,
               cfg: IdServiceConfig | None = None, templates: Path | None = None) -> list[str]:
    """Render into ``<root>/gas_src``; return the names that differ (``check``: write nothing)."""
    out_dir = (root or repo_root()) / "gas_src"
    rendered = render_files(cfg, templates)
    changed = [name for name, text in rendered.items() if _read(out_dir / name) != text]
    stray = sorted(p.name for p in out_dir.iterdir() if p.is_file() and p.name not in rendered) \
        if out_dir.is_dir() else []
    if not check:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in changed:
            (out_dir / name).write_text(rendered[name], encoding="utf-8")
    return sorted(changed) + stray


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
