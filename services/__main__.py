"""`python -m services`: the app's operations, headless, for support scripts and tests (DESIGN.md §8).

JSON on stdout with --json, messages on stderr; exit 0 on success, 1 when the operation failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services import store
from services.companies import Company, UnknownCompany, find_company, list_companies
from services.config import Settings
from services.connections import ConnectError, connect_service_account
from services.fortnox.errors import FortnoxError
from services.importer import DONE, PART_SIE4, ImportFailed, available_years, run_import
from services.money import ore_to_json
from services.startup import prepare
from services.vouchers import ExportRefused, export_vouchers, list_vouchers

SUPPORTED_PARTS = {PART_SIE4}
CLI_ACTOR = "kommandorad"


class UsageError(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    """What a command prints: `payload` with --json, `text` otherwise; `ok` False means exit 1."""

    payload: Any
    text: str
    ok: bool = True


def _company_json(company: Company) -> dict[str, Any]:
    return {
        "id": company.id,
        "orgnr": company.orgnr,
        "name": company.name,
        "source": company.source,
        "connected": company.connected,
    }


def _find(settings: Settings, key: str) -> Company:
    with store.open_db(settings.database_path) as db:
        return find_company(db, key)


def cmd_companies(settings: Settings, args: argparse.Namespace) -> Outcome:
    with store.open_db(settings.database_path) as db:
        companies = list_companies(db)
    lines = "\n".join(f"{c.orgnr}  {c.name}  {'ansluten' if c.connected else 'ej ansluten'}" for c in companies)
    return Outcome([_company_json(c) for c in companies], lines or "Inga företag.")


def cmd_connect(settings: Settings, args: argparse.Namespace) -> Outcome:
    company = connect_service_account(settings, args.tenant_id)
    return Outcome(_company_json(company), f"Ansluten till {company.label}.")


def cmd_import(settings: Settings, args: argparse.Namespace) -> Outcome:
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = set(parts) - SUPPORTED_PARTS
    if unknown:
        raise UsageError(f"Delen {', '.join(sorted(unknown))} kan inte importeras ännu. Välj bland: sie4.")
    company = _find(settings, args.company)
    year_ids = None
    if args.year:
        year_ids = [y.id for y in available_years(settings, company.id) if y.end.year == args.year]
        if not year_ids:
            raise ImportFailed(f"{company.name} har inget räkenskapsår i Fortnox som slutar {args.year}.")
    result = run_import(settings, company.id, parts=parts, year_ids=year_ids, started_by=CLI_ACTOR)
    payload = {
        "run_id": result.run_id,
        "status": DONE,
        "parts": {"sie4": result.counts},
        "requests": result.requests,
    }
    return Outcome(
        payload,
        f"Importerat: {result.accounts} konton, {result.vouchers} verifikationer, {result.transactions} transaktioner.",
    )


def cmd_vouchers_list(settings: Settings, args: argparse.Namespace) -> Outcome:
    company = _find(settings, args.company)
    items = list_vouchers(settings, company.id)
    payload = [
        {
            "id": v.id,
            "date": v.date.isoformat(),
            "text": v.text,
            "status": v.status,
            "rows": [
                {"account": r.account, "debit": ore_to_json(r.debit_ore), "credit": ore_to_json(r.credit_ore), "text": r.text}
                for r in v.rows
            ],
            "fortnox": {"series": v.fortnox_series, "number": v.fortnox_number, "year": v.fortnox_year}
            if v.fortnox_number
            else None,
        }
        for v in items
    ]
    lines = "\n".join(f"{v.id}  {v.date}  {v.status_label:<10}  {v.text}" for v in items)
    return Outcome(payload, lines or "Inga verifikationer.")


def cmd_export(settings: Settings, args: argparse.Namespace) -> Outcome:
    company = _find(settings, args.company)
    ids = [item.strip() for item in args.vouchers.split(",") if item.strip()]
    results = export_vouchers(settings, company.id, ids, actor=CLI_ACTOR)
    payload = [
        {
            "id": r.voucher_id,
            "status": "exported" if r.ok else "failed",
            "fortnox": {"series": r.series, "number": r.number, "year": r.year} if r.ok else None,
            "message": r.message,
        }
        for r in results
    ]
    text = "\n".join(f"{r.voucher_id}: {r.message}" for r in results)
    return Outcome(payload, text, ok=all(r.ok for r in results))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services", description="Skatt & Bokslut utan webbläsare.")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--json", action="store_true", help="JSON på stdout")
        sub.set_defaults(handler=handler)
        return sub

    add("companies", cmd_companies, "lista företagen")
    add("connect", cmd_connect, "anslut ett företag med Fortnox tjänstekonto").add_argument("--tenant-id", required=True)
    imp = add("import", cmd_import, "importera från Fortnox")
    imp.add_argument("company")
    imp.add_argument("--parts", default=PART_SIE4)
    imp.add_argument("--year", type=int)
    vouchers = commands.add_parser("vouchers", help="bokslutsverifikationer")
    vouchers_commands = vouchers.add_subparsers(dest="vouchers_command", required=True)
    listing = vouchers_commands.add_parser("list", help="lista företagets bokslutsverifikationer")
    listing.add_argument("company")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_vouchers_list)
    exp = add("export", cmd_export, "exportera verifikationer till Fortnox")
    exp.add_argument("company")
    exp.add_argument("--vouchers", required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = prepare()
    try:
        outcome = args.handler(settings, args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (ConnectError, ImportFailed, ExportRefused, UnknownCompany) as exc:
        print(exc, file=sys.stderr)
        return 1
    except FortnoxError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(json.dumps(outcome.payload, ensure_ascii=False, indent=2) if args.json else outcome.text)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
