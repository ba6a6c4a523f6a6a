"""The large demo company, every part, at Fortnox's rate limit: how close the import runs to the limit, how many
requests it makes against the fewest the parts need, and what an immediate incremental re-import costs.

The sandbox and the client share one limit of 25 requests per window. The window is 5 s in Fortnox; here it is
divided by SCALE (env IMPORT_BENCH_SCALE, default 10) so the run takes minutes, not most of an hour. Ratios
(share of the limit sustained, requests against the plan) are independent of the scale.
"""

from __future__ import annotations

import math
import os
import time

from benchmarks.rate_limited import rate_limited
from services import store
from services.companies import scopes as permissions
from services.companies.connections import connect_service_account
from services.imports.pipeline import PARTS, run_import

LARGE = 2  # index in GET /sandbox/tenants
PAGE = 500
BATCH = 50


def _minimum_requests(db, company_id: str, years: int) -> int:
    """The fewest requests that fetch what the run fetched: list pages at 500, attachment batches, one per file."""

    def count(sql: str, *args: object) -> int:
        return db.execute(sql, [company_id, *args]).fetchone()[0]

    def pages(n: int) -> int:
        return max(1, math.ceil(n / PAGE))

    lists = sum(pages(count("select count(*) from parties where company_id = ? and kind = ?", kind))
                for kind in ("customer", "supplier"))
    lists += sum(pages(count("select count(*) from ledger_invoices where company_id = ? and kind = ?", kind))
                 for kind in ("customer", "supplier"))
    lists += sum(pages(count("select count(*) from ledger_payments where company_id = ? and kind = ?", kind))
                 for kind in ("customer", "supplier"))
    customer_invoices = count("select count(*) from ledger_invoices where company_id = ? and kind = 'customer'")
    connections = count("select count(*) from attachments where company_id = ? and kind = 'supplier'")
    files = count("select count(distinct file_id) from attachments where company_id = ?")
    attachments = math.ceil(customer_invoices / BATCH) + pages(connections) + files
    return 1 + years + 1 + lists + attachments  # financial years, a SIE file a year, the predefined accounts


def run() -> None:
    scale = float(os.environ.get("IMPORT_BENCH_SCALE", "10"))
    with rate_limited(scale) as setup:
        settings, window = setup.settings, setup.window
        tenant = setup.tenant(LARGE)
        started = time.perf_counter()
        company = connect_service_account(settings, tenant["tenant_id"])  # generates the large company
        generated = time.perf_counter() - started
        permissions.check(settings, company.id)
        time.sleep(window)  # an empty window before measuring
        started = time.perf_counter()
        result = run_import(settings, company.id, parts=PARTS, full=True)
        wall = time.perf_counter() - started
        with store.open_db(settings.database_path) as db:
            minimum = _minimum_requests(db, company.id, len(result.years))
        started = time.perf_counter()
        again = run_import(settings, company.id, parts=PARTS)
        again_wall = time.perf_counter() - started
    limit = setup.limit
    print(f"import_large  {tenant['name']}, parts {','.join(PARTS)}, window 5 s / {scale:g} = {window:g} s "
          f"(limit {limit:g} requests/s); company generated and connected in {generated:.1f} s")
    for part, counts in result.counts.items():
        print(f"  {part:<12}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    print(f"  requests     : {result.requests} made, {minimum} needed at least "
          f"({(result.requests / minimum - 1) * 100:+.1f} % over the plan; target ≤ +5 %)")
    print(f"  sustained    : {result.requests / wall:.1f} requests/s = {result.requests / wall / limit * 100:.1f} % "
          f"of the limit (target ≥ 90 %); 429 answers: {result.rate_limited}; wall {wall:.1f} s "
          f"(≈ {wall * scale / 60:.1f} min at Fortnox's real window)")
    print(f"  re-import    : {again.requests} requests (target ≤ 10), {again_wall:.2f} s, 429 answers: "
          f"{again.rate_limited}")
