"""Avstämning at a balance date: the customer and supplier ledgers against their control accounts, opening balances
against last year's closing, the trial balance, unbalanced vouchers, the locked period, and accounts with a balance
the tax return cannot use.

Peers show a bare difference; this module explains it. Every item carries its effect on the difference in the
general ledger's sign (debit positive), so the items add up to the difference and what is left is shown as
unexplained. The work is SQL aggregation and pandas over integer öre: a year of a million transaction rows reconciles
in well under two seconds. The locked period and the accounts' active flag are not in the SIE file; they are read
from Fortnox when the company is connected (`fetch_facts`) and reported as unknown otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlite_utils import Database

from services import access, store
from services.config import Settings
from services.connections import open_client
from services.fortnox import resources
from services.fortnox.errors import FortnoxError
from services.money import format_sek, ore_to_json
from services.timestamps import now_iso
from services.vouchers import EXPORTED, AdjustmentRow, create_draft

OK, DIFFERENCE, UNKNOWN = "ok", "difference", "unknown"
STATUS_LABELS = {OK: "Ok", DIFFERENCE: "Differens", UNKNOWN: "Okänt"}
CUSTOMER, SUPPLIER = "customer", "supplier"
MARK_OK, MARK_FIX = "ok", "atgardas"
MARK_LABELS = {MARK_OK: "Ok", MARK_FIX: "Åtgärdas"}

CHECK_LABELS = {
    "ar_vs_gl": "Kundreskontra mot huvudbok",
    "ap_vs_gl": "Leverantörsreskontra mot huvudbok",
    "ib_vs_previous_ub": "Ingående balans mot föregående års utgående balans",
    "trial_balance": "Råbalans summerar till noll",
    "unbalanced_vouchers": "Verifikationer i obalans",
    "locked_period": "Bokslutsverifikationer i låst period",
    "account_without_sru": "Konton med saldo men utan SRU-kod",
    "inactive_account_with_balance": "Inaktiva konton med saldo",
}
# Which of Fortnox's predefined accounts is each ledger's control account, with BAS defaults when it is missing.
CONTROL_ACCOUNTS = {"ar_vs_gl": (CUSTOMER, "CUSTCLAIM", "1510"), "ap_vs_gl": (SUPPLIER, "SUPDEBT", "2440")}
CURRENCY_GAIN, CURRENCY_LOSS = ("CURRENCYWIN", "3960"), ("CURRENCYLOSS", "7960")
REVALUATION = "currency_difference"
_DOCUMENT = {CUSTOMER: ("Kundfaktura", "kundfordringar"), SUPPLIER: ("Leverantörsfaktura", "leverantörsskulder")}
_VOUCHER_COLUMNS = ["series", "number", "date", "text", "amount"]


class ReconcileError(Exception):
    """The reconciliation cannot run or an action on it was refused; the message says why in Swedish."""


@dataclass(frozen=True)
class Year:
    id: str
    start: date
    end: date


@dataclass(frozen=True)
class VoucherKey:
    series: str
    number: str
    year: str

    @property
    def label(self) -> str:
        return f"{self.series} {self.number}"


@dataclass(frozen=True)
class Item:
    """One finding. `amount_ore` is its effect on the check's difference, except for currency revaluations
    (`explains` False), where it is the proposed revaluation of the control account."""

    kind: str
    text: str
    amount_ore: int
    account: str | None = None
    day: date | None = None
    vouchers: tuple[VoucherKey, ...] = ()
    invoice: str | None = None
    invoice_kind: str | None = None
    explains: bool = True

    @property
    def key(self) -> str:
        """Stable across balance dates and re-imports, so a mark stays on its finding."""
        voucher = f"{self.vouchers[0].year}/{self.vouchers[0].label}" if self.vouchers else ""
        return ":".join((self.kind, self.invoice or "", voucher, self.account or ""))


@dataclass(frozen=True)
class Check:
    id: str
    status: str
    gl_ore: int
    ledger_ore: int
    items: tuple[Item, ...] = ()
    account: str | None = None
    note: str = ""
    after_ore: int | None = None  # trial balance only: the sum once the adjustment vouchers are added

    @property
    def label(self) -> str:
        return CHECK_LABELS[self.id]

    @property
    def difference_ore(self) -> int:
        return self.gl_ore - self.ledger_ore

    @property
    def explained_ore(self) -> int:
        return sum(item.amount_ore for item in self.items if item.explains)

    @property
    def unexplained_ore(self) -> int:
        return self.difference_ore - self.explained_ore


@dataclass(frozen=True)
class Reconciliation:
    company_id: str
    balance_date: date
    year: Year
    checks: tuple[Check, ...]

    def check(self, check_id: str) -> Check:
        return next(check for check in self.checks if check.id == check_id)


@dataclass(frozen=True)
class Facts:
    """What only Fortnox knows: the locked period's end (None: nothing locked) and the inactive accounts."""

    known: bool
    locked_until: date | None = None
    inactive_accounts: frozenset[str] = frozenset()
    note: str = ""


UNKNOWN_FACTS = Facts(False, note="Företaget är inte anslutet till Fortnox; låst period och inaktiva konton är "
                                   "okända.")


@dataclass(frozen=True)
class Mark:
    status: str
    note: str
    marked_by: str
    marked_at: str

    @property
    def label(self) -> str:
        return MARK_LABELS[self.status]


# -- years and dates --------------------------------------------------------------------------------------------


def financial_years(db: Database, company_id: str) -> list[Year]:
    """The imported financial years, oldest first."""
    return [
        Year(row["year_id"], date.fromisoformat(row["start"]), date.fromisoformat(row["end"]))
        for row in db.query('select year_id, start, "end" from financial_years where company_id = ? order by start',
                            [company_id])
    ]


def year_of(years: Sequence[Year], day: date) -> Year:
    for year in years:
        if year.start <= day <= year.end:
            return year
    raise ReconcileError(f"Balansdagen {day} ligger inte i något importerat räkenskapsår. "
                         "Välj en dag i ett importerat år eller importera SIE4-data för året under "
                         "Underhåll → Import.")


def balance_date_for(years: Sequence[Year], calendar_year: int | None = None) -> date:
    """The default balance date: the end of the latest imported year (or of the one ending in `calendar_year`)."""
    if not years:
        raise ReconcileError("Inga räkenskapsår är importerade. "
                             "Importera SIE4-data under Underhåll → Import först.")
    if calendar_year is None:
        return years[-1].end
    for year in reversed(years):
        if year.end.year == calendar_year:
            return year.end
    raise ReconcileError(f"Inget importerat räkenskapsår slutar {calendar_year}.")


# -- helpers -----------------------------------------------------------------------------------------------------


def _div_round(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers."""
    quotient, rest = divmod(abs(numerator), abs(denominator))
    quotient += 2 * rest >= abs(denominator)
    return quotient if (numerator >= 0) == (denominator > 0) else -quotient


def _to_ore(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _frame(db: Database, sql: str, params: Sequence[object] | Mapping[str, object]) -> pd.DataFrame:
    return pd.read_sql_query(sql, db.conn, params=dict(params) if isinstance(params, Mapping) else list(params))


def _kr(ore: int) -> str:
    return f"{format_sek(ore)} kr"


def predefined_account(db: Database, company_id: str, name: str, default: str) -> str:
    """The account Fortnox names `name` for this company (CUSTCLAIM, SUPDEBT, …), else the BAS default."""
    for row in db.query("select account from predefined_accounts where company_id = ? and name = ?",
                        [company_id, name]):
        return row["account"]
    return default


@dataclass
class _Books:
    """The general ledger at the balance date: IB, movements up to the date, per account."""

    opening: dict[str, int]
    movements: dict[str, int]
    late: set[tuple[str, str]] = field(default_factory=set)  # vouchers of the year dated after the balance date

    def balance(self, account: str) -> int:
        return self.opening.get(account, 0) + self.movements.get(account, 0)


def _books(db: Database, company_id: str, year: Year, day: date, accounts: Collection[str] | None = None) -> _Books:
    """IB, and the movements up to `day` of `accounts` (all when None): the year's sums minus the vouchers dated
    after `day` (none when `day` is the year's end). The control accounts' movements come from `_scratch`."""
    key = [company_id, year.id]
    opening = {row["account"]: row["amount_ore"] for row in db.query(
        "select account, amount_ore from balances where company_id = ? and year_id = ? and kind = 'IB'", key)}
    chosen = "" if accounts is None else " and account in (select value from json_each(?))"
    movements = {row[0]: row[1] for row in db.execute(
        f"select account, sum(amount_ore) from transactions where company_id = ? and year_id = ?{chosen} "
        "group by account", key + ([] if accounts is None else [json.dumps(sorted(accounts))]))}
    late = {(series, number) for series, number in db.execute(
        "select series, number from vouchers where company_id = ? and year_id = ? and date > ?",
        [*key, day.isoformat()]).fetchall()} if day < year.end else set()
    if late:
        for account, amount in db.execute(
                "select t.account, sum(t.amount_ore) from vouchers v cross join transactions t "
                "on t.company_id = v.company_id and t.year_id = v.year_id and t.series = v.series "
                "and t.number = v.number where v.company_id = ? and v.year_id = ? and v.date > ? "
                "group by t.account", [*key, day.isoformat()]).fetchall():
            if account in movements:
                movements[account] -= amount
    return _Books(opening, movements, late)


# -- customer and supplier ledgers against the general ledger ------------------------------------------------------

_LIVE = ("ledger_invoices i where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day "
         "and i.cancelled = 0")
_FOREIGN = "coalesce(i.currency, '') not in ('', 'SEK')"
# The invoices first: few are foreign, and the payments' invoice index finds their payments.
_FOREIGN_PAYMENTS = _LIVE.replace(" where", " cross join ledger_payments p on p.company_id = i.company_id "
                                  "and p.kind = i.kind and p.invoice = i.number where", 1) + f" and {_FOREIGN}"
_PAYMENTS = ("ledger_payments p join ledger_invoices i on i.company_id = p.company_id and i.kind = p.kind "
             "and i.number = p.invoice where p.company_id = :company and p.kind = :kind and i.invoice_date <= :day "
             "and i.cancelled = 0")
# Foreign payments' reductions (computed in Python, few) are in the keyed temp table `_r` (see `_reductions`): what
# the other payments take off is their SEK.
_PAYMENTS_R = _PAYMENTS.replace(" where", " left join temp._r r on r.pid = p.rowid where", 1)


def _reductions(db: Database, reductions: Mapping[int, int]) -> None:
    db.execute("drop table if exists temp._r")
    db.execute("create temp table _r (pid integer primary key, reduction integer)")
    db.conn.executemany("insert into temp._r values (?, ?)", list(reductions.items()))


@dataclass
class _Foreign:
    """The foreign-currency invoices of a ledger: what each payment took off at the invoice's own rate (the rest
    of the SEK paid is a realised currency difference, on 3960/7960) and what is open at the balance date."""

    invoices: pd.DataFrame
    reductions: dict[int, int]
    open_value: dict[int, int]


def _foreign(db: Database, params: Mapping[str, object]) -> _Foreign:
    invoices = _frame(db, "select i.rowid as iid, i.number, i.party_name, i.invoice_date, i.total, i.balance, "
                          "i.currency, i.currency_rate, i.currency_unit, i.total_sek_ore as value from "
                          f"{_LIVE} and {_FOREIGN}", params)
    payments = db.execute(f"select p.rowid, i.rowid, p.amount_ore, p.payment_date from {_FOREIGN_PAYMENTS} "
                          "order by i.rowid, p.payment_date, p.rowid", params).fetchall()
    info = {row.iid: row for row in invoices.itertuples()}
    whole: dict[int, int] = {}
    for _, iid, amount, _ in payments:
        whole[iid] = whole.get(iid, 0) + amount
    reductions: dict[int, int] = {}
    paid: dict[int, int] = {}
    earlier: dict[int, int] = {}
    open_value = {iid: int(row.value) for iid, row in info.items()}
    for pid, iid, amount, paid_day in payments:
        row = info[iid]
        paid[iid] = paid.get(iid, 0) + amount
        total, taken = int(row.total), int(row.total) - int(row.balance)
        upto = _div_round(int(row.value) * taken * paid[iid], total * whole[iid]) if total and whole[iid] else paid[iid]
        reductions[pid] = upto - earlier.get(iid, 0)
        earlier[iid] = upto
        if paid_day <= params["day"]:
            open_value[iid] -= reductions[pid]
    return _Foreign(invoices, reductions, open_value)


def _params(company_id: str, kind: str, year: Year, day: date, account: str = "") -> dict[str, object]:
    return {"company": company_id, "kind": kind, "year": year.id, "start": year.start.isoformat(),
            "day": day.isoformat(), "account": account, "sign": 1 if kind == CUSTOMER else -1}


def _scratch(db: Database, params: Mapping[str, object], late: bool) -> None:
    """Temporary tables (this connection only): what each voucher of the year up to the balance date posts on the
    control account (`vid` numbers them), which of those vouchers book which invoice (one invoice per voucher), and
    so what each invoice posted. The joins stay in SQLite; Python only sees the rows that need explaining.

    The account's rows go in sorted by voucher, each further row of a voucher adding to its first, so `vid` follows
    (series, number), the order `_unmatched` pairs by; a GROUP BY costs more here, and SQLite would run it over every
    row of the year in key order instead of through the account index."""
    for table in ("_ctrl", "_links", "_posted"):
        db.execute(f"drop table if exists temp.{table}")
    db.execute("create temp table _ctrl (vid integer primary key, series text, number text, amount integer, "
               "unique (series, number))")
    db.execute("create temp table _links (iid integer, vid integer primary key, amount integer)")
    db.execute("create temp table _posted (iid integer primary key, posted integer)")
    db.execute("insert into _ctrl (series, number, amount) select series, number, amount_ore from transactions "
               f"indexed by {store.TRANSACTIONS_BY_ACCOUNT} where company_id = :company "
               "and year_id = :year and account = :account order by series, number "
               "on conflict (series, number) do update set amount = amount + excluded.amount", params)
    if late:
        db.execute("delete from _ctrl where exists (select 1 from vouchers v where v.company_id = :company "
                   "and v.year_id = :year and v.series = _ctrl.series and v.number = _ctrl.number "
                   "and v.date > :day)", params)
    db.execute("insert into _links select i.rowid, c.vid, c.amount from ledger_invoices i, json_each(i.vouchers) j "
               "join _ctrl c on c.series = cast(j.value ->> 0 as text) and c.number = cast(j.value ->> 1 as text) "
               "where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day "
               "and cast(j.value ->> 2 as text) = :year on conflict (vid) do update set iid = min(iid, excluded.iid)",
               params)
    db.execute("insert into _posted select iid, sum(amount) from _links group by iid")


def _unmatched(db: Database, params: Mapping[str, object]) -> tuple[list[int], set[int]]:
    """Pair each payment of the window with a voucher that day posting what it takes off on the control account
    (the n-th payment with the n-th voucher of the same day and amount, both by id); returns the payments left without
    one and the control-account vouchers that neither book an invoice nor were paired. Only a day and amount with
    unequal counts leaves anything unpaired, so SQLite counts every group in one sort and hands Python just those."""
    pids: list[int] = []
    free: set[int] = set()
    for payments, vouchers in db.execute(
            "select group_concat(pid), group_concat(vid) from (select p.payment_date as date, -:sign * "
            f"coalesce(r.reduction, p.amount_ore) as amount, p.rowid as pid, null as vid from {_PAYMENTS_R} "
            "and p.payment_date between :start and :day union all select v.date, c.amount, null, c.vid from _ctrl c "
            "cross join vouchers v on v.company_id = :company and v.year_id = :year and v.series = c.series "
            "and v.number = c.number where c.vid not in (select vid from _links)) "
            "group by amount, date having count(pid) != count(vid)", params):
        unpaid, unused = _sorted_ids(payments), _sorted_ids(vouchers)
        paired = min(len(unpaid), len(unused))
        pids += unpaid[paired:]
        free.update(unused[paired:])
    return pids, free


def _sorted_ids(concatenated: str | None) -> list[int]:
    return sorted(int(value) for value in concatenated.split(",")) if concatenated else []


def _ids(values: Sequence[int]) -> str:
    return json.dumps([int(v) for v in values])


def _ledger_check(db: Database, company_id: str, check_id: str, year: Year, day: date, books: _Books,
                  rates: Mapping[str, Decimal]) -> Check:
    kind, predefined, default = CONTROL_ACCOUNTS[check_id]
    account = predefined_account(db, company_id, predefined, default)
    params = _params(company_id, kind, year, day, account)
    sign = 1 if kind == CUSTOMER else -1
    foreign = _foreign(db, params)
    _reductions(db, foreign.reductions)
    _scratch(db, params, bool(books.late))
    total, before = db.execute(f"select coalesce(sum(i.total_sek_ore), 0), coalesce(sum(case when i.invoice_date "
                               f"< :start then i.total_sek_ore end), 0) from {_LIVE}", params).fetchone()
    paid, paid_before = db.execute("select coalesce(sum(coalesce(r.reduction, p.amount_ore)), 0), "
                                   "coalesce(sum(case when p.payment_date < :start then coalesce(r.reduction, "
                                   f"p.amount_ore) end), 0) from {_PAYMENTS_R} and p.payment_date <= :day",
                                   params).fetchone()
    items: list[Item] = []
    carried = books.opening.get(account, 0) - sign * (before - paid_before)
    if carried:
        items.append(Item("opening_difference", f"Ingående balans på {account} skiljer sig från reskontran vid "
                          f"årets början med {_kr(carried)}.", carried, account, year.start))
    items += _invoice_items(db, params, account, year)
    pids, free = _unmatched(db, params)
    payment_items, taken = _payment_items(db, params, account, year, pids, foreign.reductions, free)
    items += payment_items
    for series, number, voucher_day, text, amount in db.execute(
            "select c.series, c.number, v.date, v.text, c.amount from json_each(?) k join _ctrl c on c.vid = k.value "
            "join vouchers v on v.company_id = ? and v.year_id = ? and v.series = c.series and v.number = c.number "
            "where c.amount != 0 order by v.date, c.vid", [_ids(sorted(free - taken)), company_id, year.id]).fetchall():
        items.append(Item("manual_posting", f"Verifikation {series} {number} ({voucher_day}, ”{text}”) bokför "
                          f"{_kr(amount)} på {account} utan att någon faktura eller betalning i reskontran "
                          "förklarar det.", amount, account, date.fromisoformat(voucher_day),
                          (VoucherKey(series, number, year.id),)))
    items += _revaluations(kind, account, foreign, rates)
    area = _DOCUMENT[kind][1]
    posted = db.execute("select coalesce(sum(amount), 0) from _ctrl").fetchone()[0]
    check = Check(check_id, OK, books.opening.get(account, 0) + posted, sign * (total - paid), tuple(items), account,
                  f"Kontrollkonto {account} ({area}).")
    return _status(check)


def _invoice_items(db: Database, params: Mapping[str, object], account: str, year: Year) -> list[Item]:
    """Invoices whose own vouchers post another amount on the control account than their value (none: unbooked)."""
    rows = _frame(db, "select i.rowid as iid, i.number, i.party_name, i.invoice_date, i.total, i.currency, "
                      "i.currency_rate, i.total_sek_ore, i.booked, i.cancelled, coalesce(q.posted, 0) as posted, "
                      "case when i.cancelled = 0 and i.invoice_date >= :start then :sign * i.total_sek_ore else 0 end "
                      "as expected from ledger_invoices i left join _posted q on q.iid = i.rowid "
                      "where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day "
                      "and coalesce(q.posted, 0) != (case when i.cancelled = 0 and i.invoice_date >= :start "
                      "then :sign * i.total_sek_ore else 0 end) order by i.invoice_date, i.number", params)
    if rows.empty:
        return []
    links: dict[int, tuple[VoucherKey, ...]] = {}
    for iid, series, number in db.execute(
            "select l.iid, c.series, c.number from _links l join _ctrl c on c.vid = l.vid "
            "where l.iid in (select value from json_each(?)) order by c.series, c.number",
            [_ids(rows["iid"])]).fetchall():
        links[iid] = (*links.get(iid, ()), VoucherKey(series, number, year.id))
    return [_invoice_item(str(params["kind"]), account, row, links.get(row["iid"], ()))
            for row in rows.to_dict("records")]


def _invoice_item(kind: str, account: str, row: dict, vouchers: tuple[VoucherKey, ...]) -> Item:
    document = _DOCUMENT[kind][0]
    number, amount, posted = row["number"], int(row["posted"] - row["expected"]), int(row["posted"])
    name = f"{document} {number} ({row['party_name']}, {row['invoice_date']})"
    foreign = row["currency"] not in (None, "", "SEK")
    value = f"{format_sek(int(row['total']))} {row['currency']}" if foreign else _kr(int(row["total_sek_ore"]))
    if row["cancelled"]:
        kind_, text = "cancelled_invoice_booked", f"{name} är makulerad men bokförd med {_kr(posted)} på {account}."
    elif not posted and not row["booked"]:
        kind_, text = "unbooked_invoice", (f"{name} på {value} är inte bokförd; den finns i reskontran men inte "
                                           f"på {account}.")
    elif not posted:
        kind_, text = "invoice_booked_elsewhere", f"{name} på {value} är bokförd men inte på {account}."
    elif foreign and row["total"]:
        used = (Decimal(abs(posted)) / Decimal(int(row["total"]))).quantize(Decimal("0.0001"))
        kind_, text = "wrong_currency_rate", (f"{name} på {value} är bokförd med kursen {used} i stället för "
                                              f"fakturans {row['currency_rate']}; {account} skiljer sig med "
                                              f"{_kr(amount)}.")
    else:
        kind_, text = "invoice_amount_differs", (f"{name} på {value} är bokförd med {_kr(abs(posted))} på "
                                                 f"{account}; differens {_kr(amount)}.")
    return Item(kind_, text, amount, account, date.fromisoformat(row["invoice_date"]), vouchers, number, kind)


def _pair(left: pd.DataFrame, left_on: list[str], right: pd.DataFrame, right_on: list[str]) -> pd.DataFrame:
    """One-to-one matches on equal keys (the n-th left row with the n-th right row of the same key)."""
    left = left.assign(_nth=left.groupby(left_on).cumcount())
    right = right.assign(_nth=right.groupby(right_on).cumcount())
    return left.merge(right, left_on=[*left_on, "_nth"], right_on=[*right_on, "_nth"], suffixes=("", "_v"))


def _payment_items(db: Database, params: Mapping[str, object], account: str, year: Year, pids: list[int],
                   reductions: Mapping[int, int], free: set[int]) -> tuple[list[Item], set[int]]:
    """Payments no voucher that day posts on the control account as expected: look for a voucher that day moving
    the money (the bank side) and say where it went. Returns the items and the vouchers they account for."""
    if not pids:
        return [], set()
    sign, kind = int(params["sign"]), str(params["kind"])
    payments = _frame(db, "select rowid as pid, number, invoice, amount_ore, payment_date, booked from ledger_payments "
                          "where rowid in (select value from json_each(?)) order by payment_date, rowid", [_ids(pids)])
    payments["expected"] = [-sign * reductions.get(pid, amount) for pid, amount in
                            zip(payments["pid"], payments["amount_ore"])]
    payments["bank"] = sign * payments["amount_ore"]
    # The candidate vouchers first (those that day neither booking an invoice nor paired with a payment), then
    # their rows: the day's other vouchers are never looked at.
    rows = _frame(db, "with v as materialized (select v.company_id, v.year_id, v.series, v.number, v.date, c.vid "
                      "from vouchers v left join _ctrl c on c.series = v.series and c.number = v.number "
                      "where v.company_id = ? and v.year_id = ? and v.date in (select value from json_each(?)) "
                      "and (c.vid is null or c.vid in (select value from json_each(?)))) "
                      "select v.series, v.number, v.date, t.account, t.amount_ore, v.vid, "
                      "v.vid in (select vid from _links) as linked from v join transactions t "
                      "on t.company_id = v.company_id and t.year_id = v.year_id and t.series = v.series "
                      "and t.number = v.number",
                  [params["company"], year.id, json.dumps(sorted(set(payments["payment_date"]))), _ids(sorted(free))])
    rows = rows[(rows["linked"] != 1) & (rows["vid"].isna() | rows["vid"].isin(list(free)))]
    bank = rows[rows["account"] != account].drop_duplicates(["series", "number", "amount_ore"])
    found = {hit["pid"]: hit for hit in _pair(payments, ["payment_date", "bank"], bank,
                                              ["date", "amount_ore"]).to_dict("records")}
    posted = rows[rows["account"] == account].groupby(["series", "number"])["amount_ore"].sum()
    items, taken = [], set()
    for payment in payments.to_dict("records"):
        what = "Inbetalning" if kind == CUSTOMER else "Utbetalning"
        name = (f"{what} {payment['number']} av {_DOCUMENT[kind][0].lower()} {payment['invoice']} "
                f"({_kr(int(payment['amount_ore']))}, {payment['payment_date']})")
        expected, invoice = int(payment["expected"]), payment["invoice"]
        day = date.fromisoformat(payment["payment_date"])
        hit = found.get(payment["pid"])
        if hit is None:
            kind_ = "payment_voucher_missing" if payment["booked"] else "unbooked_payment"
            text = f"{name} hittas inte i huvudboken." if payment["booked"] else f"{name} är inte bokförd."
            items.append(Item(kind_, text, -expected, account, day, (), invoice, kind))
            continue
        if not pd.isna(hit["vid"]):
            taken.add(int(hit["vid"]))
        key = VoucherKey(hit["series"], hit["number_v"], year.id)
        on_control = int(posted.get((hit["series"], hit["number_v"]), 0))
        if on_control:
            items.append(Item("payment_amount_differs", f"{name} är bokförd på {key.label} med "
                              f"{_kr(on_control)} på {account}; differens {_kr(on_control - expected)}.",
                              on_control - expected, account, day, (key,), invoice, kind))
            continue
        own = rows[(rows["series"] == hit["series"]) & (rows["number"] == hit["number_v"])]
        others = sorted(set(own["account"]) - {hit["account"]})
        items.append(Item("payment_wrong_account", f"{name} är bokförd på {key.label} mot "
                          f"{', '.join(others) or 'annat konto'} i stället för {account}.", -expected, account, day,
                          (key,), invoice, kind))
    return items, taken


def _revaluations(kind: str, account: str, foreign: _Foreign, rates: Mapping[str, Decimal]) -> list[Item]:
    """Open foreign items valued at the balance-date rate the user gave for their currency (none given: no item)."""
    sign = 1 if kind == CUSTOMER else -1
    items = []
    for row in foreign.invoices[foreign.invoices["currency"].isin(list(rates))].itertuples():
        open_value = foreign.open_value[row.iid]
        if not open_value or not row.value:
            continue
        open_currency = _div_round(open_value * int(row.total), int(row.value))
        unit = Decimal(row.currency_unit or "1") or Decimal(1)
        change = sign * (_to_ore(Decimal(open_currency) * rates[row.currency] / unit) - open_value)
        if change:
            text = (f"{_DOCUMENT[kind][0]} {row.number} ({row.party_name}): {format_sek(open_currency)} {row.currency} "
                    f"öppet, kurs {row.currency_rate} → {rates[row.currency]}: omvärdering {_kr(change)}.")
            items.append(Item(REVALUATION, text, change, account, None, (), row.number, kind, explains=False))
    return items


def open_currencies(db: Database, company_id: str, day: date) -> dict[str, Decimal]:
    """Currencies with open foreign items at `day`, each with the rate of its latest open invoice (a starting
    point for the balance-date rate the user enters)."""
    year = year_of(financial_years(db, company_id), day)
    rates: dict[str, Decimal] = {}
    for kind in (CUSTOMER, SUPPLIER):
        foreign = _foreign(db, _params(company_id, kind, year, day))
        for row in foreign.invoices.sort_values("invoice_date").itertuples():
            if foreign.open_value[row.iid]:
                rates[row.currency] = Decimal(row.currency_rate)
    return dict(sorted(rates.items()))


# -- the books on their own ---------------------------------------------------------------------------------------


def _opening_check(db: Database, company_id: str, years: Sequence[Year], year: Year, books: _Books) -> Check:
    previous = next((y for y in reversed(years) if y.end < year.start), None)
    if previous is None:
        return Check("ib_vs_previous_ub", UNKNOWN, 0, 0, note="Föregående räkenskapsår är inte importerat.")
    closing = {row["account"]: row["amount_ore"] for row in db.query(
        "select account, amount_ore from balances where company_id = ? and year_id = ? and kind = 'UB'",
        [company_id, previous.id])}
    items = []
    for account in sorted(set(closing) | set(books.opening)):
        opening, before = books.opening.get(account, 0), closing.get(account, 0)
        if opening != before:
            items.append(Item("opening_balance_mismatch", f"Ingående balans på {account} ({_kr(opening)}) "
                              f"skiljer sig från föregående års utgående balans ({_kr(before)}) med "
                              f"{_kr(opening - before)}.",
                              opening - before, account, year.start))
    gl = sum(books.opening.get(item.account or "", 0) for item in items)
    ledger = sum(closing.get(item.account or "", 0) for item in items)
    return _status(Check("ib_vs_previous_ub", OK, gl, ledger, tuple(items),
                         note=f"Jämfört med {previous.start}–{previous.end}."))


def _unbalanced(db: Database, company_id: str, year: Year, day: date, books: _Books) -> list[Item]:
    rows = db.execute("select t.series, t.number, sum(t.amount_ore) from transactions t "
                      "where t.company_id = ? and t.year_id = ? group by t.series, t.number "
                      "having sum(t.amount_ore) != 0", [company_id, year.id]).fetchall()
    items = []
    for series, number, amount in rows:
        if (series, number) in books.late:
            continue
        key = VoucherKey(series, number, year.id)
        items.append(Item("unbalanced_voucher", f"Verifikation {key.label} är i obalans med {_kr(amount)}.", amount,
                          vouchers=(key,)))
    return items


def _adjustments(db: Database, company_id: str, year: Year, day: date) -> pd.DataFrame:
    """The company's adjustment vouchers in the year up to `day`, leaving out exported ones already imported back
    (those are in the books once, as Fortnox vouchers)."""
    return _frame(db, "select a.id, a.date, a.text, a.status, r.account, r.debit_ore - r.credit_ore as amount "
                      "from adjustment_vouchers a join adjustment_rows r on r.voucher_id = a.id "
                      "where a.company_id = ? and a.date between ? and ? and not exists ("
                      "select 1 from vouchers v where a.status = ? and v.company_id = a.company_id "
                      "and v.year_id = a.fortnox_year and v.series = a.fortnox_series and v.number = a.fortnox_number)",
                  [company_id, year.start.isoformat(), day.isoformat(), EXPORTED])


def _trial_balance_check(db: Database, company_id: str, year: Year, day: date, books: _Books,
                         unbalanced: list[Item]) -> Check:
    before = sum(books.opening.values()) + sum(item.amount_ore for item in unbalanced)  # balanced vouchers add 0
    adjustments = _adjustments(db, company_id, year, day)
    after = before + int(adjustments["amount"].sum())
    items = list(unbalanced)
    opening = sum(books.opening.values())
    if opening:
        items.insert(0, Item("opening_balances_unbalanced", f"Årets ingående balanser summerar till {_kr(opening)} "
                             "i stället för noll.", opening, day=year.start))
    for voucher_id, rows in adjustments.groupby("id"):
        if int(rows["amount"].sum()):
            items.append(Item("unbalanced_adjustment", f"Bokslutsverifikationen ”{rows['text'].iloc[0]}” "
                              f"({rows['date'].iloc[0]}) är i obalans med {_kr(int(rows['amount'].sum()))}.",
                              int(rows["amount"].sum()), day=date.fromisoformat(rows["date"].iloc[0]), explains=False))
    note = f"Summa före bokslutsverifikationer {_kr(before)}, efter {_kr(after)}."
    return _status(Check("trial_balance", OK, before, 0, tuple(items), note=note, after_ore=after))


def trial_balance_table(db: Database, company_id: str, year: Year, day: date) -> pd.DataFrame:
    """Per account: IB, movements to the date, balance, adjustments and balance after them (öre), for drill-down."""
    books = _books(db, company_id, year, day)
    adjustments = _adjustments(db, company_id, year, day).groupby("account")["amount"].sum()
    names = {row["number"]: row["name"] for row in db.query(
        "select number, name from accounts where company_id = ? and year_id = ?", [company_id, year.id])}
    accounts = sorted(set(books.opening) | set(books.movements) | set(adjustments.index))
    frame = pd.DataFrame({
        "Konto": accounts,
        "Namn": [names.get(a, "") for a in accounts],
        "IB": [books.opening.get(a, 0) for a in accounts],
        "Period": [books.movements.get(a, 0) for a in accounts],
        "Saldo": [books.balance(a) for a in accounts],
        "Bokslutsverifikationer": [int(adjustments.get(a, 0)) for a in accounts],
    })
    frame["Efter bokslutsverifikationer"] = frame["Saldo"] + frame["Bokslutsverifikationer"]
    return frame


def _locked_check(db: Database, company_id: str, year: Year, day: date, facts: Facts) -> Check:
    if not facts.known:
        return Check("locked_period", UNKNOWN, 0, 0, note=facts.note)
    if facts.locked_until is None:
        return Check("locked_period", OK, 0, 0, note="Ingen period är låst i Fortnox.")
    lock = facts.locked_until
    items = []
    if lock >= year.start:
        items.append(Item("locked_period", f"Perioden är låst t.o.m. {lock}, inne i räkenskapsåret "
                          f"{year.start}–{year.end}; verifikationer daterade i den låsta delen avvisas av Fortnox.",
                          0, day=lock))
    for row in db.query("select id, date, text from adjustment_vouchers where company_id = ? and status != ? "
                        "and date <= ? order by date", [company_id, EXPORTED, lock.isoformat()]):
        items.append(Item("adjustment_in_locked_period", f"Bokslutsverifikationen ”{row['text']}” är daterad "
                          f"{row['date']}, i den låsta perioden (t.o.m. {lock}); Fortnox tar inte emot den.", 0,
                          day=date.fromisoformat(row["date"]), invoice=None))
    return _status(Check("locked_period", OK, 0, 0, tuple(items), note=f"Låst t.o.m. {lock}."))


def _account_check(check_id: str, accounts: Sequence[str], books: _Books, names: Mapping[str, str],
                   describe: str, day: date) -> Check:
    items = [Item(check_id, f"Konto {a} {names.get(a, '')} {describe} men har saldot {_kr(books.balance(a))}.",
                  books.balance(a), a, day) for a in sorted(accounts) if books.balance(a)]
    return _status(Check(check_id, OK, sum(item.amount_ore for item in items), 0, tuple(items)))


def _status(check: Check) -> Check:
    problem = check.items or check.difference_ore or (check.after_ore or 0)
    return replace(check, status=DIFFERENCE if problem else OK)


# -- the whole reconciliation --------------------------------------------------------------------------------------


def reconcile(db: Database, company_id: str, balance_date: date | None = None,
              rates: Mapping[str, Decimal] | None = None, facts: Facts = UNKNOWN_FACTS) -> Reconciliation:
    """Every check at `balance_date` (default: the end of the latest imported year); pure computation on the
    database, no Fortnox call (`facts` brings what only Fortnox knows)."""
    years = financial_years(db, company_id)
    day = balance_date or balance_date_for(years)
    year = year_of(years, day)
    names = {row["number"]: row["name"] for row in db.query(
        "select number, name from accounts where company_id = ? and year_id = ?", [company_id, year.id])}
    unsru = [row["number"] for row in db.query(
        "select number from accounts where company_id = ? and year_id = ? and coalesce(sru, '') = ''",
        [company_id, year.id])]
    books = _books(db, company_id, year, day, {*unsru, *facts.inactive_accounts})
    unbalanced = _unbalanced(db, company_id, year, day, books)
    checks = [
        _ledger_check(db, company_id, "ar_vs_gl", year, day, books, rates or {}),
        _ledger_check(db, company_id, "ap_vs_gl", year, day, books, rates or {}),
        _opening_check(db, company_id, years, year, books),
        _trial_balance_check(db, company_id, year, day, books, unbalanced),
        _status(Check("unbalanced_vouchers", OK, sum(i.amount_ore for i in unbalanced), 0, tuple(unbalanced))),
        _locked_check(db, company_id, year, day, facts),
        _account_check("account_without_sru", unsru, books, names, "saknar SRU-kod", day),
        _account_check("inactive_account_with_balance", sorted(facts.inactive_accounts), books, names,
                       "är inaktivt", day)
        if facts.known else Check("inactive_account_with_balance", UNKNOWN, 0, 0, note=facts.note),
    ]
    return Reconciliation(company_id, day, year, tuple(checks))


def fetch_facts(settings: Settings, company_id: str, year_id: str) -> Facts:
    """The locked period and the inactive accounts, read from Fortnox now (two or three requests); unknown, with the
    reason, when the company is not connected or Fortnox does not answer."""
    try:
        with open_client(settings, company_id) as client:
            locked = resources.locked_period(client)
            inactive = frozenset(a.number for a in resources.accounts(client, year_id) if not a.active)
    except FortnoxError as exc:
        return Facts(False, note=f"Låst period och inaktiva konton kunde inte hämtas från Fortnox: {exc.message}")
    return Facts(True, locked, inactive)


def run(settings: Settings, company_id: str, balance_date: date | None = None,
        rates: Mapping[str, Decimal] | None = None, *, live: bool = True) -> Reconciliation:
    """Reconcile with what Fortnox alone knows fetched first (`live`), as the page and the command line do."""
    with store.open_db(settings.database_path) as db:
        years = financial_years(db, company_id)
        day = balance_date or balance_date_for(years)
        year = year_of(years, day)
    facts = fetch_facts(settings, company_id, year.id) if live else UNKNOWN_FACTS
    with store.open_db(settings.database_path) as db:
        return reconcile(db, company_id, day, rates, facts)


# -- what the command line and the page show ----------------------------------------------------------------------


def item_json(item: Item, mark: Mark | None = None) -> dict[str, object]:
    first = item.vouchers[0] if item.vouchers else None
    return {
        "key": item.key, "kind": item.kind, "text": item.text, "account": item.account,
        "amount": ore_to_json(item.amount_ore), "date": item.day.isoformat() if item.day else None,
        "voucher": {"series": first.series, "number": first.number, "year": first.year} if first else None,
        "vouchers": [{"series": v.series, "number": v.number, "year": v.year} for v in item.vouchers],
        "invoice": item.invoice, "invoice_kind": item.invoice_kind, "explains_difference": item.explains,
        "mark": {"status": mark.status, "note": mark.note, "by": mark.marked_by, "at": mark.marked_at}
        if mark else None,
    }


def to_json(result: Reconciliation, marks: Mapping[tuple[str, str], Mark] | None = None) -> dict[str, object]:
    """The command line's shape (DESIGN §8): amounts as strings in the general ledger's sign."""
    marks = marks or {}
    checks = []
    for check in result.checks:
        entry: dict[str, object] = {
            "id": check.id, "label": check.label, "status": check.status, "account": check.account,
            "gl": ore_to_json(check.gl_ore), "ledger": ore_to_json(check.ledger_ore),
            "difference": ore_to_json(check.difference_ore),
            "explained": ore_to_json(check.explained_ore), "unexplained": ore_to_json(check.unexplained_ore),
            "note": check.note,
            "items": [item_json(item, marks.get((check.id, item.key))) for item in check.items],
        }
        if check.after_ore is not None:
            entry["after_adjustments"] = ore_to_json(check.after_ore)
        checks.append(entry)
    return {"company": result.company_id, "balance_date": result.balance_date.isoformat(),
            "year": {"id": result.year.id, "start": result.year.start.isoformat(), "end": result.year.end.isoformat()},
            "checks": checks}


def voucher_rows(db: Database, company_id: str, vouchers: Sequence[VoucherKey]) -> pd.DataFrame:
    """The rows of the named vouchers, for drill-down (Belopp in öre, debit positive)."""
    if not vouchers:
        return pd.DataFrame(columns=["Verifikation", "Datum", "Text", "Konto", "Belopp", "Transaktionstext"])
    keys = json.dumps([[v.year, v.series, v.number] for v in vouchers])
    return _frame(db, "select t.series || ' ' || t.number as Verifikation, v.date as Datum, v.text as Text, "
                      "t.account as Konto, t.amount_ore as Belopp, t.text as Transaktionstext "
                      "from transactions t join vouchers v on v.company_id = t.company_id and v.year_id = t.year_id "
                      "and v.series = t.series and v.number = t.number where t.company_id = ? and exists ("
                      "select 1 from json_each(?) k where json_extract(k.value, '$[0]') = t.year_id "
                      "and json_extract(k.value, '$[1]') = t.series and json_extract(k.value, '$[2]') = t.number) "
                      "order by t.year_id, t.series, cast(t.number as integer), t.row_no", [company_id, keys])


def invoice_rows(db: Database, company_id: str, kind: str, numbers: Sequence[str], day: date) -> pd.DataFrame:
    """The named invoices with their payments up to `day`, for drill-down (SEK amounts in öre)."""
    return _frame(db, "select i.number as Faktura, i.party_name as Motpart, i.invoice_date as Fakturadatum, "
                      "i.due_date as Förfallodatum, i.currency as Valuta, i.total as \"Belopp i valuta\", "
                      "i.total_sek_ore as \"Belopp SEK\", coalesce((select sum(p.amount_ore) from ledger_payments p "
                      "where p.company_id = i.company_id and p.kind = i.kind and p.invoice = i.number "
                      "and p.payment_date <= ?), 0) as \"Betalt SEK\", "
                      "case when i.booked then 'Ja' else 'Nej' end as Bokförd "
                      "from ledger_invoices i where i.company_id = ? and i.kind = ? "
                      "and i.number in (select value from json_each(?)) order by i.invoice_date",
                  [day.isoformat(), company_id, kind, json.dumps(list(numbers))])


# -- marks --------------------------------------------------------------------------------------------------------


def marks(db: Database, company_id: str) -> dict[tuple[str, str], Mark]:
    return {(row["check_id"], row["item_key"]): Mark(row["status"], row["note"] or "", row["marked_by"] or "",
                                                      row["marked_at"] or "")
            for row in db["reconciliation_marks"].rows_where("company_id = ?", [company_id])}


def set_mark(settings: Settings, company_id: str, check_id: str, item_key: str, status: str, note: str,
             actor: str) -> None:
    """Keep a person's verdict on a finding (Ok / Åtgärdas) with a note, and who gave it when."""
    if status not in MARK_LABELS:
        raise ReconcileError("Välj Ok eller Åtgärdas.")
    with access.acting(settings, actor, "reconcile", company_id, error=ReconcileError) as db, store.write_lock(db):
        db["reconciliation_marks"].upsert(
            {"company_id": company_id, "check_id": check_id, "item_key": item_key, "status": status,
             "note": note.strip(), "marked_by": actor, "marked_at": now_iso()},
            pk=("company_id", "check_id", "item_key"))


# -- adjustment drafts --------------------------------------------------------------------------------------------


def _known_accounts(db: Database, company_id: str, day: date) -> dict[str, str]:
    year = year_of(financial_years(db, company_id), day)
    return {row["number"]: row["name"] for row in db.query(
        "select number, name from accounts where company_id = ? and year_id = ?", [company_id, year.id])}


def _store_draft(settings: Settings, company_id: str, day: date, text: str, rows: list[AdjustmentRow],
                 actor: str) -> str:
    with access.acting(settings, actor, "reconcile", company_id, error=ReconcileError) as db, store.write_lock(db):
        known = _known_accounts(db, company_id, day)
        missing = sorted({row.account for row in rows} - set(known))
        if missing:
            raise ReconcileError(f"Konto {', '.join(missing)} finns inte i företagets kontoplan för {day.year}. "
                                 "Välj ett annat konto.")
        voucher_id = create_draft(db, company_id, day, text, rows)
        db["audit_log"].insert({"at": now_iso(), "actor": actor, "company_id": company_id,
                                "action": "reconcile_draft", "detail": f"{text} {day}", "voucher_id": voucher_id})
    return voucher_id


def _row(account: str, amount: int, text: str) -> AdjustmentRow:
    """Debit positive."""
    return AdjustmentRow(account, debit_ore=max(amount, 0), credit_ore=max(-amount, 0), text=text)


def draft_from_difference(settings: Settings, company_id: str, *, account: str, amount_ore: int,
                          offset_account: str, day: date, text: str, actor: str) -> str:
    """A draft that takes `amount_ore` (a difference in the general ledger's sign) off `account` against the
    offset account the user chose; it then waits on Verifikationer to be checked and exported."""
    offset_account = offset_account.strip()
    if not amount_ore:
        raise ReconcileError("Differensen är noll; det finns inget att bokföra.")
    if not offset_account or offset_account == account:
        raise ReconcileError(f"Välj ett motkonto som inte är {account}.")
    rows = [_row(account, -amount_ore, text), _row(offset_account, amount_ore, text)]
    return _store_draft(settings, company_id, day, text, rows, actor)


def revaluation_draft(settings: Settings, company_id: str, check: Check, day: date, actor: str) -> str:
    """The balance-date revaluation of a ledger's open foreign items as one draft: the control account against the
    company's currency gain and loss accounts (Fortnox's CURRENCYWIN / CURRENCYLOSS, else 3960 / 7960)."""
    change = sum(item.amount_ore for item in check.items if item.kind == REVALUATION)
    if not change or check.account is None:
        raise ReconcileError("Ingen omvärdering att bokföra: ange balansdagens kurs för en valuta med "
                             "öppna poster.")
    with store.open_db(settings.database_path) as db:
        gain = predefined_account(db, company_id, *CURRENCY_GAIN)
        loss = predefined_account(db, company_id, *CURRENCY_LOSS)
    text = f"Omvärdering {CHECK_LABELS[check.id].split(' mot ')[0].lower()} per {day}"
    rows = [_row(check.account, change, text), _row(gain if change > 0 else loss, -change, text)]
    return _store_draft(settings, company_id, day, text, rows, actor)
