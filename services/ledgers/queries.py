"""Reskontra's SQL, in one place."""

OPEN_ITEMS = """
with paid as (
    select invoice,
           sum(case when payment_date <= :day then amount_ore else 0 end) as by_day,
           sum(amount_ore) as in_all,
           max(case when payment_date > :day then payment_date end) as last_after
    from ledger_payments
    where company_id = :company and kind = :kind
    group by invoice
)
select i.number, i.party_number, i.party_name, i.invoice_date, i.due_date,
       coalesce(nullif(i.currency, ''), 'SEK') as currency,
       i.total, i.balance, i.total_sek_ore as total_sek, i.booked,
       coalesce(p.by_day, 0) as paid_by_day, coalesce(p.in_all, 0) as paid_in_all, p.last_after,
       max(0, cast(julianday(:day) - julianday(coalesce(i.due_date, :day)) as integer)) as days_overdue
from ledger_invoices i
left join paid p on p.invoice = i.number
where i.company_id = :company and i.kind = :kind and i.invoice_date <= :day and not coalesce(i.cancelled, 0)
  and (coalesce(nullif(i.currency, ''), 'SEK') <> 'SEK' or i.total - coalesce(p.by_day, 0) <> 0)
"""
