"""clasp's file rules: `.clasp.json`, `.claspignore`, local file collection and the local <-> remote mapping.

Shared by gasctl (push/pull/status/diff) and the V8 runtime (``Project.from_directory``), so a clasp
project folder loads with exactly the names, types and order that clasp 3.3 pushes. Pure Python, no
network, no heavy imports: safe to import from a CLI's startup path.

Sources (spec = ../shared/spec/apps-script-api.md): §1.4 (files), §1.5 (push order), §1.6 (mapping);
google/clasp ``src/core/clasp.ts`` and ``src/core/files.ts`` (v3.3.0).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# the glob rules live in clasp_glob; glob_match is re-exported for existing callers
from gas_emulator.clasp_glob import compile_glob, is_ignored
from gas_emulator.clasp_glob import glob_match as glob_match

CONFIG_FILE_NAME = ".clasp.json"
IGNORE_FILE_NAME = ".claspignore"
MANIFEST_NAME = "appsscript"

# clasp src/core/clasp.ts DEFAULT_CLASP_IGNORE (spec §1.4): used when no .claspignore exists.
DEFAULT_IGNORE_PATTERNS: tuple[str, ...] = (
    "**/**",
    "!**/appsscript.json",
    "!**/*.gs",
    "!**/*.js",
    "!**/*.ts",
    "!**/*.html",
    ".git/**",
    "node_modules/**",
)
# clasp readFileExtensions defaults (spec §1.4 table).
DEFAULT_SCRIPT_EXTENSIONS = (".js", ".gs")
DEFAULT_HTML_EXTENSIONS = (".html",)
DEFAULT_JSON_EXTENSIONS = (".json",)


class ClaspFileError(Exception):
    """A clasp file (config, ignore file, project file or remote name) is unusable; names the file."""

    def __init__(self, file: str | os.PathLike[str], problem: str) -> None:
        self.file = str(file)
        self.problem = problem
        super().__init__(f"{self.file}: {problem}")


@dataclass
class ClaspConfig:
    """A loaded `.clasp.json`. ``root_dir`` is absolute (clasp's "content dir")."""

    project_root: Path
    script_id: str
    root_dir: Path
    file_push_order: list[str] = field(default_factory=list)
    script_extensions: list[str] = field(default_factory=lambda: list(DEFAULT_SCRIPT_EXTENSIONS))
    html_extensions: list[str] = field(default_factory=lambda: list(DEFAULT_HTML_EXTENSIONS))
    json_extensions: list[str] = field(default_factory=lambda: list(DEFAULT_JSON_EXTENSIONS))
    skip_subdirectories: bool = False
    project_id: str | None = None
    parent_id: str | None = None
    raw: dict = field(default_factory=dict)
    config_path: Path | None = None
    ignore_file: Path | None = None  # clasp -I/--ignore; default: <project root>/.claspignore

    def extension_for(self, file_type: str) -> str:
        """First configured extension for a remote type (what pull writes; clasp getFileExtension)."""
        table = {"SERVER_JS": (self.script_extensions, ".js"), "HTML": (self.html_extensions, ".html"),
                 "JSON": (self.json_extensions, ".json")}
        if file_type not in table:
            raise ClaspFileError(self.config_path or self.project_root, f"Invalid file type: {file_type}")
        exts, default = table[file_type]
        return exts[0] if exts else default


@dataclass(frozen=True)
class LocalFile:
    """One local file that push would send: ``rel`` is rootDir-relative, ``name`` the remote name."""

    path: Path
    rel: str
    name: str
    type: str
    source: str


@dataclass
class Collected:
    files: list[LocalFile]
    ignored: list[str]


# --------------------------------------------------------------------------------------------- config


def _parse_json_file(path: Path) -> object:
    # clasp parses .clasp.json as JSON5 since 3.2.0 (src/core/clasp.ts), so comments, trailing commas and
    # unquoted keys are accepted here too.
    import json5  # lazy: only commands that read a project file need it

    text = read_regular_text(path, "utf-8-sig")
    try:
        try:
            # JSON is JSON5 (a subset, read the same), and the C parser reads a clasp file in
            # ~0.003 ms where json5's takes ~1.9 ms (measured; every command reads one or two);
            # json5 reads what JSON does not (comments, trailing commas) and words the errors
            return json.loads(text)
        except ValueError:
            return json5.loads(text)
    except ValueError as err:  # json5 says "<string>:LINE MESSAGE at column COL"
        where = re.fullmatch(r"<string>:(\d+) (.*) at column (\d+)", str(err), re.DOTALL)
        text = f"{where[2]} at line {where[1]} column {where[3]}" if where else str(err)
        raise ClaspFileError(path, f"invalid JSON: {text}") from None
    except RecursionError:
        raise ClaspFileError(path, "invalid JSON: nested too deeply") from None


def read_regular_text(path: Path, encoding: str = "utf-8") -> str:
    """A regular file's text; ClaspFileError for a missing file, a FIFO or device (reading one could block
    forever), a dangling link or undecodable bytes."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        problem = "file not found"
        if os.path.islink(path):
            problem = f"is a symbolic link to {os.readlink(path)}, which does not exist"
        raise ClaspFileError(path, problem) from None
    except OSError as err:
        raise ClaspFileError(path, f"cannot be read ({err.strerror or err})") from None
    if not stat.S_ISREG(mode):
        raise ClaspFileError(path, f"is not a regular file ({_file_kind(mode)}); refusing to read it")
    try:
        data = path.read_bytes()
        if encoding == "utf-8-replace":  # Node's Buffer.toString(): invalid bytes replaced
            return data.decode("utf-8", errors="replace")
        return data.decode(encoding)
    except (OSError, UnicodeDecodeError) as err:
        raise ClaspFileError(path, f"cannot be read ({err})") from None


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def _string_list(path: Path, key: str, value: object) -> list[str]:
    # clasp ensureStringArray: a string or an array of strings.
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ClaspFileError(path, f'"{key}" must be a string or a list of strings')


def _extensions(path: Path, raw: dict, key: str, defaults: tuple[str, ...]) -> list[str]:
    values = list(defaults)
    if key == "scriptExtensions" and raw.get("fileExtension"):
        values = _string_list(path, "fileExtension", raw["fileExtension"])  # legacy v2 setting
    if raw.get(key):
        values = _string_list(path, key, raw[key])
    fixed = []
    for ext in values:  # clasp fixupExtension: lower-case, trimmed, dot-prefixed
        ext = ext.lower().strip()
        fixed.append(ext if ext.startswith(".") else f".{ext}")
    return fixed


def _is_inside(root: Path, candidate: Path) -> bool:
    return candidate == root or root in candidate.parents


def _content_dir(path: Path, project_root: Path, raw: dict) -> Path:
    # clasp v3: srcDir wins over rootDir; default "."; must not resolve outside the project root.
    value = raw.get("srcDir") or raw.get("rootDir") or "."
    key = "srcDir" if raw.get("srcDir") else "rootDir"
    if not isinstance(value, str):
        raise ClaspFileError(path, f'"{key}" must be a string')
    resolved = Path(os.path.realpath(project_root / value))
    if not _is_inside(Path(os.path.realpath(project_root)), resolved):
        raise ClaspFileError(path, f'{key} "{value}" escapes the project root {project_root}')
    return resolved


def _optional_str(path: Path, raw: dict, key: str) -> str | None:
    value = raw.get(key)
    if isinstance(value, list):  # parentId may be an array; clasp uses the first element
        value = value[0] if value else None
    if value is not None and not isinstance(value, str):
        raise ClaspFileError(path, f'"{key}" must be a string')
    return value


def load_clasp_config(path: Path) -> ClaspConfig:
    """Load and validate a `.clasp.json` (or a directory holding one). Raises ClaspFileError."""
    path = Path(path)
    if path.is_dir():
        path = path / CONFIG_FILE_NAME
    raw = _parse_json_file(path)
    if not isinstance(raw, dict):
        raise ClaspFileError(path, "must contain a JSON object")
    script_id = raw.get("scriptId", "")
    if not isinstance(script_id, str):
        raise ClaspFileError(path, '"scriptId" must be a string')
    push_order = raw.get("filePushOrder") or []
    if not isinstance(push_order, list) or not all(isinstance(p, str) for p in push_order):
        raise ClaspFileError(path, '"filePushOrder" must be a list of strings')
    skip = raw.get("skipSubdirectories", False)
    if not isinstance(skip, bool):
        raise ClaspFileError(path, '"skipSubdirectories" must be true or false')
    project_root = path.parent.resolve()
    return ClaspConfig(
        project_root=project_root,
        script_id=script_id,
        root_dir=_content_dir(path, project_root, raw),
        file_push_order=list(push_order),
        script_extensions=_extensions(path, raw, "scriptExtensions", DEFAULT_SCRIPT_EXTENSIONS),
        html_extensions=_extensions(path, raw, "htmlExtensions", DEFAULT_HTML_EXTENSIONS),
        json_extensions=_extensions(path, raw, "jsonExtensions", DEFAULT_JSON_EXTENSIONS),
        skip_subdirectories=skip,
        project_id=_optional_str(path, raw, "projectId"),
        parent_id=_optional_str(path, raw, "parentId"),
        raw=raw,
        config_path=path.resolve(),
    )


def find_clasp_config(start: Path) -> Path | None:
    """Walk up from ``start`` to the first directory holding `.clasp.json` (clasp uses find-up)."""
    current = Path(start).resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        candidate = directory / CONFIG_FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def default_project(cwd: Path) -> tuple[Path | None, Path | None]:
    """(project directory, the .clasp.json naming it) when no folder was given: the ``rootDir`` of
    the nearest .clasp.json, else ``cwd`` itself when it holds appsscript.json (a project written by
    hand), else (None, None). Raises ClaspFileError for a .clasp.json that cannot be read."""
    found = find_clasp_config(cwd)
    if found is not None:
        return load_clasp_config(found).root_dir, found
    if (cwd / f"{MANIFEST_NAME}.json").is_file():
        return cwd, None
    return None, None


# --------------------------------------------------------------------------------------------- ignore


def read_ignore_patterns(path: Path | None) -> list[str]:
    """Patterns of a `.claspignore`; the default list when ``path`` is None or absent (spec §1.4)."""
    if path is None or not os.path.lexists(path):
        return list(DEFAULT_IGNORE_PATTERNS)
    text = read_regular_text(Path(path))
    text = text.removeprefix("\ufeff")  # clasp strip-bom
    # clasp: split-lines, drop empty lines; no comment handling, no trimming.
    patterns = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if not line:
            continue
        try:
            compile_glob(line.removeprefix("!"))
        except re.error as err:
            raise ClaspFileError(path, f'line {number}: invalid glob pattern "{line}" ({err.msg})') from None
        patterns.append(line)
    return patterns


# --------------------------------------------------------------------------------------------- collect

@lru_cache(maxsize=1)
def _collator():
    # clasp sorts with String.prototype.localeCompare (ICU root collation in Node); the Unicode
    # Collation Algorithm with its default table (pyuca) orders file names as Node did when compared
    # side by side (issue 15: accented names no longer sort after "z").
    import pyuca  # lazy: the table loads in ~0.1 s, only when files are collected

    return pyuca.Collator()


def _collation_key(text: str) -> tuple:
    return _collator().sort_key(text)


def locale_sorted(paths: Iterable[str]) -> list[str]:
    """Sort like clasp's ``a.localeCompare(b)`` for ordinary file paths."""
    return sorted(paths, key=_collation_key)


def file_type_for(config: ClaspConfig, rel: str) -> str | None:
    """clasp getFileType: SERVER_JS / HTML by extension; JSON only for ``appsscript.<ext>``; else None."""
    base = posixpath.basename(rel)
    stem, ext = posixpath.splitext(base)
    ext = ext.lower()
    if ext in config.script_extensions:
        return "SERVER_JS"
    if ext in config.html_extensions:
        return "HTML"
    if ext in config.json_extensions and stem == MANIFEST_NAME:
        return "JSON"
    return None


def remote_name_for(rel: str, file_type: str) -> str:
    """Remote name: rootDir-relative path minus its last extension, '/' separators (spec §1.6)."""
    if file_type == "JSON":
        return MANIFEST_NAME  # clasp: the manifest has a fixed remote path
    directory, base = posixpath.split(rel)
    stem = posixpath.splitext(base)[0]
    return f"{directory}/{stem}" if directory else stem


def _walk(root: Path, recursive: bool) -> list[str]:
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(directory).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else f"{rel_dir}/"
        found.extend(prefix + name for name in filenames)
        if not recursive:
            dirnames.clear()
    return found


def _push_rank(config: ClaspConfig, local: LocalFile) -> tuple:
    # clasp push.ts: filePushOrder holds paths relative to the project root (cwd), compared exactly.
    order = [posixpath.normpath(p.replace("\\", "/")) for p in config.file_push_order]
    project_rel = Path(os.path.relpath(local.path, config.project_root)).as_posix()
    if project_rel in order:
        return (0, order.index(project_rel), ())
    return (1, 0, _collation_key(project_rel))


def _check_conflicts(files: list[LocalFile], where: Path) -> None:
    seen: dict[tuple[str, str], LocalFile] = {}
    for local in files:
        key = (local.name, "SERVER_JS" if local.type == "SERVER_JS" else local.type)
        other = seen.get(key)
        if other is not None:
            # clasp 3.3.0 (#1120): "Conflicting files found"; nothing is pushed.
            raise ClaspFileError(where, f"Conflicting files found: {other.rel} and {local.rel} "
                                        f"would both be pushed as {local.type} file \"{local.name}\"")
        seen[key] = local


def _read_source(config: ClaspConfig, path: Path) -> str:
    """A file push would send. A link may point anywhere inside the project, never outside it: what it
    points to would be uploaded (issue 15: a secret outside the project reached the remote)."""
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not _is_inside(Path(os.path.realpath(config.project_root)), target) and target.exists():
            raise ClaspFileError(path, f"is a symbolic link to {target}, outside the project "
                                       f"{config.project_root}; refusing to push it (copy the file into "
                                       "the project, or add the link to .claspignore)")
    # Node's Buffer.toString(): UTF-8, invalid bytes replaced, BOM and newlines kept as they are.
    return read_regular_text(path, "utf-8-replace")


def collect_local_files(config: ClaspConfig, ignore_file: Path | None = None) -> Collected:
    """Files push would send, in clasp push order, plus the rootDir-relative paths left out."""
    if not config.root_dir.is_dir():
        raise ClaspFileError(config.config_path or config.project_root,
                             f"rootDir {config.root_dir} does not exist or is not a directory")
    ignore_path = ignore_file or config.ignore_file or config.project_root / IGNORE_FILE_NAME
    patterns = read_ignore_patterns(ignore_path)
    files: list[LocalFile] = []
    ignored: list[str] = []
    for rel in locale_sorted(_walk(config.root_dir, not config.skip_subdirectories)):
        file_type = None if is_ignored(rel, patterns) else file_type_for(config, rel)
        if file_type is None:
            ignored.append(rel)
            continue
        path = config.root_dir / rel
        source = _read_source(config, path)
        files.append(LocalFile(path, rel, remote_name_for(rel, file_type), file_type, source))
    _check_conflicts(files, config.root_dir)
    files.sort(key=lambda local: _push_rank(config, local))
    return Collected(files=files, ignored=ignored)


# --------------------------------------------------------------------------------------------- pull


def check_remote_name(name: str) -> None:
    """Refuse a remote file name that could write outside rootDir (clasp HEAD refuses ``../``)."""
    problem = None
    if not name or "\x00" in name:
        problem = "is empty or contains a NUL byte"
    elif name.startswith("/") or "\\" in name or re.match(r"^[A-Za-z]:", name):
        problem = "is an absolute path or uses backslashes"
    elif any(part in ("", ".", "..") for part in name.split("/")):
        problem = "has an empty, '.' or '..' path segment"
    if problem:
        raise ClaspFileError(name, f"remote file name {problem}; refusing to write it outside rootDir")


def local_path_for(config: ClaspConfig, name: str, type: str) -> Path:
    """Where pull writes remote ``name`` of ``type``: ``<rootDir>/<name><first ext>`` (spec §1.6)."""
    check_remote_name(name)
    target = config.root_dir / f"{name}{config.extension_for(type)}"
    resolved_parent = Path(os.path.realpath(target.parent))
    if not _is_inside(Path(os.path.realpath(config.root_dir)), resolved_parent):
        raise ClaspFileError(name, "remote file name resolves outside rootDir; refusing to write it")
    return target
