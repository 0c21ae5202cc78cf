"""Time zone ids as Apps Script (Java's ``TimeZone.getTimeZone``) reads them, and their display names.

Accepted ids (spec 4.1/4.3 [DOC]: "a TZ id such as GMT or America/New_York"; the script time zone
may be an offset such as ``GMT+4:00``):

* IANA ids through ``zoneinfo`` (the ``tzdata`` dependency ships the database);
* Java custom ids ``GMT+H``, ``GMT+HH``, ``GMT+H:MM``, ``GMT+HH:MM``, ``GMT+HHMM`` (hours <= 23);
* Java's legacy three-letter ids (``PST``, ``JST``, ``IST`` ...; java.time.ZoneId.SHORT_IDS).

Anything else is GMT, as in Java: "the specified TimeZone, or the GMT zone if the given ID cannot be
understood" (docs.oracle.com/javase/8/docs/api/java/util/TimeZone.html#getTimeZone-java.lang.String-).

Short names (pattern ``z``) are the tz database abbreviations; where the database only has a numeric
abbreviation (``+04``) Java's ``GMT+04:00`` form is used. Long names (``zzzz``) come from a small table
of common zones (Java/CLDR English names) with the same ``GMT+hh:mm`` fallback.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

GMT = timezone(timedelta(0), "GMT")

# java.time.ZoneId.SHORT_IDS (also honoured by java.util.TimeZone.getTimeZone)
_SHORT_IDS = {
    "ACT": "Australia/Darwin", "AET": "Australia/Sydney", "AGT": "America/Argentina/Buenos_Aires",
    "ART": "Africa/Cairo", "AST": "America/Anchorage", "BET": "America/Sao_Paulo", "BST": "Asia/Dhaka",
    "CAT": "Africa/Harare", "CNT": "America/St_Johns", "CST": "America/Chicago", "CTT": "Asia/Shanghai",
    "EAT": "Africa/Addis_Ababa", "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
    "NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix", "PRT": "America/Puerto_Rico",
    "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal", "VST": "Asia/Ho_Chi_Minh",
}

# Java (CLDR) English long names for the abbreviations of common zones.
_LONG_NAMES = {
    "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time", "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time", "AKDT": "Alaska Daylight Time", "HST": "Hawaii Standard Time",
    "GMT": "Greenwich Mean Time", "UTC": "Coordinated Universal Time", "BST": "British Summer Time",
    "CET": "Central European Standard Time", "CEST": "Central European Summer Time",
    "EET": "Eastern European Standard Time", "EEST": "Eastern European Summer Time",
    "JST": "Japan Standard Time", "KST": "Korean Standard Time",
}
# Abbreviations that mean something else in these zones.
_LONG_BY_ZONE = {
    ("Asia/Shanghai", "CST"): "China Standard Time", ("Asia/Taipei", "CST"): "Taipei Standard Time",
    ("Asia/Kolkata", "IST"): "India Standard Time", ("Europe/Dublin", "IST"): "Irish Standard Time",
    ("Asia/Jerusalem", "IST"): "Israel Standard Time",
}

_CUSTOM = re.compile(r"GMT([+-])(\d{1,2})(?::(\d{2}))?$|GMT([+-])(\d{2})(\d{2})$")


class JavaZone:
    """A resolved time zone: the tzinfo plus the id Java would report."""

    __slots__ = ("id", "tz")

    def __init__(self, zone_id: str, tz: tzinfo) -> None:
        self.id = zone_id
        self.tz = tz

    def __repr__(self) -> str:
        return f"JavaZone({self.id!r})"


def resolve_zone(zone_id: str) -> JavaZone:
    """``TimeZone.getTimeZone(zone_id)``: never fails; unknown ids are GMT (Java's rule)."""
    custom = _custom_offset(zone_id)
    if custom is not None:
        return custom
    key = _SHORT_IDS.get(zone_id, zone_id)
    try:
        return JavaZone(zone_id, ZoneInfo(key))
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; bad keys ValueError
        return JavaZone("GMT", GMT)


def _custom_offset(zone_id: str) -> JavaZone | None:
    m = _CUSTOM.match(zone_id)
    if m is None:
        return None
    groups = m.groups()
    sign, hh, mm = groups[:3] if groups[0] else groups[3:]
    hours, minutes = int(hh), int(mm or 0)
    if hours > 23 or minutes > 59:
        return JavaZone("GMT", GMT)
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
    name = gmt_offset_name(offset)
    return JavaZone(name, timezone(offset, name))


def gmt_offset_name(offset: timedelta) -> str:
    """Java's normalized custom id: ``GMT+04:00`` / ``GMT-05:30``."""
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"GMT{sign}{hours:02d}:{minutes:02d}"


def short_name(zone: JavaZone, local: datetime) -> str:
    """Pattern ``z``: the zone's abbreviation at that instant (``EST``, ``CEST``, ``GMT+04:00``)."""
    if isinstance(zone.tz, timezone):
        return zone.id
    abbr = local.tzname() or ""
    if not abbr or abbr[0] in "+-":
        return gmt_offset_name(local.utcoffset() or timedelta(0))
    return abbr


def long_name(zone: JavaZone, local: datetime) -> str:
    """Pattern ``zzzz``: ``Eastern Standard Time``; ``GMT+04:00`` when the table has no name."""
    abbr = short_name(zone, local)
    key = getattr(zone.tz, "key", zone.id)
    name = _LONG_BY_ZONE.get((key, abbr)) or _LONG_NAMES.get(abbr)
    return name or gmt_offset_name(local.utcoffset() or timedelta(0))


# Abbreviations parseDate understands for ``z`` (fixed offsets, in minutes east of UTC).
PARSE_ABBREVIATIONS = {
    "GMT": 0, "UTC": 0, "UT": 0, "Z": 0,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
    "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "IST": 330, "JST": 540, "KST": 540,
}
