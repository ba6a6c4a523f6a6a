"""``python -m services.sie check FILE [--strict] [--json]``.

Every error is reported with its line, up to ``MAX_ERRORS`` of them (a
person fixing a file wants them all), not only the first.

Exit status: 0 the file is valid, 1 it is invalid (a read error, or in strict
mode a serious semantic finding), 2 it cannot be read at all (missing file,
not a SIE file, empty).

The check streams: the file is read twice in chunks (once to detect the
encoding, once for the records, see ``source.py``) and never held whole;
vouchers are checked as they are read and not kept, so memory does not grow
with the size of the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO

from services.money import ore_to_json

from .checks import SEVERE_CODES, Checker
from .errors import SieError, SieMessage, where
from .model import SieDocument
from .reader import read_lines
from .source import LineSource

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2

# Reader errors meaning "this is not a SIE file at all".
_UNREADABLE_CODES = frozenset({"not_sie", "empty_file"})
# Errors reported at most; reading stops at the one after.
MAX_ERRORS = 100


def _message(m: SieMessage | SieError) -> dict[str, Any]:
    return {"line": m.line, "code": m.code, "message": m.message}


def check_file(path: str, *, strict: bool = False) -> tuple[int, dict[str, Any]]:
    """Check one file; return ``(exit status, report)`` (the JSON fields)."""
    report: dict[str, Any] = {
        "file": path,
        "encoding": None,
        "format": None,
        "sietype": None,
        "kind": None,
        "program": None,
        "company": None,
        "orgnr": None,
        "years": [],
        "accounts": 0,
        "vouchers": 0,
        "transactions": 0,
        "unbalanced_vouchers": 0,
        "unbalanced": [],
        "ksumma": None,
        "sum_by_account": {},
        "errors": [],
        "warnings": [],
    }
    checker = Checker()
    try:
        with open(path, "rb") as fh:
            doc = check_stream(fh, checker, strict=strict)
    except OSError as exc:
        report["errors"].append(
            {"line": 0, "code": "unreadable_file", "message": f"Filen: kan inte läsas ({exc.strerror or exc})."}
        )
        return EXIT_UNREADABLE, report
    except SieError as exc:
        report["errors"].append(_message(exc))
        return (EXIT_UNREADABLE if exc.code in _UNREADABLE_CODES else EXIT_INVALID), report
    findings = checker.finish(doc)
    seen = {(m.line, m.code) for m in (*doc.warnings, *doc.errors)}
    warnings = list(doc.warnings)
    errors: list[SieMessage] = list(doc.errors)
    if len(errors) >= MAX_ERRORS:
        errors.append(
            SieMessage(
                errors[-1].line,
                "too_many_errors",
                f"{where(errors[-1].line)}kontrollen avbröts efter {MAX_ERRORS} fel; "
                "rätta dem och kontrollera filen igen.",
            )
        )
    for f in findings:
        if (f.line, f.code) in seen:
            continue  # the reader already reported it (unbalanced vouchers)
        if strict and f.code in SEVERE_CODES:
            errors.append(f)
        else:
            warnings.append(f)
    warnings.sort(key=lambda m: m.line)
    errors.sort(key=lambda m: m.line)
    report.update(
        encoding=doc.encoding,
        format=doc.format,
        sietype=doc.sietype,
        kind=doc.kind,
        program=doc.program,
        company=doc.company_name,
        orgnr=doc.orgnr,
        years=[
            {"index": y.index, "start": y.start.isoformat(), "end": y.end.isoformat()}
            for y in sorted(doc.years, key=lambda y: -y.index)
        ],
        accounts=len(doc.accounts),
        vouchers=checker.vouchers,
        transactions=checker.transactions,
        unbalanced_vouchers=len(checker.unbalanced),
        unbalanced=[{"series": s, "number": n, "line": line} for s, n, line in checker.unbalanced],
        ksumma=doc.ksumma,
        sum_by_account={a: ore_to_json(v) for a, v in sorted(checker.sum_by_account.items())},
        errors=[_message(e) for e in errors],
        warnings=[_message(w) for w in warnings],
    )
    return (EXIT_INVALID if errors else EXIT_VALID), report


def check_stream(fh: BinaryIO, checker: Checker, *, strict: bool = False) -> SieDocument:
    """Read the open binary file ``fh`` twice, chunk by chunk (encoding, then
    records), feeding ``checker`` voucher by voucher; no voucher is kept.
    Errors are collected in ``doc.errors`` (up to MAX_ERRORS), not raised,
    but for bytes that are no SIE file at all."""
    source = LineSource.from_file(fh)
    return read_lines(source, strict=strict, on_voucher=checker.voucher, keep_vouchers=False, max_errors=MAX_ERRORS,
                      on_rows=checker.rows)


def _print_text(report: dict[str, Any], status: int) -> None:
    verdict = {EXIT_VALID: "giltig", EXIT_INVALID: "ogiltig", EXIT_UNREADABLE: "kan inte läsas"}[status]
    print(f"{report['file']}: {verdict}")
    if report["sietype"] is not None:
        kind = report["kind"] or report["sietype"]
        print(f"  SIE typ {kind}, {report['program']}, {report['company']} ({report['encoding']})")
        print(
            f"  {report['accounts']} konton, {report['vouchers']} verifikationer, "
            f"{report['transactions']} rader, {report['unbalanced_vouchers']} obalanserade, "
            f"KSUMMA: {report['ksumma']}"
        )
    for e in report["errors"]:
        print(f"  FEL {e['code']}: {e['message']}")
    for w in report["warnings"]:
        print(f"  varning {w['code']}: {w['message']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.sie", description="Kontrollera SIE-filer.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="läs och kontrollera en SIE-fil")
    check.add_argument("file")
    check.add_argument("--strict", action="store_true", help="avvisa allt som SIE-standarden inte tillåter")
    check.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    args = parser.parse_args(argv)
    status, report = check_file(args.file, strict=args.strict)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_text(report, status)
    return status


if __name__ == "__main__":
    sys.exit(main())
