"""Utilities: sleep, UUIDs, dates, sprintf, digests, HMAC and base64, as Apps Script's service.

API and behaviour: developers.google.com/apps-script/reference/utilities/utilities (spec 4.1).
Everything here is local computation (no service call, no modeled latency) except ``sleep``, which lets
virtual time pass through ``ex.pause`` (and so counts toward the 6-minute cap, spec 4.1/5).

Argument conventions (see ``jstypes``): strings are ``str``; Byte[] is a list of signed bytes (or
``bytes``); a Date is an aware ``datetime`` (the V8 runtime passes JS Dates as UTC ``datetime``) or
epoch milliseconds; enums are their names (``Utilities.DigestAlgorithm.SHA_256 == "SHA_256"``).
Wrong argument types raise ``ParametersMismatch`` (spec 4.1). Byte[] results are signed (-128..127).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from ..errors import AlgorithmNotAvailable, InvalidArgument, SleepTooLong
from . import jstypes
from .dateformat import format_date
from .dateparse import parse_date
from .jstypes import is_byte_array, is_date, is_number, mismatch, to_bytes, to_signed
from .sprintf import sprintf
from .timezones import resolve_zone

if TYPE_CHECKING:
    from ..execution import Execution


class _Enum:
    """An Apps Script enum: attributes whose values are their own names."""

    def __init__(self, name: str, members: tuple[str, ...]) -> None:
        self._name = name
        self._members = members
        for member in members:
            setattr(self, member, member)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self._members

    def __iter__(self):
        return iter(self._members)

    def __repr__(self) -> str:
        return f"<Utilities.{self._name}>"


# spec 4.1 [DOC]: the members of each enum
Charset = _Enum("Charset", ("US_ASCII", "UTF_8"))
DigestAlgorithm = _Enum("DigestAlgorithm", ("MD2", "MD5", "SHA_1", "SHA_256", "SHA_384", "SHA_512"))
MacAlgorithm = _Enum("MacAlgorithm", ("HMAC_MD5", "HMAC_SHA_1", "HMAC_SHA_256", "HMAC_SHA_384",
                                      "HMAC_SHA_512"))
RsaAlgorithm = _Enum("RsaAlgorithm", ("RSA_SHA_1", "RSA_SHA_256"))

_HASHES = {"MD5": "md5", "SHA_1": "sha1", "SHA_256": "sha256", "SHA_384": "sha384", "SHA_512": "sha512"}
_CODECS = {"US_ASCII": "ascii", "UTF_8": "utf-8"}
_MISSING = object()


class Utilities:
    Charset = Charset
    DigestAlgorithm = DigestAlgorithm
    MacAlgorithm = MacAlgorithm
    RsaAlgorithm = RsaAlgorithm

    def __init__(self, ex: Execution) -> None:
        self._ex = ex

    # ------------------------------------------------------------------ time
    def sleep(self, milliseconds) -> None:
        """Pause this execution in (virtual) time; at most ``settings.sleep_max_ms`` (spec 4.1)."""
        if not is_number(milliseconds):
            raise mismatch("Utilities.sleep", milliseconds)
        ms = int(milliseconds)  # Apps Script takes an Integer: fractions are dropped
        if ms < 0:  # unverified on GAS (spec 8 Q5): an emulator error, not a silent no-op
            raise InvalidArgument("milliseconds")
        if ms > self._ex.emulator.settings.sleep_max_ms:
            raise SleepTooLong()  # spec 4.1: the real text for > 300000 is unknown (errors.SleepTooLong)
        self._ex.pause(ms)  # raises Exceeded maximum execution time past the 6-minute cap
        return None

    def getUuid(self) -> str:
        """A version-4 UUID, lower-case 8-4-4-4-12 (spec 4.1), drawn from the execution's seeded rng."""
        return str(uuid.UUID(int=self._ex.rng.getrandbits(128), version=4))

    def formatDate(self, date, timeZone, format) -> str:
        if not (is_date(date) and isinstance(timeZone, str) and isinstance(format, str)):
            raise mismatch("Utilities.formatDate", date, timeZone, format)
        return format_date(jstypes.to_instant(date), resolve_zone(timeZone), format)

    def parseDate(self, date, timeZone, format) -> datetime:
        """The instant (aware UTC ``datetime``) that ``date`` denotes in ``timeZone``."""
        if not (isinstance(date, str) and isinstance(timeZone, str) and isinstance(format, str)):
            raise mismatch("Utilities.parseDate", date, timeZone, format)
        now = jstypes.from_epoch_ms(self._ex.now_ms())
        return parse_date(date, resolve_zone(timeZone), format, now)

    def formatString(self, template, *args) -> str:
        if not isinstance(template, str):
            raise mismatch("Utilities.formatString", template, *args)
        return sprintf(template, args)

    # ------------------------------------------------------------------ digests and signatures
    def computeDigest(self, algorithm, value, charset=_MISSING) -> list[int]:
        data = self._input_bytes("Utilities.computeDigest", value, self._digest_charset(charset), algorithm,
                                 value, given=_given(algorithm, value, charset))
        if algorithm not in DigestAlgorithm:
            raise mismatch("Utilities.computeDigest", *_given(algorithm, value, charset))
        if algorithm not in _HASHES:
            raise AlgorithmNotAvailable(algorithm)
        return to_signed(hashlib.new(_HASHES[algorithm], data).digest())

    def computeHmacSignature(self, algorithm, value, key, charset=_MISSING) -> list[int]:
        method = "Utilities.computeHmacSignature"
        if algorithm not in MacAlgorithm:
            raise mismatch(method, *_given(algorithm, value, key, charset))
        return self._hmac(method, _HASHES[algorithm[len("HMAC_"):]], value, key, charset, algorithm)

    def computeHmacSha256Signature(self, value, key, charset=_MISSING) -> list[int]:
        return self._hmac("Utilities.computeHmacSha256Signature", "sha256", value, key, charset)

    def _hmac(self, method: str, digest: str, value, key, charset, *lead) -> list[int]:
        given = (*lead, value, key, *(() if charset is _MISSING else (charset,)))
        both_strings = isinstance(value, str) and isinstance(key, str)
        both_bytes = is_byte_array(value) and is_byte_array(key) and charset is _MISSING
        if not (both_strings or both_bytes):
            raise mismatch(method, *given)
        if both_strings:
            codec = self._codec(method, self._digest_charset(charset), given)
            value_bytes, key_bytes = value.encode(codec, "replace"), key.encode(codec, "replace")
        else:
            value_bytes, key_bytes = to_bytes(value), to_bytes(key)
        return to_signed(hmac.new(key_bytes, value_bytes, digest).digest())

    # ------------------------------------------------------------------ base64
    def base64Encode(self, data, charset=_MISSING) -> str:
        raw = self._input_bytes("Utilities.base64Encode", data, charset, data)
        return base64.b64encode(raw).decode("ascii")

    def base64EncodeWebSafe(self, data, charset=_MISSING) -> str:
        raw = self._input_bytes("Utilities.base64EncodeWebSafe", data, charset, data)
        return base64.urlsafe_b64encode(raw).decode("ascii")

    def base64Decode(self, encoded, charset=_MISSING) -> list[int]:
        return self._decode("Utilities.base64Decode", encoded, charset, base64.b64decode)

    def base64DecodeWebSafe(self, encoded, charset=_MISSING) -> list[int]:
        return self._decode("Utilities.base64DecodeWebSafe", encoded, charset, base64.urlsafe_b64decode)

    def _decode(self, method: str, encoded, charset, decoder) -> list[int]:
        given = _given(encoded, charset)
        if not isinstance(encoded, str):
            raise mismatch(method, *given)
        self._codec(method, charset, given)
        try:
            return to_signed(decoder(encoded.encode("ascii") + b"=" * (-len(encoded) % 4)))
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise InvalidArgument("encoded") from exc  # GAS text for bad base64 unverified

    # ------------------------------------------------------------------ argument helpers
    def _digest_charset(self, charset):
        """The charset a digest or HMAC of a String uses: the given one, else the setting's."""
        if charset is _MISSING:
            return _Default(self._ex.emulator.settings.utilities_digest_default_charset)
        return charset

    def _input_bytes(self, method: str, value, charset, *lead, given: tuple | None = None) -> bytes:
        """A String (encoded with ``charset``, UTF-8 by default) or Byte[] argument as bytes."""
        given = _given(*lead, charset) if given is None else given
        if isinstance(value, str):
            # Java String.getBytes(charset) writes "?" for each unmappable character (code point)
            return value.encode(self._codec(method, charset, given), "replace")
        if is_byte_array(value) and (charset is _MISSING or isinstance(charset, _Default)):
            return to_bytes(value)
        raise mismatch(method, *given)

    @staticmethod
    def _codec(method: str, charset, given: tuple) -> str:
        # base64Encode(String) without a charset: UTF-8 (an assumption kept from the first version;
        # the reference says only "Generates a base-64 encoded string from the given string")
        if charset is _MISSING:
            return "utf-8"
        if isinstance(charset, _Default):
            charset = str(charset)
        if charset not in Charset:
            raise mismatch(method, *given)
        return _CODECS[charset]


class _Default(str):
    """A charset the caller did not pass (so a Byte[] value is still accepted)."""


def _given(*args: object) -> tuple:
    """The arguments as the caller passed them (an omitted optional one is not listed)."""
    return tuple(a for a in args if a is not _MISSING)
