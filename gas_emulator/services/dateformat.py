"""Java ``SimpleDateFormat`` formatting for ``Utilities.formatDate`` (spec 4.1 [DOC]: "the format follows
Java SimpleDateFormat"), in English (Locale.US), as the reference describes:
docs.oracle.com/javase/8/docs/api/java/text/SimpleDateFormat.html

Letters: G y Y M L w W D d F E u a H k K h m s S z Z X. Repeated letters choose width or text form as in
Java: numbers are zero-padded to the count (``yy`` truncates the year to two digits); ``MMM`` is
``Jan``, ``MMMM`` ``January``; ``E``..``EEE`` ``Tue``, ``EEEE`` ``Tuesday``; ``z`` ``EST``, ``zzzz``
``Eastern Standard Time``; ``Z`` ``-0500``; ``X`` ``-05``, ``XX`` ``-0500``, ``XXX`` ``-05:00`` (``Z``
for zero). Text inside single quotes is literal and ``''`` is one quote; any other ASCII letter is an
error, as in Java. Weeks (``w``, ``W``, ``Y``) follow Locale.US rules: weeks start on Sunday and week 1
is the one containing January 1.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..errors import InvalidDatePattern
from .timezones import JavaZone, long_name, offset_minutes, short_name

PATTERN_LETTERS = "GyYMLwWDdFEuaHkKhmsSzZX"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Token = tuple[str, int] | str  # (letter, count) or literal text


def tokenize(pattern: str) -> list[Token]:
    """Split a pattern into fields and literal text, with Java's errors for bad patterns."""
    tokens: list[Token] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "'":
            text, i = _quoted(pattern, i)
            tokens.append(text)
        elif c.isascii() and c.isalpha():
            if c not in PATTERN_LETTERS:
                raise InvalidDatePattern(f"Illegal pattern character '{c}'")
            j = i
            while j < n and pattern[j] == c:
                j += 1
            if c == "X" and j - i > 3:
                raise InvalidDatePattern(f"invalid ISO 8601 format: length={j - i}")
            tokens.append((c, j - i))
            i = j
        else:
            tokens.append(c)
            i += 1
    return tokens


def _quoted(pattern: str, i: int) -> tuple[str, int]:
    """Read quoted text starting at ``pattern[i] == "'"``; return it and the index after it."""
    if pattern.startswith("''", i):
        return "'", i + 2
    out: list[str] = []
    j = i + 1
    while j < len(pattern):
        if pattern[j] == "'":
            if pattern.startswith("''", j):
                out.append("'")
                j += 2
                continue
            return "".join(out), j + 1
        out.append(pattern[j])
        j += 1
    raise InvalidDatePattern("Unterminated quote")


def format_date(instant: datetime, zone: JavaZone, pattern: str) -> str:
    """``instant`` (aware) shown in ``zone`` with the SimpleDateFormat ``pattern``."""
    local = instant.astimezone(zone.tz)
    out: list[str] = []
    for token in tokenize(pattern):
        out.append(token if isinstance(token, str) else _field(token[0], token[1], local, zone))
    return "".join(out)


def _num(value: int, count: int) -> str:
    return str(value).zfill(count)


def _field(letter: str, count: int, d: datetime, zone: JavaZone) -> str:
    simple = _SIMPLE_NUMBERS.get(letter)
    if simple is not None:
        return _num(simple(d), count)
    if letter in "yY":
        year = d.year if letter == "y" else us_week(d.date())[0]
        return _num(year % 100, 2) if count == 2 else _num(year, count)
    if letter in "ML":
        if count >= 3:
            name = MONTHS[d.month - 1]
            return name if count >= 4 else name[:3]
        return _num(d.month, count)
    if letter == "E":
        name = DAYS[d.weekday()]
        return name if count >= 4 else name[:3]
    if letter == "G":
        return "AD"
    if letter == "a":
        return "AM" if d.hour < 12 else "PM"
    return _zone_field(letter, count, d, zone)


def _zone_field(letter: str, count: int, d: datetime, zone: JavaZone) -> str:
    if letter == "z":
        return long_name(zone, d) if count >= 4 else short_name(zone, d)
    minutes = offset_minutes(d.utcoffset())  # truncated toward zero, as Java
    sign = "-" if minutes < 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    if letter == "Z":
        return f"{sign}{hh:02d}{mm:02d}"
    if minutes == 0:  # letter X: ISO 8601 writes zero as "Z"
        return "Z"
    if count == 1:
        return f"{sign}{hh:02d}"
    return f"{sign}{hh:02d}{mm:02d}" if count == 2 else f"{sign}{hh:02d}:{mm:02d}"


def us_week(d: date) -> tuple[int, int]:
    """(week year, week of year) with Locale.US rules: Sunday first, week 1 contains January 1."""
    start = d - timedelta(days=(d.weekday() + 1) % 7)  # the Sunday starting d's week
    if (date(d.year + 1, 1, 1) - start).days <= 6:
        return d.year + 1, 1
    jan1 = date(d.year, 1, 1)
    first = jan1 - timedelta(days=(jan1.weekday() + 1) % 7)
    return d.year, (start - first).days // 7 + 1


def _week_of_month(d: datetime) -> int:
    first_offset = (d.replace(day=1).weekday() + 1) % 7  # Sunday = 0
    return (d.day - 1 + first_offset) // 7 + 1


_SIMPLE_NUMBERS = {
    "d": lambda d: d.day,
    "D": lambda d: d.timetuple().tm_yday,
    "F": lambda d: (d.day - 1) // 7 + 1,
    "u": lambda d: d.isoweekday(),
    "w": lambda d: us_week(d.date())[1],
    "W": _week_of_month,
    "H": lambda d: d.hour,
    "k": lambda d: d.hour or 24,
    "K": lambda d: d.hour % 12,
    "h": lambda d: d.hour % 12 or 12,
    "m": lambda d: d.minute,
    "s": lambda d: d.second,
    "S": lambda d: d.microsecond // 1000,
}
