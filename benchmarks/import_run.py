"""A whole SIE4-data import from the sandbox over HTTP, against fetching the same SIE files alone.

Baseline: the raw HTTP GETs of the financial years and their SIE files. The ratio shows what parsing and
publishing to SQLite add on top of the transfer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from benchmarks.timing import best_of
from sandbox.background import start_server
from services import store
from services.companies.connections import connect_service_account, open_client
from services.config import load_settings
from services.fortnox import resources
from services.imports.pipeline import run_import


def run(repeat: int = 3) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        server = start_server(port=0, seed=1, data_dir=root / "sandbox", rate_requests=100_000, rate_window=5.0)
        try:
            settings = load_settings(
                {"DATA_DIR": str(root), "SANDBOX_PORT": str(server.port)}, secrets_file=root / "none.toml"
            )
            store.migrate(settings.database_path)
            tenant = httpx.get(f"{server.url}/sandbox/tenants").json()[0]
            company = connect_service_account(settings, tenant["tenant_id"])

            def fetch_only() -> None:
                with open_client(settings, company.id) as client:
                    for year in resources.financial_years(client)[-2:]:
                        resources.sie(client, year.id)

            baseline = best_of(repeat, fetch_only)
            result = run_import(settings, company.id)
            full = best_of(repeat, lambda: run_import(settings, company.id, full=True))
        finally:
            server.stop()
    print(f"import_run  {tenant['name']}: {result.vouchers} vouchers, {result.transactions} rows, 2 years")
    print(f"  baseline fetch : {baseline * 1000:8.1f} ms")
    print(f"  run_import     : {full * 1000:8.1f} ms  ({full / baseline:.1f}× baseline)")
