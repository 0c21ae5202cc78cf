"""Loopback checks shared by the fake API server (which only binds loopback) and gasctl (which
talks to a loopback fake without credentials)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and any loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str | None) -> bool:
    return bool(url) and is_loopback_host(urlsplit(url).hostname or "")
