"""Intl and the locale-sensitive methods work, in en-US and the script's time zone, as on Apps Script.

Expected values are what V8 with its ICU data prints (Apps Script runs V8: developers.google.com/
apps-script/guides/v8-runtime); before the fix each of these threw "Internal error. Icu error." or
aborted the process (issue #12).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

JULY_4_NOON_UTC = "new Date(Date.UTC(2024, 6, 4, 12))"


def test_date_to_locale_string_is_en_us_in_the_script_zone(js):
    assert js(f"{JULY_4_NOON_UTC}.toLocaleString()") == "7/4/2024, 8:00:00 AM"


def test_date_to_locale_date_string(js):
    assert js(f"{JULY_4_NOON_UTC}.toLocaleDateString()", "Asia/Tokyo") == "7/4/2024"


def test_date_to_locale_time_string(js):
    assert js(f"{JULY_4_NOON_UTC}.toLocaleTimeString()", "Europe/London") == "1:00:00 PM"


def test_date_time_format_defaults_to_en_us_and_the_script_zone(js):
    options = js("Intl.DateTimeFormat().resolvedOptions()", "Asia/Tokyo")
    assert (options["locale"], options["timeZone"]) == ("en-US", "Asia/Tokyo")


def test_an_explicit_time_zone_option_wins(js):
    options = "{timeStyle: 'short', timeZone: 'Asia/Tokyo'}"
    assert js(f"new Intl.DateTimeFormat('en-US', {options}).format({JULY_4_NOON_UTC})") == "9:00 PM"


def test_intl_default_zone_is_the_scripts_after_another_zone_ran(js):
    js("Intl.DateTimeFormat().resolvedOptions().timeZone", "Europe/London")
    assert js("[Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(0).toLocaleString()]",
              "Asia/Tokyo") == ["Asia/Tokyo", "1/1/1970, 9:00:00 AM"]


def test_date_time_format_keeps_its_identity(js):
    expression = ("[new Intl.DateTimeFormat() instanceof Intl.DateTimeFormat, Intl.DateTimeFormat.name,"
                  " Intl.DateTimeFormat.prototype.constructor === Intl.DateTimeFormat,"
                  " Intl.DateTimeFormat.supportedLocalesOf(['fr']).length]")
    assert js(expression) == [True, "DateTimeFormat", True, 1]


def test_number_to_locale_string(js):
    assert js("(1234.5).toLocaleString()") == "1,234.5"


def test_number_format_with_a_locale_and_currency(js):
    assert js("new Intl.NumberFormat('de-DE', {style: 'currency', currency: 'EUR'}).format(1234.5)") == \
        "1.234,50\u00a0€"


def test_locale_compare_in_a_sort_comparator(js):
    assert js("['b', 'C', 'a', 'é'].sort(function (x, y) { return x.localeCompare(y); })") == \
        ["a", "b", "C", "é"]


def test_collator(js):
    assert js("new Intl.Collator('de', {sensitivity: 'base'}).compare('ä', 'a')") == 0


def test_plural_rules(js):
    rules = "new Intl.PluralRules('en-US')"
    assert js(f"[{rules}.select(1), {rules}.select(2)]") == ["one", "other"]


def test_relative_time_format(js):
    assert js("new Intl.RelativeTimeFormat('en', {numeric: 'auto'}).format(-1, 'day')") == "yesterday"


def test_odd_intl_input_is_a_catchable_error(js):
    assert js("(function () { try { new Intl.DateTimeFormat('en', {timeZone: 'Mars/Olympus'}); }"
              " catch (e) { return e.name + ': ' + e.message; } })()") == \
        "RangeError: Invalid time zone specified: Mars/Olympus"


ODD_INPUT = Path(__file__).resolve().parents[1] / "fixtures" / "gas_intl_odd"


def test_no_odd_intl_or_date_input_aborts_the_process():
    """Each case of the fixture either answers or throws in JavaScript; the process exits 0."""
    done = subprocess.run([sys.executable, "-m", "gas_emulator.cli", "run", "--root", str(ODD_INPUT),
                           "--json", "oddInputs"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)["result"]
    assert len(results) == 32 and results[5] == "5: RangeError: Incorrect locale information provided"
    assert results[30] == ("30: Error: gas_emulator: the Date Fri Sep 12 275760 20:00:00 GMT-0400 (Eastern "
                           "Daylight Time) is outside years 1-9999, which the emulated services support")


def test_results_do_not_depend_on_the_host_zone_and_locale(fixtures):
    env = dict(os.environ, TZ="Asia/Tokyo", LANG="de_DE.UTF-8", LC_ALL="de_DE.UTF-8")
    done = subprocess.run([sys.executable, "-m", "gas_emulator.cli", "run", "--root",
                           str(fixtures / "gas_local_time"), "--json", "summer"],
                          capture_output=True, text=True, timeout=300, check=False, env=env)
    assert json.loads(done.stdout)["result"] == [
        8, 240, "Thu Jul 04 2024 08:00:00 GMT-0400 (Eastern Daylight Time)", "7/4/2024, 8:00:00 AM",
        "1,234.5"]


def test_icu_data_comes_from_the_installed_wheel_not_a_machine_wide_copy():
    from gas_emulator.runtime import icu

    path = Path(icu.icu_data_file())
    assert path.parent.name == "stpyv8-icu" and path.parent.parent.name == "site-packages"
    assert icu.load_icu_data() is True  # V8 holds ICU data (a second call only confirms it)
