"""SIE 1-4 export written the way Fortnox writes it (`GET /3/sie/{type}`), from the sandbox's current books.

Byte-level habits copied from a real Fortnox export (shared/sie-samples/fortnox-3.40.4_*.se and FORMAT.md §9):
CP437 ("PC8"), CRLF, no newline after the last line; header order `#FLAGGA #FORMAT #SIETYP #PROGRAM #GEN
#FNR #FNAMN #ADRESS (4 fields + a trailing space) #RAR 0 #RAR -1 #ORGNR #OMFATTN #KPTYP`; `#KONTO` and
`#SRU` interleaved; `#DIM` and `#OBJEKT` (types 3-4); `#IB`/`#UB` pairs of year 0, then `#PSALDO` of years 0 and -1, then `#RES 0`, a blank
line, year -1's `#IB`/`#UB` and `#RES`, five blank lines, then the vouchers series by series; every balance
line ends in a quantity ` 0`; `#TRANS acct {objects} amount "" "text" 0`; amounts in minimal form; `\\"` in texts.
A corrected voucher (shared/sie-samples/fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se) has its struck rows as
`#BTRANS` and the rows added in their place as `#RTRANS` followed by the same `#TRANS`, both ending in the name of
who corrected it. Balances and `#PSALDO` leave struck rows out.
"""

from __future__ import annotations

from datetime import date

from sandbox.amounts import sie_amount
from sandbox.books import YearBalances, previous_year, year_balances
from sandbox.records import FinancialYear, VoucherRow
from sandbox.books_store import BooksStore

PROGRAM_VERSION = "3.56.9"
SIE_TYPES = (1, 2, 3, 4)


def quote(text: str) -> str:
    """A SIE string field: always quoted, inner quotes escaped as Fortnox does."""
    return '"' + text.replace('"', '\\"') + '"'


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _objects(row: VoucherRow) -> str:
    """A row's object list: `{1 "BYGG" 6 "P101"}` for its cost centre (dimension 1) and project (6), else `{}`."""
    pairs = [f"{dim} {quote(code)}" for dim, code in ((1, row.cost_center), (6, row.project)) if code]
    return "{" + " ".join(pairs) + "}"


def _row_lines(row: VoucherRow, corrected_by: str) -> list[str]:
    """One voucher row: `#TRANS`, or for a corrected row `#BTRANS` (struck) / `#RTRANS` + its `#TRANS` (added)."""
    fields = f"{row.account} {_objects(row)} {sie_amount(row.amount)} \"\" {quote(row.transaction_information)} 0"
    if row.removed:
        return [f"#BTRANS {fields} {quote(corrected_by)}"]
    if row.added:
        return [f"#RTRANS {fields} {quote(corrected_by)}", f"#TRANS {fields}"]
    return [f"#TRANS {fields}"]


def _ib_ub_lines(balances: YearBalances, index: int) -> list[str]:
    closing = balances.closing
    accounts = sorted(a for a in closing if balances.opening.get(a, 0) != 0 or a in balances.movements)
    lines: list[str] = []
    for account in accounts:
        lines.append(f"#IB {index} {account} {sie_amount(balances.opening.get(account, 0))} 0")
        lines.append(f"#UB {index} {account} {sie_amount(closing[account])} 0")
    return lines


def _res_lines(balances: YearBalances, index: int) -> list[str]:
    return [f"#RES {index} {account} {sie_amount(amount)} 0" for account, amount in sorted(balances.result.items())]


def _psaldo_lines(store: BooksStore, tenant_id: str, year: FinancialYear, index: int) -> list[str]:
    monthly = store.monthly_movements(tenant_id, year.id)
    return [f"#PSALDO {index} {period} {account} {{}} {sie_amount(amount)} 0"
            for (account, period), amount in sorted(monthly.items())]


def export_sie(store: BooksStore, tenant_id: str, year: FinancialYear, sie_type: int, generated: date) -> bytes:
    """The SIE file of one financial year as Fortnox would deliver it: CP437 bytes."""
    if sie_type not in SIE_TYPES:
        raise ValueError(f"SIE type must be 1-4, not {sie_type}")
    company = store.company(tenant_id)
    if company is None:
        raise LookupError(tenant_id)
    before = previous_year(store, tenant_id, year)
    current = year_balances(store, tenant_id, year)
    earlier = year_balances(store, tenant_id, before) if before else None

    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        f"#SIETYP {sie_type}",
        f'#PROGRAM "Fortnox" {PROGRAM_VERSION}',
        f"#GEN {_ymd(generated)}",
        f"#FNR {tenant_id}",
        f"#FNAMN {quote(company.name)}",
        f"#ADRESS {quote(company.contact)} {quote(company.address)} {quote(f'{company.zip_code} {company.city}')} "
        f"{quote(company.phone)} ",
        f"#RAR 0 {_ymd(year.from_date)} {_ymd(year.to_date)}",
    ]
    if before:
        lines.append(f"#RAR -1 {_ymd(before.from_date)} {_ymd(before.to_date)}")
    lines += [f"#ORGNR {company.orgnr}", f"#OMFATTN {_ymd(year.to_date)}", "#KPTYP EUBAS97", ""]

    for account in store.accounts(tenant_id, year.id):
        lines.append(f"#KONTO {account.number} {quote(account.name)}")
        if account.sru:
            lines.append(f"#SRU {account.number} {account.sru}")
    lines.append("")
    if sie_type >= 3:
        lines += ['#DIM 1 "Kostnadsställe"', '#DIM 6 "Projekt"']
        lines += [f"#OBJEKT 1 {quote(c.code)} {quote(c.description)}" for c in store.cost_centers(tenant_id)]
        lines += [f"#OBJEKT 6 {quote(p.number)} {quote(p.description)}" for p in store.projects(tenant_id)]
        lines.append("")

    lines += _ib_ub_lines(current, 0)
    if sie_type >= 2:
        lines += _psaldo_lines(store, tenant_id, year, 0)
        if before:
            lines += _psaldo_lines(store, tenant_id, before, -1)
    lines += _res_lines(current, 0)
    lines.append("")
    if earlier:
        lines += _ib_ub_lines(earlier, -1)
        lines += _res_lines(earlier, -1)

    if sie_type == 4:
        lines += [""] * 5
        rows = store.voucher_rows_by_voucher(tenant_id, year.id)
        for voucher in store.vouchers(tenant_id, year.id):
            lines.append(f"#VER {voucher.series} {voucher.number} {_ymd(voucher.transaction_date)} "
                         f"{quote(voucher.description)} {_ymd(voucher.registration_date)}")
            lines.append("{")
            for row in rows.get((voucher.series, voucher.number), []):
                lines += _row_lines(row, company.contact)
            lines.append("}")
    while lines and lines[-1] == "":
        lines.pop()
    return "\r\n".join(lines).encode("cp437", errors="replace")

