"""The IdService configuration as the Python reference reads it (the same file the templates render).

``default_config()`` loads ``tools/codegen/idservice.toml`` (package data of ``gas_codegen``) once.
"""

from __future__ import annotations

from functools import lru_cache

from gas_codegen.config import ConfigError, IdServiceConfig, IdType, load_config

__all__ = ["ConfigError", "IdServiceConfig", "IdType", "default_config", "load_config"]


@lru_cache(maxsize=1)
def default_config() -> IdServiceConfig:
    """The shipped configuration (cached: it is immutable)."""
    return load_config()
