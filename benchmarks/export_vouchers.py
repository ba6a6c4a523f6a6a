"""Exporting 500 year-end vouchers to the small demo company at Fortnox's rate limit: how close the export runs to
the limit, requests per voucher (target ≤ 1.1), and duplicates in Fortnox (must be 0).

The sandbox and the client share one limit of 25 requests per window, by default Fortnox's real 5 s (the run takes
about 100 s). EXPORT_BENCH_SCALE divides the window for a quicker run; the export sends one voucher at a time, so
once the window is shorter than the sandbox's answer time allows (scale above about 2 here) the figure measures
latency, not the throttle. Requests per voucher and duplicates are independent of the scale.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import date

import httpx

from benchmarks.rate_limited import rate_limited
from services import store
from services.companies.connections import connect_service_account, open_client
from services.fortnox.paginate import paginate
from services.imports.pipeline import run_import
from services.vouchers.drafts import REFERENCE_PREFIX, create_draft
from services.vouchers.export import export_vouchers
from services.vouchers.model import AdjustmentRow

SMALL = 0  # index in GET /sandbox/tenants
VOUCHERS = 500


def _drafts(settings, company_id: str) -> list[str]:
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        return [
            create_draft(db, company_id, date(2025, 12, 31), f"Periodisering {n}",
                         [AdjustmentRow("5010", debit_ore=10_000 + n), AdjustmentRow("2990", credit_ore=10_000 + n)])
            for n in range(VOUCHERS)
        ]


def _references_in_fortnox(settings, company_id: str, year_id: str) -> Counter:
    with open_client(settings, company_id) as client:
        comments = [item.get("Comments") or "" for item in
                    paginate(client, "/3/vouchers", "Vouchers", {"financialyear": year_id})]
    return Counter(c for c in comments if c.startswith(REFERENCE_PREFIX))


def run() -> None:
    scale = float(os.environ.get("EXPORT_BENCH_SCALE", "1"))
    with rate_limited(scale) as setup:
        settings, server, window = setup.settings, setup.server, setup.window
        tenant = setup.tenant(SMALL)
        company = connect_service_account(settings, tenant["tenant_id"])
        run_import(settings, company.id)
        ids = _drafts(settings, company.id)
        time.sleep(window)  # an empty window before measuring
        httpx.delete(f"{server.url}/sandbox/requests")
        started = time.perf_counter()
        results = export_vouchers(settings, company.id, ids, actor="benchmark")
        wall = time.perf_counter() - started
        requests = httpx.get(f"{server.url}/sandbox/requests").json()[tenant["tenant_id"]]["total"]
        years = {r.year for r in results if r.ok}
        references = sum((_references_in_fortnox(settings, company.id, year) for year in years), Counter())
    exported = sum(r.ok for r in results)
    duplicates = sum(count - 1 for count in references.values() if count > 1)
    limit = setup.limit
    print(f"export_vouchers  {VOUCHERS} vouchers to {tenant['name']}, window 5 s / {scale:g} = {window:g} s "
          f"(limit {limit:g} requests/s)")
    print(f"  exported     : {exported} of {VOUCHERS}; duplicates in Fortnox: {duplicates} (must be 0)")
    print(f"  requests     : {requests} = {requests / VOUCHERS:.3f} per voucher (target ≤ 1.1)")
    print(f"  sustained    : {requests / wall:.1f} requests/s = {requests / wall / limit * 100:.1f} % of the limit; "
          f"wall {wall:.1f} s (≈ {wall * scale:.0f} s at Fortnox's real window)")


if __name__ == "__main__":
    run()
