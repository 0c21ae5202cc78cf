"""Java ``SimpleDateFormat.parse`` (lenient, Locale.US) for ``Utilities.parseDate`` (spec 4.1 [DOC]).

Rules taken from docs.oracle.com/javase/8/docs/api/java/text/SimpleDateFormat.html:

* Missing fields default to 1970-01-01 00:00:00.000 in the given time zone.
* Lenient, as a default ``SimpleDateFormat``: out-of-range values roll over (``2026-02-30`` is March 2).
* A numeric field followed directly by another numeric field reads exactly ``count`` digits
  ("abutting fields"); otherwise it reads every digit there.
* ``yy`` (or ``y``) given exactly two digits lands within 80 years before and 20 years after now
  (``now`` is the emulator's clock); any other year text is taken literally.
* Text after the pattern is ignored, as ``DateFormat.parse(String)`` does.
* Day-of-week and week fields (E u w W F Y) are read and checked for shape but do not move the date.
* Zones in the text (z, Z, X): ``GMT+hh:mm``, ``+hhmm``, ``-hh:mm``, ``Z`` or an abbreviation of
  ``timezones.PARSE_ABBREVIATIONS``; they override the ``timeZone`` argument, as in Java.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from ..errors import UnparseableDate
from .dateformat import DAYS, MONTHS, tokenize
from .timezones import PARSE_ABBREVIATIONS, JavaZone

_NUMERIC = set("yYdDFuwWHkKhmsS")
_OFFSET = re.compile(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?")


@dataclass
class _Fields:
    year: int = 1970
    month: int = 1
    day: int = 1
    day_of_year: int | None = None
    hour: int = 0
    hour12: int | None = None  # from h or K
    pm: bool | None = None
    minute: int = 0
    second: int = 0
    millis: int = 0
    offset_min: int | None = None


def parse_date(text: str, zone: JavaZone, pattern: str, now: datetime) -> datetime:
    """Parse ``text`` with ``pattern``; return the instant as an aware UTC ``datetime``."""
    tokens = tokenize(pattern)
    fields = _Fields()
    pos = 0
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            if not text.startswith(token, pos):
                raise UnparseableDate(text)
            pos += len(token)
            continue
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        abutting = isinstance(nxt, tuple) and _is_numeric(*nxt)
        pos = _read_field(text, pos, token, abutting, fields, now)
    return _compose(fields, zone, text)


def _is_numeric(letter: str, count: int) -> bool:
    return letter in _NUMERIC or (letter in "ML" and count < 3)


def _read_field(text: str, pos: int, token: tuple[str, int], abutting: bool, f: _Fields,
                now: datetime) -> int:
    letter, count = token
    if _is_numeric(letter, count):
        value, end = _read_number(text, pos, count if abutting else None)
        _set_number(f, letter, count, value, end - pos, now)
        return end
    if letter in "ML":
        f.month, end = _read_name(text, pos, MONTHS)
        return end
    if letter == "E":
        return _read_name(text, pos, DAYS)[1]
    if letter == "a":
        index, end = _read_choice(text, pos, ("AM", "PM"))
        f.pm = index == 1
        return end
    if letter == "G":
        return _read_choice(text, pos, ("AD",))[1]
    f.offset_min, end = _read_zone(text, pos)
    return end


def _read_number(text: str, pos: int, width: int | None) -> tuple[int, int]:
    end = pos
    limit = len(text) if width is None else min(len(text), pos + width)
    while end < limit and text[end].isdigit():
        end += 1
    if end == pos:
        raise UnparseableDate(text)
    return int(text[pos:end]), end


def _set_number(f: _Fields, letter: str, count: int, value: int, digits: int, now: datetime) -> None:
    if letter == "y":
        f.year = _two_digit_year(value, now) if count <= 2 and digits == 2 else value
    elif letter in "ML":
        f.month = value
    elif letter == "d":
        f.day = value
    elif letter == "D":
        f.day_of_year = value
    elif letter in "Hk":
        f.hour = 0 if letter == "k" and value == 24 else value
    elif letter in "hK":
        f.hour12 = 0 if letter == "h" and value == 12 else value
    elif letter == "m":
        f.minute = value
    elif letter == "s":
        f.second = value
    elif letter == "S":
        f.millis = value
    # Y w W F u: read for shape only (see module docstring)


def _two_digit_year(value: int, now: datetime) -> int:
    start = now.year - 80  # Java's default century start: 80 years before now
    year = start - start % 100 + value
    return year + 100 if year < start else year


def _read_name(text: str, pos: int, names: tuple[str, ...]) -> tuple[int, int]:
    """Match a full or three-letter English name (case-insensitive); return (1-based index, end)."""
    lowered = text[pos:].lower()
    for candidates in (names, tuple(n[:3] for n in names)):
        for index, name in enumerate(candidates):
            if lowered.startswith(name.lower()):
                return index + 1, pos + len(name)
    raise UnparseableDate(text)


def _read_choice(text: str, pos: int, choices: tuple[str, ...]) -> tuple[int, int]:
    lowered = text[pos:].lower()
    for index, choice in enumerate(choices):
        if lowered.startswith(choice.lower()):
            return index, pos + len(choice)
    raise UnparseableDate(text)


def _read_zone(text: str, pos: int) -> tuple[int, int]:
    m = _OFFSET.match(text, pos)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        return (-minutes if m.group(1) == "-" else minutes), m.end()
    for abbr in sorted(PARSE_ABBREVIATIONS, key=len, reverse=True):
        if text.startswith(abbr, pos):
            return PARSE_ABBREVIATIONS[abbr], pos + len(abbr)
    raise UnparseableDate(text)


def _compose(f: _Fields, zone: JavaZone, text: str) -> datetime:
    """Lenient composition: every field is added as an offset, so overflow rolls over."""
    hour = f.hour
    if f.hour12 is not None or f.pm is not None:
        hour = (f.hour12 if f.hour12 is not None else f.hour % 12) + (12 if f.pm else 0)
    year = f.year + (f.month - 1) // 12
    month = (f.month - 1) % 12 + 1
    try:
        if f.day_of_year is not None:
            base = datetime(year, 1, 1) + timedelta(days=f.day_of_year - 1)
        else:
            base = datetime(year, month, 1) + timedelta(days=f.day - 1)
        local = base + timedelta(hours=hour, minutes=f.minute, seconds=f.second, milliseconds=f.millis)
    except (OverflowError, ValueError) as exc:
        raise UnparseableDate(text) from exc
    if f.offset_min is not None:
        return local.replace(tzinfo=timezone(timedelta(minutes=f.offset_min))).astimezone(UTC)
    return local.replace(tzinfo=zone.tz).astimezone(UTC)
