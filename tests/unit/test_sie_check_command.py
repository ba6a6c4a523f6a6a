"""``python -m services.sie check FILE [--strict] [--json]``, run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import services.sie.__main__ as command
from services.sie import SieError, read_sie

from .test_sie_corpus import EXPECTED, GOOD_FILES, SAMPLES

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_FIELDS = {
    "encoding", "format", "sietype", "kind", "program", "company", "orgnr", "years", "accounts",
    "vouchers", "transactions", "unbalanced_vouchers", "unbalanced", "ksumma", "sum_by_account",
    "errors", "warnings",
}


def run(*args: str | Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "services.sie", "check", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    return proc.returncode, proc.stdout


def run_json(*args: str | Path) -> tuple[int, dict]:
    code, out = run(*args, "--json")
    return code, json.loads(out)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "test.se"
    path.write_bytes("\r\n".join(lines).encode("cp437"))
    return path


@pytest.fixture(scope="module")
def corpus_reports() -> dict[str, tuple[int, dict]]:
    if not GOOD_FILES:
        pytest.skip("SIE corpus absent")
    # One subprocess for all files keeps the test fast; the per-file tests below
    # check the same code path as a real invocation (see test_json_report_...).
    code = (
        "import json,sys\n"
        "from services.sie.__main__ import check_file\n"
        "print(json.dumps({n: check_file(sys.argv[1] + '/' + n) for n in sys.argv[2:]}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLES), *GOOD_FILES],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )
    return {k: (v[0], v[1]) for k, v in json.loads(proc.stdout).items()}


@pytest.mark.parametrize("name", GOOD_FILES)
def test_check_agrees_with_expected_json_on_every_good_corpus_file(name, corpus_reports):
    status, report = corpus_reports[name]
    assert status == 0
    assert {k: report[k] for k in EXPECTED[name]} == EXPECTED[name]


def test_json_report_has_every_field_the_issue_lists():
    if not GOOD_FILES:
        pytest.skip("SIE corpus absent")
    code, report = run_json(SAMPLES / "fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se")
    assert code == 0
    assert REQUIRED_FIELDS <= set(report)
    assert (report["encoding"], report["sietype"], report["kind"], report["ksumma"]) == ("cp437", 4, "4E", "absent")
    assert report["years"][0] == {"index": 0, "start": "2020-01-01", "end": "2020-12-31"}
    assert (report["vouchers"], report["transactions"]) == (2324, 8597)


def test_sum_by_account_is_kronor_strings_of_year_0_rows(tmp_path):
    path = write(
        tmp_path, "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "T" 1', "#GEN 20240101",
        '#FNAMN "B"', "#RAR 0 20240101 20241231", '#VER A 1 20240110 ""', "{",
        "#TRANS 1930 {} 1234.5", "#TRANS 3010 {} -1234.50", "}",
    )
    code, report = run_json(path)
    assert code == 0
    assert report["sum_by_account"] == {"1930": "1234.50", "3010": "-1234.50"}


def test_unbalanced_voucher_is_listed_with_series_number_and_line():
    if not GOOD_FILES:
        pytest.skip("SIE corpus absent")
    code, report = run_json(SAMPLES / "synthetic_barsoom_unknown-label-momskod.se")
    assert code == 0
    assert report["unbalanced"] == [{"series": "A", "number": "1", "line": 22}]


def test_broken_file_is_invalid_in_strict_mode_with_the_error_line():
    if not GOOD_FILES:
        pytest.skip("SIE corpus absent")
    code, report = run_json(SAMPLES / "BROKEN_avendo-5.20_ovnbolag_unbalanced-voucher.se", "--strict")
    assert code == 1
    assert [(e["line"], e["code"]) for e in report["errors"]] == [(3905, "unbalanced_voucher")]


def test_read_error_makes_the_file_invalid_also_in_lenient_mode():
    if not GOOD_FILES:
        pytest.skip("SIE corpus absent")
    code, report = run_json(SAMPLES / "BROKEN_kassasystem_sie4i_bad-voucher-date.si")
    assert code == 1
    assert report["errors"][0]["line"] == 8


def _bad_dates(tmp_path: Path, count: int) -> Path:
    rows = [f'#VER A {i} 2024013{i % 10} ""\r\n{{\r\n#TRANS 1930 {{}} 1.00\r\n#TRANS 3010 {{}} -1.00\r\n}}'
            for i in range(1, count + 1)]
    return write(tmp_path, "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "P" 1', "#GEN 20240101",
                 '#FNAMN "B"', *rows)


def test_every_error_is_reported_with_its_line_not_only_the_first(tmp_path):
    # January 32 to 39 do not exist: 16 of the 21 vouchers are dated wrong.
    code, report = run_json(_bad_dates(tmp_path, 21))
    assert code == 1
    assert [(e["line"], e["code"]) for e in report["errors"]] == [
        (7 + 5 * (i - 1), "bad_date") for i in range(1, 22) if i % 10 > 1
    ]
    assert report["vouchers"] == 21 - 16


def test_errors_are_reported_up_to_a_limit(tmp_path):
    code, report = run_json(_bad_dates(tmp_path, 200))
    assert code == 1
    assert [e["code"] for e in report["errors"]] == ["bad_date"] * command.MAX_ERRORS + ["too_many_errors"]


def test_read_sie_still_stops_at_the_first_error(tmp_path):
    with pytest.raises(SieError) as exc:
        read_sie(_bad_dates(tmp_path, 21).read_bytes())
    assert (exc.value.line, exc.value.code) == (12, "bad_date")


def test_html_page_is_unreadable():
    if not GOOD_FILES:
        pytest.skip("SIE corpus absent")
    code, report = run_json(SAMPLES / "BROKEN_not-sie_html-404-page.se")
    assert (code, report["errors"][0]["code"]) == (2, "not_sie")


def test_missing_file_is_unreadable(tmp_path):
    code, report = run_json(tmp_path / "finns-inte.se")
    assert (code, report["errors"][0]["code"]) == (2, "unreadable_file")


def test_text_output_names_the_verdict_in_swedish(tmp_path):
    code, out = run(write(tmp_path, "#FLAGGA 0", '#FNAMN "B"'))
    assert code == 0 and "giltig" in out
