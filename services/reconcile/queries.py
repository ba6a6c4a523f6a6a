"""Every SQL statement of the reconciliation, whole and named. Parameters are named (:company, :kind, :year,
:start, :day, :account, :sign) or positional where a statement says so.

The ledger checks work in temporary tables of their connection: `_ctrl` (what each voucher of the year up to the
balance date posts on the control account; `vid` numbers them), `_links` (which of those vouchers book which
invoice), `_posted` (what each invoice posted) and `_r` (what each foreign payment took off at its invoice's rate).
"""

from __future__ import annotations

from services import store

FINANCIAL_YEARS = 'select year_id, start, "end" from financial_years where company_id = ? order by start'
ACCOUNT_NAMES = "select number, name from accounts where company_id = ? and year_id = ? order by number"
# The SRU code the tax return will use: the company's saved mapping first, else the books'.
ACCOUNTS_WITHOUT_SRU = ("select a.number from accounts a left join account_mappings m on m.company_id = a.company_id "
                        "and m.account = a.number where a.company_id = ? and a.year_id = ? "
                        "and coalesce(nullif(m.sru, ''), a.sru, '') = ''")
BALANCES_OF_KIND = "select account, amount_ore from balances where company_id = ? and year_id = ? and kind = ?"
MOVEMENTS = ("select account, sum(amount_ore) from transactions where company_id = ? and year_id = ? "
             "group by account")
MOVEMENTS_OF_ACCOUNTS = ("select account, sum(amount_ore) from transactions where company_id = ? and year_id = ? "
                         "and account in (select value from json_each(?)) group by account")
LATE_VOUCHERS = "select series, number from vouchers where company_id = ? and year_id = ? and date > ?"
LATE_MOVEMENTS = ("select t.account, sum(t.amount_ore) from vouchers v cross join transactions t "
                  "on t.company_id = v.company_id and t.year_id = v.year_id and t.series = v.series "
                  "and t.number = v.number where v.company_id = ? and v.year_id = ? and v.date > ? group by t.account")
PREDEFINED_ACCOUNT = "select account from predefined_accounts where company_id = ? and name = ?"
LEDGERS_IMPORTED = ("select exists(select 1 from ledger_invoices where company_id = :company) "
                    "or exists(select 1 from import_cursors where company_id = :company and resource like 'ledgers:%')")
# This app's exported corrections: how the books name them once they are imported back.
OWN_VOUCHERS = ("select fortnox_year, fortnox_series, fortnox_number, id, text from adjustment_vouchers "
                "where company_id = ? and status = 'exported' and fortnox_number is not null")

FOREIGN_INVOICES = (
    "select i.rowid as iid, i.number, i.party_name, i.invoice_date, i.total, i.balance, i.currency, "
    "i.currency_rate, i.currency_unit, i.total_sek_ore as value from ledger_invoices i "
    "where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day and i.cancelled = 0 "
    "and coalesce(i.currency, '') not in ('', 'SEK')")
# The invoices first: few are foreign, and the payments' invoice index finds their payments.
FOREIGN_PAYMENTS = (
    "select p.rowid, i.rowid, p.amount_ore, p.payment_date from ledger_invoices i cross join ledger_payments p "
    "on p.company_id = i.company_id and p.kind = i.kind and p.invoice = i.number "
    "where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day and i.cancelled = 0 "
    "and coalesce(i.currency, '') not in ('', 'SEK') order by i.rowid, p.payment_date, p.rowid")
LEDGER_TOTALS = (
    "select coalesce(sum(i.total_sek_ore), 0), coalesce(sum(case when i.invoice_date < :start "
    "then i.total_sek_ore end), 0) from ledger_invoices i where i.company_id = :company and i.kind = :kind "
    "and i.invoice_date <= :day and i.cancelled = 0")
# What payments up to the balance date took off: a foreign payment its reduction at the invoice's rate, others their SEK.
PAYMENT_TOTALS = (
    "select coalesce(sum(coalesce(r.reduction, p.amount_ore)), 0), coalesce(sum(case when p.payment_date < :start "
    "then coalesce(r.reduction, p.amount_ore) end), 0) from ledger_payments p join ledger_invoices i "
    "on i.company_id = p.company_id and i.kind = p.kind and i.number = p.invoice left join temp._r r "
    "on r.pid = p.rowid where p.company_id = :company and p.kind = :kind and i.invoice_date <= :day "
    "and i.cancelled = 0 and p.payment_date <= :day")

CREATE_REDUCTIONS = ("drop table if exists temp._r", "create temp table _r (pid integer primary key, reduction integer)")
INSERT_REDUCTION = "insert into temp._r values (?, ?)"
CREATE_SCRATCH = (
    "drop table if exists temp._ctrl", "drop table if exists temp._links", "drop table if exists temp._posted",
    "create temp table _ctrl (vid integer primary key, series text, number text, amount integer, "
    "unique (series, number))",
    "create temp table _links (iid integer, vid integer primary key, amount integer)",
    "create temp table _posted (iid integer primary key, posted integer)",
)
# The account's rows go in sorted by voucher, each further row of a voucher adding to its first, so `vid` follows
# (series, number); a GROUP BY costs more here, and SQLite would run it over every row of the year in key order
# instead of through the account index.
FILL_CONTROL = (
    "insert into _ctrl (series, number, amount) select series, number, amount_ore from transactions "
    f"indexed by {store.TRANSACTIONS_BY_ACCOUNT} where company_id = :company and year_id = :year "
    "and account = :account order by series, number "
    "on conflict (series, number) do update set amount = amount + excluded.amount")
DROP_LATE_CONTROL = (
    "delete from _ctrl where exists (select 1 from vouchers v where v.company_id = :company and v.year_id = :year "
    "and v.series = _ctrl.series and v.number = _ctrl.number and v.date > :day)")
FILL_LINKS = (
    "insert into _links select i.rowid, c.vid, c.amount from ledger_invoices i, json_each(i.vouchers) j "
    "join _ctrl c on c.series = cast(j.value ->> 0 as text) and c.number = cast(j.value ->> 1 as text) "
    "where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day "
    "and cast(j.value ->> 2 as text) = :year on conflict (vid) do update set iid = min(iid, excluded.iid)")
FILL_POSTED = "insert into _posted select iid, sum(amount) from _links group by iid"
CONTROL_POSTED = "select coalesce(sum(amount), 0) from _ctrl"

# Each payment of the window against the control-account vouchers that book no invoice, grouped by day and
# amount: only a group with unequal counts leaves a payment or a voucher unpaired.
UNPAIRED = (
    "select group_concat(pid), group_concat(vid) from (select p.payment_date as date, -:sign * "
    "coalesce(r.reduction, p.amount_ore) as amount, p.rowid as pid, null as vid from ledger_payments p "
    "join ledger_invoices i on i.company_id = p.company_id and i.kind = p.kind and i.number = p.invoice "
    "left join temp._r r on r.pid = p.rowid where p.company_id = :company and p.kind = :kind "
    "and i.invoice_date <= :day and i.cancelled = 0 and p.payment_date between :start and :day "
    "union all select v.date, c.amount, null, c.vid from _ctrl c cross join vouchers v on v.company_id = :company "
    "and v.year_id = :year and v.series = c.series and v.number = c.number "
    "where c.vid not in (select vid from _links)) group by amount, date having count(pid) != count(vid)")
FREE_VOUCHERS = (
    "select c.series, c.number, v.date, v.text, c.amount from json_each(?) k join _ctrl c on c.vid = k.value "
    "join vouchers v on v.company_id = ? and v.year_id = ? and v.series = c.series and v.number = c.number "
    "where c.amount != 0 order by v.date, c.vid")
INVOICES_POSTING_OTHERWISE = (
    "select i.rowid as iid, i.number, i.party_name, i.invoice_date, i.total, i.currency, i.currency_rate, "
    "i.total_sek_ore, i.booked, i.cancelled, coalesce(q.posted, 0) as posted, "
    "case when i.cancelled = 0 and i.invoice_date >= :start then :sign * i.total_sek_ore else 0 end as expected "
    "from ledger_invoices i left join _posted q on q.iid = i.rowid "
    "where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day "
    "and coalesce(q.posted, 0) != (case when i.cancelled = 0 and i.invoice_date >= :start "
    "then :sign * i.total_sek_ore else 0 end) order by i.invoice_date, i.number")
INVOICE_VOUCHERS = (
    "select l.iid, c.series, c.number from _links l join _ctrl c on c.vid = l.vid "
    "where l.iid in (select value from json_each(?)) order by c.series, c.number")
PAYMENTS_BY_ID = ("select rowid as pid, number, invoice, amount_ore, payment_date, booked from ledger_payments "
                  "where rowid in (select value from json_each(?)) order by payment_date, rowid")
# The candidate vouchers first (those that day neither booking an invoice nor paired with a payment), then their
# rows: the day's other vouchers are never looked at.
CANDIDATE_PAYMENT_ROWS = (
    "with v as materialized (select v.company_id, v.year_id, v.series, v.number, v.date, c.vid "
    "from vouchers v left join _ctrl c on c.series = v.series and c.number = v.number "
    "where v.company_id = ? and v.year_id = ? and v.date in (select value from json_each(?)) "
    "and (c.vid is null or c.vid in (select value from json_each(?)))) "
    "select v.series, v.number, v.date, t.account, t.amount_ore, v.vid, "
    "v.vid in (select vid from _links) as linked from v join transactions t "
    "on t.company_id = v.company_id and t.year_id = v.year_id and t.series = v.series and t.number = v.number")

UNBALANCED_VOUCHERS = ("select series, number, sum(amount_ore) from transactions where company_id = ? "
                       "and year_id = ? group by series, number having sum(amount_ore) != 0")
# The adjustment vouchers of the year up to the date, leaving out exported ones already imported back (those are in
# the books once, as Fortnox vouchers).
ADJUSTMENTS = (
    "select a.id, a.date, a.text, a.status, r.account, r.debit_ore - r.credit_ore as amount "
    "from adjustment_vouchers a join adjustment_rows r on r.voucher_id = a.id "
    "where a.company_id = ? and a.date between ? and ? and not exists (select 1 from vouchers v "
    "where a.status = 'exported' and v.company_id = a.company_id and v.year_id = a.fortnox_year "
    "and v.series = a.fortnox_series and v.number = a.fortnox_number)")
ADJUSTMENTS_IN_LOCKED_PERIOD = ("select id, date, text from adjustment_vouchers where company_id = ? "
                                "and status != 'exported' and date <= ? order by date")

# The vouchers' rows, then the rows struck by a correction in Fortnox (shown, never summed), each voucher together.
VOUCHER_ROWS = (
    "select year_id, series, number, date, text, account, amount_ore, row_text, struck_by from ("
    "select t.year_id, t.series, t.number, v.date, v.text, t.account, t.amount_ore, t.text as row_text, "
    "null as struck_by, 0 as struck, t.row_no from transactions t join vouchers v on v.company_id = t.company_id "
    "and v.year_id = t.year_id and v.series = t.series and v.number = t.number where t.company_id = :company "
    "and exists (select 1 from json_each(:keys) k where json_extract(k.value, '$[0]') = t.year_id "
    "and json_extract(k.value, '$[1]') = t.series and json_extract(k.value, '$[2]') = t.number) "
    "union all select s.year_id, s.series, s.number, v.date, v.text, s.account, s.amount_ore, s.text, "
    "coalesce(s.struck_by, ''), 1, s.row_no from struck_transactions s join vouchers v "
    "on v.company_id = s.company_id and v.year_id = s.year_id and v.series = s.series and v.number = s.number "
    "where s.company_id = :company and exists (select 1 from json_each(:keys) k "
    "where json_extract(k.value, '$[0]') = s.year_id and json_extract(k.value, '$[1]') = s.series "
    "and json_extract(k.value, '$[2]') = s.number)) "
    "order by year_id, series, cast(number as integer), struck, row_no")
INVOICES_WITH_PAYMENTS = (
    "select i.number, i.party_name, i.invoice_date, i.due_date, i.currency, i.total, i.total_sek_ore, "
    "coalesce((select sum(p.amount_ore) from ledger_payments p where p.company_id = i.company_id "
    "and p.kind = i.kind and p.invoice = i.number and p.payment_date <= ?), 0) as paid_sek, i.booked "
    "from ledger_invoices i where i.company_id = ? and i.kind = ? and i.number in (select value from json_each(?)) "
    "order by i.invoice_date")

LAST_IMPORT_FINISHED = "select max(finished_at) from import_runs where company_id = ?"
# What `api.data_version` reads: a change in any of these can change a computed check.
VERSION_BY_COMPANY = (
    "select max(finished_at), count(*) from import_runs where company_id = ?",
    "select max(mapped_at), count(*) from account_mappings where company_id = ?",
    "select max(checked_at), group_concat(inactive) from account_facts where company_id = ?",
)
VERSION_TABLES = ("vouchers", "transactions", "balances", "financial_years", "accounts", "ledger_invoices",
                  "ledger_payments", "predefined_accounts")
ADJUSTMENT_FINGERPRINT = (
    "select a.id, a.date, a.status, a.fortnox_year, a.fortnox_series, a.fortnox_number, r.row_no, r.account, "
    "r.debit_ore, r.credit_ore from adjustment_vouchers a left join adjustment_rows r on r.voucher_id = a.id "
    "where a.company_id = ? order by a.id, r.row_no")
