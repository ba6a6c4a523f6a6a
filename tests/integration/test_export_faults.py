"""Exactly once under every fault the export issue lists, through the sandbox: after each, every voucher exists in
Fortnox once and the app's statuses match Fortnox."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import pytest

from services import store
from services.companies.connections import connect_service_account
from services.companies.model import Company
from services.config import Settings
from services.fortnox import resources
from services.imports.pipeline import run_import
from services.vouchers import export as voucher_export
from services.vouchers.drafts import create_draft, list_vouchers
from services.vouchers.export import export_vouchers
from services.vouchers.model import AdjustmentRow, VoucherStatus
from tests.client_speed import FAST_CLIENT
from tests.fortnox_peek import vouchers_with_comment

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

ROOT = Path(__file__).resolve().parents[2]
YEAR_2025 = "2"
BATCH = 5


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    connected = connect_service_account(settings, small_tenant["tenant_id"])
    run_import(settings, connected.id)
    return connected


@pytest.fixture
def batch(settings: Settings, company: Company) -> list[str]:
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        return [
            create_draft(db, company.id, date(2025, 12, 31), f"Periodisering {n}",
                         [AdjustmentRow("5010", debit_ore=10_000 + n), AdjustmentRow("2990", credit_ore=10_000 + n)])
            for n in range(BATCH)
        ]


def _fault_from_post(monkeypatch: pytest.MonkeyPatch, sandbox, nth: int, fault: dict) -> None:
    """Install `fault` in the sandbox just before the export's `nth` POST /3/vouchers: a fault mid-batch."""
    calls = {"n": 0}
    original = resources.create_voucher

    def create(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            httpx.put(f"{sandbox.url}/sandbox/faults", json=[fault]).raise_for_status()
        return original(*args, **kwargs)

    monkeypatch.setattr(voucher_export.resources, "create_voucher", create)


def _assert_each_once_and_statuses_match(settings: Settings, company: Company, sandbox, tenant: dict,
                                         ids: list[str]) -> None:
    stored = {v.id: v for v in list_vouchers(settings, company.id)}
    for voucher_id in ids:
        voucher = stored[voucher_id]
        assert voucher.status == VoucherStatus.EXPORTED, voucher.error
        [in_fortnox] = vouchers_with_comment(sandbox.url, tenant["tenant_id"], YEAR_2025, voucher.reference)
        assert (in_fortnox["VoucherSeries"], str(in_fortnox["VoucherNumber"])) == (
            voucher.fortnox_series, voucher.fortnox_number)


@pytest.mark.parametrize("fault", ["status:429", "status:503", "drop_after_commit", "expire_token"])
def test_a_fault_mid_batch_still_creates_every_voucher_once(
    settings: Settings, company: Company, batch: list[str], sandbox, small_tenant: dict,
    monkeypatch: pytest.MonkeyPatch, fault: str,
) -> None:
    _fault_from_post(monkeypatch, sandbox, 3, {"method": "POST", "path": "/3/vouchers", "kind": fault, "times": 2})
    results = export_vouchers(settings, company.id, batch, actor="test")
    assert [r.status for r in results] == ["exported"] * BATCH, [r.message for r in results]
    _assert_each_once_and_statuses_match(settings, company, sandbox, small_tenant, batch)


def test_the_look_up_after_a_dropped_answer_copes_with_an_older_sparse_voucher_list(
    settings: Settings, company: Company, batch: list[str], sandbox, small_tenant: dict
) -> None:
    httpx.put(f"{sandbox.url}/sandbox/faults", json=[
        {"method": "POST", "path": "/3/vouchers", "kind": "drop_after_commit", "times": 1},
        {"method": "GET", "path": "/3/vouchers", "kind": "body:sparse_items", "times": 100},
    ]).raise_for_status()
    [result] = export_vouchers(settings, company.id, batch[:1], actor="test")
    httpx.delete(f"{sandbox.url}/sandbox/faults")
    assert result.ok, result.message
    _assert_each_once_and_statuses_match(settings, company, sandbox, small_tenant, batch[:1])


def test_two_concurrent_exports_of_the_same_batch_create_each_voucher_once(
    settings: Settings, company: Company, batch: list[str], sandbox, small_tenant: dict
) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _: export_vouchers(settings, company.id, batch, actor="test"), range(2)))
    for voucher_id in batch:
        statuses = sorted(r.status for run in runs for r in run if r.voucher_id == voucher_id)
        assert statuses == ["exported", "skipped"]
    _assert_each_once_and_statuses_match(settings, company, sandbox, small_tenant, batch)


def _export_then_die(settings: Settings, company: Company, sandbox, voucher_ids: list[str]) -> int:
    """Run an export in another process that is killed right after Fortnox answered, before the answer is stored."""
    script = textwrap.dedent(f"""
        import os
        from services.vouchers import export as voucher_export
        from services.config import load_settings
        from pathlib import Path
        voucher_export._record = lambda *args, **kwargs: os._exit(9)
        settings = load_settings(dict(os.environ), secrets_file=Path(os.environ["DATA_DIR"]) / "none.toml")
        voucher_export.export_vouchers(settings, {company.id!r}, {voucher_ids!r}, actor="doomed")
    """)
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "SANDBOX_PORT": str(sandbox.port), **FAST_CLIENT}
    env.pop("FORTNOX_CLIENT_ID", None)
    return subprocess.run([sys.executable, "-c", script], check=False, cwd=ROOT, env=env, timeout=120).returncode


def test_a_process_stopped_between_the_post_and_recording_is_found_in_fortnox_not_sent_again(
    settings: Settings, company: Company, batch: list[str], sandbox, small_tenant: dict
) -> None:
    assert _export_then_die(settings, company, sandbox, batch[:1]) == 9
    [stranded] = [v for v in list_vouchers(settings, company.id) if v.id == batch[0]]
    assert stranded.status == VoucherStatus.SENDING and stranded.exportable
    results = export_vouchers(settings, company.id, batch, actor="fresh")
    assert [r.status for r in results] == ["exported"] * BATCH
    _assert_each_once_and_statuses_match(settings, company, sandbox, small_tenant, batch)


def test_an_export_still_running_elsewhere_is_skipped_not_taken_over(
    settings: Settings, company: Company, batch: list[str]
) -> None:
    with store.open_db(settings.database_path) as db:
        db["adjustment_vouchers"].update(batch[0], {"status": VoucherStatus.SENDING, "reference": "live", "claimed_by": "elsewhere:1",
                                                    "attempted_at": "2999-01-01T00:00:00+00:00"})
    [result] = export_vouchers(settings, company.id, batch[:1], actor="test")
    assert result.status == "skipped" and "exporteras redan" in result.message


def test_a_503_on_every_attempt_leaves_the_voucher_failed_and_looked_up_before_the_next_send(
    settings: Settings, company: Company, batch: list[str], sandbox, small_tenant: dict
) -> None:
    httpx.put(f"{sandbox.url}/sandbox/faults",
              json=[{"method": "POST", "path": "/3/vouchers", "kind": "status:503", "times": 10}])
    [failed] = export_vouchers(settings, company.id, batch[:1], actor="test")
    assert failed.status == "failed" and failed.unknown
    httpx.delete(f"{sandbox.url}/sandbox/faults")
    [stored] = [v for v in list_vouchers(settings, company.id) if v.id == batch[0]]
    assert stored.exportable and not stored.editable
    [again] = export_vouchers(settings, company.id, batch[:1], actor="test")
    assert again.ok
    _assert_each_once_and_statuses_match(settings, company, sandbox, small_tenant, batch[:1])
