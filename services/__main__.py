"""`python -m services`: the app's operations, headless, for support scripts and tests (DESIGN.md §8).

JSON on stdout with --json, messages on stderr; exit 0 on success, 1 when the operation failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from services import store
from services.companies.access import CLI_ACTOR
from services.companies.connections import connect_service_account
from services.companies.model import Company
from services.companies.registry import find_company, list_companies
from services.config import Settings
from services.context import Acting
from services.errors import ServiceError, failure_message
from services.imports.model import ImportFailed, RunProgress, RunStatus
from services.imports.pipeline import PART_SIE4, PARTS, available_years, run_import
from services.ledgers import open_items as ledger_views
from services.money import ore_to_json
from services.reconcile import cli as reconcile_cli
from services.startup import prepare
from services.vouchers.drafts import list_vouchers
from services.vouchers.export import export_vouchers
from services.vouchers.sie4i import MAX_SIE_4I_BYTES, import_sie


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
    unknown = set(parts) - set(PARTS)
    if unknown or not parts:
        raise UsageError(f"Okänd del {', '.join(sorted(unknown))}. Välj bland: {','.join(PARTS)}.")
    company = _find(settings, args.company)
    year_ids = None
    if args.year:
        year_ids = [y.id for y in available_years(settings, company.id) if y.end.year == args.year]
        if not year_ids:
            raise ImportFailed(f"{company.name} har inget räkenskapsår i Fortnox som slutar {args.year}.")
    result = run_import(settings, company.id, parts=parts, year_ids=year_ids, started_by=CLI_ACTOR, full=args.full,
                        on_progress=_print_progress if not args.json else None)
    payload = {"run_id": result.run_id, "status": RunStatus.OK, "parts": result.counts, "requests": result.requests}
    lines = [f"{part}: " + ", ".join(f"{key} {value}" for key, value in counts.items())
             for part, counts in result.counts.items()]
    lines += result.notes + [f"Anrop till Fortnox: {result.requests}."]
    return Outcome(payload, "\n".join(lines))


def _print_progress(progress: RunProgress) -> None:
    if progress.eta_seconds is None:
        line = f"förbereder: {progress.requests_done} anrop"
    else:
        line = f"{progress.requests_done}/{progress.requests_planned} anrop, cirka {progress.eta_seconds:.0f} s kvar"
    print(f"\r{line}", end="", file=sys.stderr, flush=True)


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
                {"account": r.account, "debit": ore_to_json(r.debit_ore), "credit": ore_to_json(r.credit_ore),
                 "text": r.text, "cost_center": r.cost_center, "project": r.project}
                for r in v.rows
            ],
            "fortnox": {"series": v.fortnox_series, "number": v.fortnox_number, "year": v.fortnox_year}
            if v.fortnox_number
            else None,
            "error": v.error,
        }
        for v in items
    ]
    lines = "\n".join(f"{v.id}  {v.date}  {v.status_label:<10}  {v.text}" for v in items)
    return Outcome(payload, lines or "Inga verifikationer.")


def _read_file(path: str, limit: int) -> bytes:
    """A regular file of at most `limit` bytes: a device (/dev/zero), a pipe or a folder is refused, never read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except OSError as exc:
        raise UsageError(f"Filen {path} kan inte läsas ({exc.strerror}).") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{path} är ingen vanlig fil. Ange en SIE 4I-fil.")
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"Filen {path} är större än {limit // (1024 * 1024)} MB. Ange en SIE 4I-fil med "
                         "bokslutsverifikationerna.")
    return data


def cmd_vouchers_add(settings: Settings, args: argparse.Namespace) -> Outcome:
    company = _find(settings, args.company)
    data = _read_file(args.sie, MAX_SIE_4I_BYTES)
    added = import_sie(settings, company.id, data, actor=CLI_ACTOR)
    return Outcome({"added": added}, f"{len(added)} verifikation(er) tillagda som utkast.")


def cmd_export(settings: Settings, args: argparse.Namespace) -> Outcome:
    """Exit 1 unless every voucher asked for was exported by this run."""
    company = _find(settings, args.company)
    ids = [item.strip() for item in args.vouchers.split(",") if item.strip()]
    results = export_vouchers(settings, company.id, ids, actor=CLI_ACTOR)
    payload = [
        {
            "voucher": r.voucher_id,
            "status": r.status,
            "fortnox": {"series": r.series, "number": r.number, "year": r.year} if r.number else None,
            "error": None if r.ok else r.message,
        }
        for r in results
    ]
    text = "\n".join(f"{r.voucher_id}: {r.message}" for r in results)
    return Outcome(payload, text, ok=all(r.ok for r in results))


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"”{text}” är inget datum. Skriv ÅÅÅÅ-MM-DD, till exempel 2025-12-31.") from None


def cmd_reconcile(settings: Settings, args: argparse.Namespace) -> Outcome:
    company, acting = _find(settings, args.company), Acting(settings, CLI_ACTOR)
    if args.action == "draft":
        if not args.item:
            raise UsageError("Ange fyndets id: reconcile FÖRETAG draft ID [--offset KONTO].")
        voucher_id = reconcile_cli.draft_command(acting, company.id, _date(args.date), args.item, args.offset)
        return Outcome({"voucher": voucher_id}, f"Rättelsen finns som utkast {voucher_id} under Verifikationer.")
    result = reconcile_cli.reconcile_command(acting, company.id, _date(args.date), args.year)
    return Outcome(reconcile_cli.to_json(result), reconcile_cli.to_text(result))


def cmd_ledgers(settings: Settings, args: argparse.Namespace) -> Outcome:
    """The open items of a ledger at a balance date, valued as Reskontra and Avstämning value them."""
    company = _find(settings, args.company)
    day = _date(args.date)
    with store.open_db(settings.database_path) as db:
        day = day or ledger_views.default_balance_date(db, company.id)
        if day is None:
            raise UsageError("Företaget har ingen reskontra importerad. Importera den först.")
        items = ledger_views.open_items(db, company.id, args.kind, day)
    payload = {
        "date": day.isoformat(), "kind": args.kind, "total_sek": ore_to_json(int(items["remaining_sek"].sum())),
        "items": [{"invoice": row["number"], "party": row["party_name"], "currency": row["currency"],
                   "remaining": ore_to_json(int(row["remaining"])), "remaining_sek": ore_to_json(int(row["remaining_sek"])),
                   "due": row["due_date"]} for row in items.to_dict("records")],
    }
    lines = [f"{i['invoice']:>10}  {i['due'] or '':10}  {i['remaining_sek']:>14}  {i['party']}" for i in payload["items"]]
    return Outcome(payload, "\n".join([*lines, f"Summa öppet {payload['total_sek']} kr per {day}."]))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services", description="Skatt & Bokslut utan webbläsare.")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable, help_text: str,
            within: argparse._SubParsersAction[argparse.ArgumentParser] = commands) -> argparse.ArgumentParser:
        sub = within.add_parser(name, help=help_text)
        sub.add_argument("--json", action="store_true", help="JSON på stdout")
        sub.set_defaults(handler=handler)
        return sub

    add("companies", cmd_companies, "lista företagen")
    add("connect", cmd_connect, "anslut ett företag med Fortnox tjänstekonto").add_argument("--tenant-id", required=True)
    imp = add("import", cmd_import, "importera från Fortnox")
    imp.add_argument("company")
    imp.add_argument("--parts", default=PART_SIE4)
    imp.add_argument("--year", type=int)
    imp.add_argument("--full", action="store_true", help="hämta allt igen, inte bara det som ändrats")
    reconcile = add("reconcile", cmd_reconcile, "stäm av; 'draft ID' skapar fyndets rättelse som utkast")
    reconcile.add_argument("company")
    reconcile.add_argument("action", nargs="?", choices=["draft"])
    reconcile.add_argument("item", nargs="?", help="fyndets id (från --json)")
    reconcile.add_argument("--date", help="balansdag ÅÅÅÅ-MM-DD (förval: senaste räkenskapsårets slut)")
    reconcile.add_argument("--year", type=int, help="räkenskapsåret som slutar det här kalenderåret")
    reconcile.add_argument("--offset", help="motkonto för rättelsen (förval: andra sidan av verifikationen)")
    ledgers = add("ledgers", cmd_ledgers, "öppna poster i kund- eller leverantörsreskontran")
    ledgers.add_argument("company")
    ledgers.add_argument("--kind", choices=["customer", "supplier"], required=True)
    ledgers.add_argument("--date", help="balansdag ÅÅÅÅ-MM-DD")
    vouchers = commands.add_parser("vouchers", help="bokslutsverifikationer")
    vouchers_commands = vouchers.add_subparsers(dest="vouchers_command", required=True)
    add("list", cmd_vouchers_list, "lista företagets bokslutsverifikationer", vouchers_commands).add_argument("company")
    vouchers_add = add("add", cmd_vouchers_add, "lägg till utkast från en SIE 4I-fil", vouchers_commands)
    vouchers_add.add_argument("company")
    vouchers_add.add_argument("--sie", required=True)
    exp = add("export", cmd_export, "exportera verifikationer till Fortnox")
    exp.add_argument("company")
    exp.add_argument("--vouchers", required=True)
    return parser


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the command like Ctrl-C does, so a running import is marked as ended on the way out."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        settings = prepare()
        outcome = args.handler(settings, args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except ServiceError as exc:  # every refusal and failure a person can act on, Fortnox's and the store's too
        print(exc.message, file=sys.stderr)
        return 1
    except (sqlite3.DatabaseError, OSError) as exc:
        print(failure_message(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nAvbrutet.", file=sys.stderr)
        return 130
    print(json.dumps(outcome.payload, ensure_ascii=False, indent=2) if args.json else outcome.text)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
