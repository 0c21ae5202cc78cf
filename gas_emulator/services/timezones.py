"""Time zone ids as Apps Script (Java's ``TimeZone.getTimeZone``) reads them, and their display names.

Accepted ids (spec 4.1/4.3 [DOC]: "a TZ id such as GMT or America/New_York"; the script time zone
may be an offset such as ``GMT+4:00``):

* IANA ids through ``zoneinfo`` (the ``tzdata`` dependency ships the database);
* Java custom ids ``GMT+H``, ``GMT+HH``, ``GMT+H:MM``, ``GMT+HH:MM``, ``GMT+HHMM`` (hours <= 23);
* Java's legacy three-letter ids (``PST``, ``JST``, ``IST`` ...; java.time.ZoneId.SHORT_IDS).

Anything else is GMT, as in Java: "the specified TimeZone, or the GMT zone if the given ID cannot be
understood" (docs.oracle.com/javase/8/docs/api/java/util/TimeZone.html#getTimeZone-java.lang.String-).

Names (patterns ``z`` and ``zzzz``) are Java's ``TimeZone.getDisplayName`` in Locale.US: CLDR's
names through Babel, and Java's own where they differ (``zone_name``); a differential test checks
them against ``java.text.SimpleDateFormat`` (tests/fixtures/java).
"""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from importlib import resources
from zoneinfo import ZoneInfo

import babel.dates

GMT = timezone(timedelta(0), "GMT")
#: Java's zone names where they differ from Babel's (generated: tests/fixtures/java/regenerate.py).
JAVA_NAMES_FILE = "java_zone_names.json"

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
    """Java's normalized custom id: ``GMT+04:00`` / ``GMT-05:30`` (sub-minute offsets truncated)."""
    total = offset_minutes(offset)
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"GMT{sign}{hours:02d}:{minutes:02d}"


def offset_minutes(offset: timedelta | None) -> int:
    """Whole minutes of a UTC offset, truncated toward zero as Java's integer division does
    (Africa/Monrovia's -0:44:30 until 1972 is -44, printed ``-0044``)."""
    return int((offset or timedelta(0)).total_seconds() / 60)


def short_name(zone: JavaZone, local: datetime) -> str:
    """Pattern ``z``: Java's short name for the zone, standard or daylight (``EST``, ``GST``)."""
    return zone_name(zone, local, long=False)


def long_name(zone: JavaZone, local: datetime) -> str:
    """Pattern ``zzzz``: Java's long name (``Eastern Standard Time``, ``Gulf Standard Time``)."""
    return zone_name(zone, local, long=True)


def zone_name(zone: JavaZone, local: datetime, *, long: bool) -> str:
    """``TimeZone.getDisplayName(daylight, SHORT or LONG, Locale.US)``, as SimpleDateFormat prints it.

    Java's name depends only on the zone id and on whether the instant is in daylight time (not on
    the instant's historical name). The names are CLDR's (Babel) except where Java says otherwise:
    java_zone_names.json holds, generated from a JDK (tests/fixtures/java/regenerate.py), exactly the
    names where Java and Babel differ (Java's short names mostly come from its legacy table: GST, SGT).
    """
    if isinstance(zone.tz, timezone):  # a custom GMT+hh:mm zone is named by its id
        return zone.id
    daylight = java_daylight(local)
    field = ("l" if long else "s") + ("d" if daylight else "s")
    key = getattr(zone.tz, "key", zone.id)
    names = _java_names().get(zone.id) or _java_names().get(key) or {}
    return names.get(field) or _babel_name(key, long, daylight)


def java_daylight(local: datetime) -> bool:
    """Whether Java counts the instant as daylight time (its DST_OFFSET is not zero).

    Java reads the tz database in its "rearguard" form, where daylight saving is never negative;
    Python's zoneinfo may read the main form, where Europe/Dublin's winter and Africa/Casablanca's
    Ramadan are a negative DST from a summer "standard" time. Where a zone has a negative DST within
    two years of the instant, Java's standard time is the lowest offset of those years and anything
    above it is daylight (measured against JDK 17: Dublin's all-year +01:00 of 1970 is "IST").
    """
    dst = local.dst()
    if dst is None or dst < timedelta(0):
        return False
    if dst > timedelta(0):
        return True
    key = getattr(local.tzinfo, "key", None)
    lowest = _lowest_offset_if_negative_dst(key, local.year, local.month) if key else None
    return lowest is not None and (local.utcoffset() or timedelta(0)) > lowest


@functools.cache
def _lowest_offset_if_negative_dst(key: str, year: int, month: int) -> timedelta | None:
    """The lowest UTC offset of ``key`` within two years of that month, if it has a negative DST then."""
    tz = ZoneInfo(key)
    middle = datetime(year, month, 15, tzinfo=UTC)
    samples = [(middle + timedelta(days=15 * step)).astimezone(tz) for step in range(-49, 50)]
    if not any((d.dst() or timedelta(0)) < timedelta(0) for d in samples):
        return None
    return min(d.utcoffset() or timedelta(0) for d in samples)


@functools.cache
def _java_names() -> dict[str, dict[str, str]]:
    return json.loads(resources.files(__package__).joinpath(JAVA_NAMES_FILE).read_text(encoding="utf-8"))


@functools.cache
def _babel_name(key: str, long: bool, daylight: bool) -> str:
    return babel.dates.get_timezone_name(ZoneInfo(key), width="long" if long else "short",
                                         zone_variant="daylight" if daylight else "standard",
                                         locale="en_US")


# Abbreviations parseDate understands for ``z`` (fixed offsets, in minutes east of UTC).
PARSE_ABBREVIATIONS = {
    "GMT": 0, "UTC": 0, "UT": 0, "Z": 0,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
    "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "IST": 330, "JST": 540, "KST": 540,
}
