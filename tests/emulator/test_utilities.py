"""Utilities: sleep, getUuid, formatDate/parseDate (Java SimpleDateFormat), formatString, digests,
HMAC and base64 (spec 4.1). Expected dates are worked out by hand from the Java rules; digests are the
published test vectors (FIPS 180 "abc", RFC 2104/2202/4231)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gas_emulator import Emulator, Settings
from gas_emulator.clock import DEFAULT_EPOCH_MS
from gas_emulator.errors import (
    AlgorithmNotAvailable,
    InvalidArgument,
    InvalidDatePattern,
    ParametersMismatch,
    SleepTooLong,
    UnparseableDate,
)

NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)  # == DEFAULT_EPOCH_MS: Wed Dec 31 2025 19:00 EST


@pytest.fixture
def utils():
    emu = Emulator()
    with emu.execution() as execution:
        yield execution.Utilities


def signed(hex_digest: str) -> list[int]:
    return [b - 256 if b > 127 else b for b in bytes.fromhex(hex_digest)]


# ---------------------------------------------------------------------------- sleep and getUuid
def test_sleep_advances_virtual_time():
    emu = Emulator()
    with emu.execution() as ex:
        assert ex.Utilities.sleep(1500) is None
        assert emu.clock.now_ms() == DEFAULT_EPOCH_MS + 1500


def test_sleep_drops_fractions_of_a_millisecond():
    emu = Emulator()
    with emu.execution() as ex:
        ex.Utilities.sleep(10.7)
        assert emu.clock.now_ms() == DEFAULT_EPOCH_MS + 10


def test_sleep_over_the_maximum_is_refused_without_sleeping():
    emu = Emulator()
    with emu.execution() as ex:
        with pytest.raises(SleepTooLong) as err:
            ex.Utilities.sleep(300_001)  # spec 4.1: "The maximum allowed value is 300000"
        assert str(err.value) == "Utilities.sleep: the maximum allowed value is 300000 milliseconds."
        assert emu.clock.now_ms() == DEFAULT_EPOCH_MS


def test_sleep_of_a_string_is_a_parameter_mismatch(utils):
    with pytest.raises(ParametersMismatch) as err:
        utils.sleep("100")
    assert str(err.value) == "The parameters (String) don't match the method signature for Utilities.sleep."


def test_sleep_of_a_negative_time_is_an_invalid_argument(utils):
    with pytest.raises(InvalidArgument) as err:
        utils.sleep(-1)
    assert str(err.value) == "Invalid argument: milliseconds"


def test_getUuid_is_a_lower_case_version_4_uuid(utils):
    pattern = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    uuids = [utils.getUuid() for _ in range(200)]
    assert all(pattern.match(u) for u in uuids)
    assert len(set(uuids)) == 200


# ---------------------------------------------------------------------------- formatDate
@pytest.mark.parametrize(("pattern", "expected"), [
    ("yyyy-MM-dd HH:mm:ss.SSS", "2025-12-31 19:00:00.000"),
    ("yy y yyyyy", "25 2025 02025"),
    ("M MM MMM MMMM L", "12 12 Dec December 12"),
    ("E EEE EEEE u", "Wed Wed Wednesday 3"),
    ("d D F W w Y", "31 365 5 5 1 2026"),  # Dec 31 2025 is in the week holding Jan 1: week 1 of 2026
    ("G", "AD"),
    ("h:mm a K k", "7:00 PM 7 19"),
    ("z zzzz", "EST Eastern Standard Time"),
    ("Z X XX XXX", "-0500 -05 -0500 -05:00"),
    ("'at' HH 'o''clock' ''", "at 19 o'clock '"),
])
def test_formatDate_fields_in_new_york(utils, pattern, expected):
    assert utils.formatDate(NEW_YEAR, "America/New_York", pattern) == expected


def test_formatDate_uses_daylight_time_in_summer(utils):
    july = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    shown = utils.formatDate(july, "America/New_York", "HH:mm z Z zzzz")
    assert shown == "08:00 EDT -0400 Eastern Daylight Time"


def test_formatDate_hours_around_midnight_and_noon(utils):
    midnight = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    noon = datetime(2026, 1, 1, 12, 30, tzinfo=UTC)
    assert utils.formatDate(midnight, "UTC", "H k K h a") == "0 24 0 12 AM"
    assert utils.formatDate(noon, "UTC", "H k K h a") == "12 12 0 12 PM"


def test_formatDate_milliseconds_are_padded_to_the_count(utils):
    when = DEFAULT_EPOCH_MS + 7
    assert utils.formatDate(when, "GMT", "S SS SSS SSSS") == "7 07 007 0007"


def test_formatDate_iso_zone_letters_with_minutes_and_zero(utils):
    assert utils.formatDate(NEW_YEAR, "Asia/Kolkata", "Z X XX XXX") == "+0530 +05 +0530 +05:30"
    assert utils.formatDate(NEW_YEAR, "UTC", "X XX XXX Z") == "Z Z Z +0000"


def test_formatDate_gmt_offset_zone_ids(utils):
    assert utils.formatDate(NEW_YEAR, "GMT+4:00", "HH:mm z") == "04:00 GMT+04:00"
    assert utils.formatDate(NEW_YEAR, "GMT-0330", "HH:mm z") == "20:30 GMT-03:30"
    assert utils.formatDate(NEW_YEAR, "GMT+5", "HH:mm") == "05:00"


def test_formatDate_java_three_letter_ids(utils):
    assert utils.formatDate(NEW_YEAR, "JST", "HH:mm z") == "09:00 JST"
    assert utils.formatDate(NEW_YEAR, "PST", "HH:mm z") == "16:00 PST"


def test_formatDate_unknown_zone_is_gmt_as_in_java(utils):
    assert utils.formatDate(NEW_YEAR, "Mars/Olympus_Mons", "HH:mm z") == "00:00 GMT"


def test_formatDate_short_name_is_javas_even_where_tz_has_only_a_number(utils):
    # JDK 17 SimpleDateFormat("HH:mm z", Locale.US) in Asia/Dubai (tz abbreviation "+04"): "GST"
    assert utils.formatDate(NEW_YEAR, "Asia/Dubai", "HH:mm z") == "04:00 GST"


def test_formatDate_accepts_epoch_ms_naive_and_other_zone_datetimes(utils):
    paris_midnight = datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    for when in (DEFAULT_EPOCH_MS, datetime(2026, 1, 1), paris_midnight):
        assert utils.formatDate(when, "GMT", "yyyy-MM-dd'T'HH:mm:ss'Z'") == "2026-01-01T00:00:00Z"


def test_formatDate_illegal_pattern_letter(utils):
    with pytest.raises(InvalidDatePattern) as err:
        utils.formatDate(NEW_YEAR, "GMT", "yyyy-qq")
    assert str(err.value) == "Illegal pattern character 'q'"


def test_formatDate_unterminated_quote(utils):
    with pytest.raises(InvalidDatePattern) as err:
        utils.formatDate(NEW_YEAR, "GMT", "yyyy 'oops")
    assert str(err.value) == "Unterminated quote"


def test_formatDate_wrong_types(utils):
    with pytest.raises(ParametersMismatch) as err:
        utils.formatDate("2026-01-01", "GMT", "yyyy")
    assert str(err.value) == ("The parameters (String,String,String) don't match the method signature "
                              "for Utilities.formatDate.")


# ---------------------------------------------------------------------------- parseDate
def test_parseDate_reads_local_time_in_the_zone(utils):
    parsed = utils.parseDate("2026-03-15 08:30:00", "America/New_York", "yyyy-MM-dd HH:mm:ss")
    assert parsed == datetime(2026, 3, 15, 12, 30, tzinfo=UTC)  # EDT (UTC-4) since March 8


def test_parseDate_is_lenient(utils):
    assert utils.parseDate("2026-02-30", "UTC", "yyyy-MM-dd") == datetime(2026, 3, 2, tzinfo=UTC)


def test_parseDate_abutting_numeric_fields(utils):
    assert utils.parseDate("20260315", "UTC", "yyyyMMdd") == datetime(2026, 3, 15, tzinfo=UTC)


def test_parseDate_text_fields_and_am_pm(utils):
    parsed = utils.parseDate("Thursday, Mar 5, 2026 3:04 PM", "UTC", "EEEE, MMM d, yyyy h:mm a")
    assert parsed == datetime(2026, 3, 5, 15, 4, tzinfo=UTC)


def test_parseDate_two_digit_years_fall_within_80_years_before_now(utils):
    assert utils.parseDate("01/02/45", "UTC", "MM/dd/yy").year == 2045
    assert utils.parseDate("01/02/46", "UTC", "MM/dd/yy").year == 1946
    assert utils.parseDate("01/02/0045", "UTC", "MM/dd/yy").year == 45


def test_parseDate_zone_in_the_text_wins(utils):
    pattern = "yyyy-MM-dd'T'HH:mm:ssZ"
    parsed = utils.parseDate("2026-01-01T00:00:00+0100", "America/New_York", pattern)
    assert parsed == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    iso = utils.parseDate("2026-01-01T00:00:00Z", "America/New_York", "yyyy-MM-dd'T'HH:mm:ssX")
    assert iso == NEW_YEAR


def test_parseDate_defaults_missing_fields_to_1970(utils):
    assert utils.parseDate("13:45", "UTC", "HH:mm") == datetime(1970, 1, 1, 13, 45, tzinfo=UTC)


def test_parseDate_undoes_formatDate(utils):
    pattern = "EEE, d MMM yyyy HH:mm:ss.SSS Z"
    when = datetime(2026, 8, 9, 10, 11, 12, 345000, tzinfo=UTC)
    text = utils.formatDate(when, "Europe/Paris", pattern)
    assert text == "Sun, 9 Aug 2026 12:11:12.345 +0200"
    assert utils.parseDate(text, "UTC", pattern) == when


def test_parseDate_unparseable_text(utils):
    with pytest.raises(UnparseableDate) as err:
        utils.parseDate("hello", "UTC", "yyyy-MM-dd")
    assert str(err.value) == 'Unparseable date: "hello"'


# ---------------------------------------------------------------------------- formatString
@pytest.mark.parametrize(("template", "args", "expected"), [
    ("%s has %d items", ("cart", 3), "cart has 3 items"),
    ("%02d:%02d", (7, 5), "07:05"),
    ("%.2f|%5.1f|%-5s|%5s", (2.345, 3.14159, "ab", "cd"), "2.35|  3.1|ab   |   cd"),
    ("%x %X %o", (255, 255, 8), "ff FF 10"),
    ("100%%", (), "100%"),
    ("%d", (3.9,), "3"),
    ("%s %s %s %s", (None, True, 1.0, [1, 2]), "null true 1 1,2"),
    ("%d", ("abc",), "NaN"),
    ("%s and %s", ("one",), "one and %s"),
])
def test_formatString(utils, template, args, expected):
    assert utils.formatString(template, *args) == expected


def test_formatString_needs_a_string_template(utils):
    with pytest.raises(ParametersMismatch):
        utils.formatString(5)


# ---------------------------------------------------------------------------- digests
@pytest.mark.parametrize(("algorithm", "hex_digest"), [
    ("MD5", "900150983cd24fb0d6963f7d28e17f72"),
    ("SHA_1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
    ("SHA_256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("SHA_384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                "8086072ba1e7cc2358baeca134c825a7"),
    ("SHA_512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
])
def test_computeDigest_of_abc_as_signed_bytes(utils, algorithm, hex_digest):
    assert utils.computeDigest(getattr(utils.DigestAlgorithm, algorithm), "abc") == signed(hex_digest)


def test_computeDigest_of_bytes_equals_digest_of_the_utf8_string(utils):
    text = "Google グループ"
    as_bytes = utils.base64Decode(utils.base64Encode(text))
    sha = utils.DigestAlgorithm.SHA_256
    assert utils.computeDigest(sha, as_bytes) == utils.computeDigest(sha, text, utils.Charset.UTF_8)


# gas-fakes test/testutilities.js "utilities digest" (also run on Apps Script): MD5 of "€🙂" by default
EURO_SMILE_MD5_US_ASCII = [-22, 3, -4, -72, -60, 120, 34, -68, -25, 114, -49, 108, 7, -48, -21, -69]


def test_computeDigest_of_a_string_defaults_to_us_ascii_one_question_mark_per_code_point(utils):
    assert utils.computeDigest(utils.DigestAlgorithm.MD5, "€\U0001F642") == EURO_SMILE_MD5_US_ASCII


def test_computeDigest_default_charset_is_a_setting():
    emu = Emulator(settings=Settings(utilities_digest_default_charset="UTF_8"))
    with emu.execution() as ex:
        utils = ex.Utilities
        text = "€\U0001F642"
        assert utils.computeDigest(utils.DigestAlgorithm.MD5, text) == \
            utils.computeDigest(utils.DigestAlgorithm.MD5, text, utils.Charset.UTF_8)


def test_computeHmacSha256Signature_of_strings_defaults_to_us_ascii(utils):
    # gas-fakes test/testutilities.js "utilities hmac": no charset gives the US_ASCII signature
    assert utils.computeHmacSha256Signature("café", "€\U0001F642") == [
        -125, 73, -127, -128, -43, -39, 99, -10, 39, -49, -128, 27, 8, -117, 4, -120, -26, -111, 16, 114,
        -115, 1, -1, -68, -27, 88, 7, 117, 55, -87, -123, -52]


def test_computeDigest_us_ascii_writes_unmappable_characters_as_question_marks(utils):
    md5 = utils.DigestAlgorithm.MD5
    assert utils.computeDigest(md5, "é", utils.Charset.US_ASCII) == utils.computeDigest(md5, "?")


def test_computeDigest_md2_is_not_emulated(utils):
    with pytest.raises(AlgorithmNotAvailable) as err:
        utils.computeDigest(utils.DigestAlgorithm.MD2, "abc")
    assert str(err.value) == "Utilities.DigestAlgorithm.MD2 is not emulated here (no MD2 in hashlib)."


def test_computeDigest_wrong_types(utils):
    with pytest.raises(ParametersMismatch) as err:
        utils.computeDigest(utils.DigestAlgorithm.MD5, 123)
    assert str(err.value) == ("The parameters (String,number) don't match the method signature for "
                              "Utilities.computeDigest.")
    with pytest.raises(ParametersMismatch):
        utils.computeDigest("SHA3", "abc")


def test_computeHmacSha256Signature_rfc4231_case_1_bytes(utils):
    key = [0x0B] * 20
    data = list(b"Hi There")
    expected = signed("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    assert utils.computeHmacSha256Signature(data, key) == expected


def test_computeHmacSha256Signature_rfc4231_case_2_strings(utils):
    expected = signed("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    assert utils.computeHmacSha256Signature("what do ya want for nothing?", "Jefe") == expected


@pytest.mark.parametrize(("algorithm", "hex_digest"), [
    ("HMAC_MD5", "750c783e6ab0b503eaa86e310a5db738"),  # RFC 2104 test vector 2
    ("HMAC_SHA_1", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),  # RFC 2202 test case 2
])
def test_computeHmacSignature(utils, algorithm, hex_digest):
    mac = getattr(utils.MacAlgorithm, algorithm)
    assert utils.computeHmacSignature(mac, "what do ya want for nothing?", "Jefe") == signed(hex_digest)


def test_hmac_with_a_string_and_bytes_mixed_is_a_mismatch(utils):
    with pytest.raises(ParametersMismatch) as err:
        utils.computeHmacSha256Signature("data", [1, 2, 3])
    assert str(err.value) == ("The parameters (String,number[]) don't match the method signature for "
                              "Utilities.computeHmacSha256Signature.")


# ---------------------------------------------------------------------------- base64
def test_base64_round_trip_of_the_documented_example(utils):
    # developers.google.com/apps-script/reference/utilities/utilities#base64Decode(String)
    encoded = "R29vZ2xlIOOCsOODq+ODvOODlw=="
    assert utils.base64Encode("Google グループ") == encoded
    assert utils.base64Decode(encoded) == [71, 111, 111, 103, 108, 101, 32, -29, -126, -80, -29, -125,
                                           -85, -29, -125, -68, -29, -125, -105]


def test_base64_web_safe_alphabet(utils):
    data = [-5, -1, -2]
    assert utils.base64Encode(data) == "+//+"
    assert utils.base64EncodeWebSafe(data) == "-__-"
    assert utils.base64DecodeWebSafe("-__-") == data


def test_base64_decode_accepts_missing_padding(utils):
    assert utils.base64Decode("YWI") == [97, 98]


def test_base64_decode_of_an_impossible_length_is_an_invalid_argument(utils):
    with pytest.raises(InvalidArgument) as err:
        utils.base64Decode("a")
    assert str(err.value) == "Invalid argument: encoded"


def test_base64_encode_with_a_charset(utils):
    assert utils.base64Encode("é", utils.Charset.US_ASCII) == "Pw=="  # "?"
    assert utils.base64Encode("é", utils.Charset.UTF_8) == "w6k="


def test_base64_encode_wrong_type(utils):
    with pytest.raises(ParametersMismatch) as err:
        utils.base64Encode({"a": 1})
    assert str(err.value) == ("The parameters (Object) don't match the method signature for "
                              "Utilities.base64Encode.")


def test_enums_are_their_names(utils):
    assert utils.DigestAlgorithm.SHA_256 == "SHA_256"
    assert utils.MacAlgorithm.HMAC_SHA_256 == "HMAC_SHA_256"
    assert list(utils.Charset) == ["US_ASCII", "UTF_8"]
