"""IdService's configuration: load ``idservice.toml``, validate it, hand it to both forms.

The Python reference (``gas_emulator.reference``) reads :class:`IdServiceConfig`; the templates get
:meth:`IdServiceConfig.to_js` rendered as a JavaScript object literal. Both come from this one file,
so a number cannot differ between the two forms.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

#: The configuration shipped beside the templates.
DEFAULT_CONFIG_NAME = "idservice.toml"

# developers.google.com/apps-script/manifest/web-app-api-executable: the access values
_ACCESS = ("MYSELF", "DOMAIN", "ANYONE", "ANYONE_ANONYMOUS")
_TYPE_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,15}$")


class ConfigError(ValueError):
    """The configuration file is missing a field or has a bad value (the message names both)."""


@dataclass(frozen=True)
class IdType:
    name: str
    prefix: str
    width: int
    start: int
    blocks: bool = False


@dataclass(frozen=True)
class ServiceSettings:
    key_prefix: str
    time_zone: str
    request_key_window_ms: int
    max_request_key_length: int
    max_batch: int
    reservation_lease_ms: int
    storage_attempts: int
    metrics_window: int


@dataclass(frozen=True)
class LockSettings:
    timeout_ms: int
    max_attempts: int
    base_delay_ms: int
    backoff: float
    jitter_ms: int


@dataclass(frozen=True)
class BreakerSettings:
    failure_threshold: int
    recovery_timeout_ms: int


@dataclass(frozen=True)
class CacheSettings:
    ttl_s: int
    block_size: int
    quota_snapshot_every: int


@dataclass(frozen=True)
class QuotaSettings:
    daily_limit: int
    window_ms: int
    prefer_blocks_pct: int
    refuse_low_pct: int
    high_only_pct: int


@dataclass(frozen=True)
class ManifestSettings:
    webapp_execute_as: str
    webapp_access: str
    execution_api_access: str


@dataclass(frozen=True)
class IdServiceConfig:
    service: ServiceSettings
    lock: LockSettings
    breaker: BreakerSettings
    cache: CacheSettings
    quota: QuotaSettings
    manifest: ManifestSettings
    types: dict[str, IdType] = field(default_factory=dict)
    source: str = DEFAULT_CONFIG_NAME

    def to_js(self) -> dict[str, Any]:
        """The configuration as the JavaScript sees it (camelCase keys, same values)."""
        out: dict[str, Any] = {}
        for section in ("service", "lock", "breaker", "cache", "quota"):
            out[section] = {_camel(k): v for k, v in asdict(getattr(self, section)).items()}
        out["types"] = {name: {_camel(k): v for k, v in asdict(t).items() if k != "name"}
                        for name, t in self.types.items()}
        return out

    def with_(self, **sections: Any) -> IdServiceConfig:
        """A copy with some sections' fields changed: ``cfg.with_(lock={"max_attempts": 2})``."""
        changes = {name: replace(getattr(self, name), **values) for name, values in sections.items()}
        return replace(self, **changes)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def default_config_path() -> Path:
    return Path(str(resources.files("gas_codegen") / DEFAULT_CONFIG_NAME))


def load_config(path: Path | str | None = None) -> IdServiceConfig:
    """Read and validate a configuration file (the shipped one by default)."""
    path = Path(path) if path is not None else default_config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    return parse_config(raw, source=path.name)


def parse_config(raw: dict[str, Any], source: str = "<dict>") -> IdServiceConfig:
    sections = {
        "service": ServiceSettings, "lock": LockSettings, "breaker": BreakerSettings,
        "cache": CacheSettings, "quota": QuotaSettings, "manifest": ManifestSettings,
    }
    built = {name: _section(raw, name, cls, source) for name, cls in sections.items()}
    types = _types(raw.get("types"), source)
    cfg = IdServiceConfig(types=types, source=source, **built)
    _check_ranges(cfg, source)
    return cfg


def _section(raw: dict, name: str, cls: type, source: str) -> Any:
    table = raw.get(name)
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: missing section [{name}]")
    values = {}
    for fname, ftype in cls.__annotations__.items():
        if fname not in table:
            raise ConfigError(f"{source}: [{name}] is missing {fname}")
        values[fname] = _typed(table[fname], ftype, f"[{name}] {fname}", source)
    unknown = sorted(set(table) - set(cls.__annotations__))
    if unknown:
        raise ConfigError(f"{source}: [{name}] has unknown settings: {', '.join(unknown)}")
    return cls(**values)


def _typed(value: Any, ftype: str, where: str, source: str) -> Any:
    if ftype == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{source}: {where} must be an integer, not {value!r}")
    if ftype == "float" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(f"{source}: {where} must be a number, not {value!r}")
    if ftype == "str" and not isinstance(value, str):
        raise ConfigError(f"{source}: {where} must be a string, not {value!r}")
    if ftype == "bool" and not isinstance(value, bool):
        raise ConfigError(f"{source}: {where} must be true or false, not {value!r}")
    return float(value) if ftype == "float" else value


def _types(table: Any, source: str) -> dict[str, IdType]:
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"{source}: at least one [types.NAME] section is needed")
    types = {}
    for name, spec in table.items():
        if not _TYPE_NAME.match(name):
            raise ConfigError(f"{source}: type name {name!r} must be 1-16 upper-case letters, digits or _ "
                              "starting with a letter")
        if not isinstance(spec, dict):
            raise ConfigError(f"{source}: [types.{name}] must be a table")
        unknown = sorted(set(spec) - {"prefix", "width", "start", "blocks"})
        if unknown:
            raise ConfigError(f"{source}: [types.{name}] has unknown settings: {', '.join(unknown)}")
        values = {f: _typed(spec.get(f), t, f"[types.{name}] {f}", source)
                  for f, t in (("prefix", "str"), ("width", "int"), ("start", "int"))}
        blocks = _typed(spec.get("blocks", False), "bool", f"[types.{name}] blocks", source)
        types[name] = IdType(name=name, blocks=blocks, **values)
    return types


def _check_ranges(cfg: IdServiceConfig, source: str) -> None:
    checks = [
        (cfg.lock.max_attempts >= 1, "[lock] max_attempts must be at least 1"),
        (cfg.lock.timeout_ms >= 0, "[lock] timeout_ms must not be negative"),
        (cfg.breaker.failure_threshold >= 1, "[breaker] failure_threshold must be at least 1"),
        (1 <= cfg.cache.ttl_s <= 21_600, "[cache] ttl_s must be 1..21600 (CacheService's range)"),
        (cfg.cache.block_size >= 1, "[cache] block_size must be at least 1"),
        (cfg.service.max_batch >= 1, "[service] max_batch must be at least 1"),
        (cfg.service.storage_attempts >= 1, "[service] storage_attempts must be at least 1"),
        (cfg.service.metrics_window >= 1, "[service] metrics_window must be at least 1"),
        (0 < cfg.quota.prefer_blocks_pct <= cfg.quota.refuse_low_pct <= cfg.quota.high_only_pct <= 100,
         "[quota] thresholds must rise: 0 < prefer_blocks_pct <= refuse_low_pct <= high_only_pct <= 100"),
    ]
    checks += [
        (cfg.manifest.webapp_execute_as in ("USER_DEPLOYING", "USER_ACCESSING"),
         "[manifest] webapp_execute_as must be USER_DEPLOYING or USER_ACCESSING"),
        (cfg.manifest.webapp_access in _ACCESS,
         f"[manifest] webapp_access must be one of {', '.join(_ACCESS)}"),
        (cfg.manifest.execution_api_access in _ACCESS,
         f"[manifest] execution_api_access must be one of {', '.join(_ACCESS)}"),
    ]
    for name, t in cfg.types.items():
        checks.append((1 <= t.width <= 15, f"[types.{name}] width must be 1..15"))
        checks.append((0 <= t.start < 10 ** t.width, f"[types.{name}] start must fit in {t.width} digits"))
    for ok, message in checks:
        if not ok:
            raise ConfigError(f"{source}: {message}")
