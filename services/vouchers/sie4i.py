"""Year-end vouchers to and from SIE 4I: drafts from an uploaded file (or `vouchers add --sie`), and a file of
chosen vouchers for a company whose Fortnox can't take them through the API (Fortnox's own SIE import reads it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.companies.model import Company
from services.config import Settings
from services.imports.sie4 import amount_errors
from services.sie import SieDocument, SieError, SieMessage, SieTransaction, SieVoucher, read_sie, write_sie
from services.sie.model import TRANS
from services.vouchers.drafts import add_drafts
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, VoucherError, VoucherSource

COST_CENTER_DIM, PROJECT_DIM = "1", "6"  # SIE's reserved dimensions
DIMENSION_NAMES = {COST_CENTER_DIM: "Kostnadsställe", PROJECT_DIM: "Projekt"}
PROGRAM = ("Skatt & Bokslut", "1.0")
MAX_SIE_4I_BYTES = 20 * 1024 * 1024  # year-end vouchers: a few hundred rows; more is not a SIE 4I file of them

Draft = tuple[date, str, list[AdjustmentRow]]


def _row(t: SieTransaction) -> AdjustmentRow:
    objects = dict(t.objects)
    return AdjustmentRow(
        account=t.account,
        debit_ore=max(t.amount_ore, 0),
        credit_ore=max(-t.amount_ore, 0),
        text=t.text,
        cost_center=objects.get(COST_CENTER_DIM, ""),
        project=objects.get(PROJECT_DIM, ""),
    )


def drafts_from_sie(data: bytes) -> list[Draft]:
    """Each #VER of the file as a draft (its current rows); a file that can't be read says which line."""
    if len(data) > MAX_SIE_4I_BYTES:
        raise VoucherError(f"SIE-filen är större än {MAX_SIE_4I_BYTES // (1024 * 1024)} MB, så den innehåller inte "
                           "bara bokslutsverifikationer. Välj en SIE 4I-fil med verifikationerna.")
    try:
        document = read_sie(data)
    except SieError as exc:
        raise VoucherError(f"SIE-filen kunde inte läsas. {exc.message}") from None
    if errors := amount_errors(document.balances, document.vouchers):
        raise VoucherError(f"SIE-filen kunde inte läsas. {errors[0].message}")
    if not document.vouchers:
        raise VoucherError("SIE-filen innehåller inga verifikationer (#VER). Välj en SIE 4I-fil med verifikationer.")
    return [(v.date, v.text or "Importerad verifikation", [_row(t) for t in v.rows]) for v in document.vouchers]


def import_sie(settings: Settings, company_id: str, data: bytes, *, actor: str) -> list[str]:
    """The file's vouchers as new drafts of the company, all or none; their ids."""
    return add_drafts(settings, company_id, drafts_from_sie(data), actor=actor, source=VoucherSource.SIE)


def _objects(row: AdjustmentRow) -> tuple[tuple[str, str], ...]:
    return tuple((dim, value) for dim, value in ((COST_CENTER_DIM, row.cost_center), (PROJECT_DIM, row.project))
                 if value)


def _sie_voucher(voucher: AdjustmentVoucher) -> SieVoucher:
    rows = tuple(
        SieTransaction(account=row.account, amount_ore=row.debit_ore - row.credit_ore, objects=_objects(row),
                       date=None, text=row.text, quantity=None, kind=TRANS, line=0)
        for row in voucher.rows
    )
    return SieVoucher(series="", number="", date=voucher.date, text=voucher.text, reg_date=None, transactions=rows,
                      line=0)


def sie_4i(company: Company, vouchers: Sequence[AdjustmentVoucher], today: date) -> tuple[bytes, list[SieMessage]]:
    """A SIE 4I file of the vouchers, and the writer's warnings (texts cut to Fortnox's 50 characters, replaced
    characters). Raises SieWriteError for an unbalanced voucher."""
    sie_vouchers = [_sie_voucher(v) for v in vouchers]
    used = {dim for v in sie_vouchers for t in v.transactions for dim, _ in t.objects}
    document = SieDocument(
        encoding="cp437", format="PC8", sietype=4, program=PROGRAM[0], program_version=PROGRAM[1], generated=today,
        company_name=company.name, orgnr=company.orgnr or None, vouchers=sie_vouchers,
        dimensions={dim: name for dim, name in DIMENSION_NAMES.items() if dim in used},
    )
    return write_sie(document, kind="4I", unencodable="replace")
