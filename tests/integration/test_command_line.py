"""`python -m services`: the same operations headless, JSON on stdout, exit codes as DESIGN §8 says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from services.vouchers.sie4i import MAX_SIE_4I_BYTES

ROOT = Path(__file__).resolve().parents[2]


def _run(sandbox, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(data_dir), "SANDBOX_PORT": str(sandbox.port)}
    env.pop("FORTNOX_CLIENT_ID", None)
    return subprocess.run(
        [sys.executable, "-m", "services", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_connect_import_list_and_export_without_a_browser(sandbox, small_tenant: dict, tmp_path: Path) -> None:
    connected = _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"], "--json")
    assert connected.returncode == 0, connected.stderr
    assert json.loads(connected.stdout)["orgnr"] == small_tenant["orgnr"]

    imported = _run(sandbox, tmp_path, "import", small_tenant["orgnr"], "--parts", "sie4", "--json")
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert summary["status"] == "ok" and summary["parts"]["sie4"]["vouchers"] > 0

    listed = json.loads(_run(sandbox, tmp_path, "vouchers", "list", small_tenant["orgnr"], "--json").stdout)
    assert [v["status"] for v in listed] == ["draft", "draft"]
    assert all(isinstance(row["debit"], str) for v in listed for row in v["rows"])

    exported = _run(sandbox, tmp_path, "export", small_tenant["orgnr"], "--vouchers", listed[0]["id"], "--json")
    assert exported.returncode == 0, exported.stderr
    [result] = json.loads(exported.stdout)
    assert result["status"] == "exported" and result["fortnox"]["series"] == "A"

    again = _run(sandbox, tmp_path, "export", small_tenant["orgnr"], "--vouchers", listed[0]["id"], "--json")
    assert again.returncode == 1


def test_an_unknown_company_exits_1_with_a_swedish_message(sandbox, tmp_path: Path) -> None:
    result = _run(sandbox, tmp_path, "import", "000000-0000")
    assert result.returncode == 1
    assert "finns inte" in result.stderr


def test_an_unsupported_part_is_a_usage_error(sandbox, small_tenant: dict, tmp_path: Path) -> None:
    _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"])
    result = _run(sandbox, tmp_path, "import", small_tenant["orgnr"], "--parts", "sie4,bokslut")
    assert result.returncode == 2


SIE_4I = (
    '#FLAGGA 0\r\n#PROGRAM "Test" 1\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#FNAMN "Bokslutsdemo AB"\r\n'
    '#VER "" "" 20251231 "Upplupen revision"\r\n{\r\n#TRANS 6420 {} 15000.00\r\n#TRANS 2990 {} -15000.00\r\n}\r\n'
    '#VER "" "" 20241231 "I låst period"\r\n{\r\n#TRANS 6420 {} 100.00\r\n#TRANS 2990 {} -100.00\r\n}\r\n'
).encode("cp437")


def test_vouchers_from_a_sie_file_are_added_and_exported_with_a_line_per_voucher(
    sandbox, small_tenant: dict, tmp_path: Path
) -> None:
    _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"])
    _run(sandbox, tmp_path, "import", small_tenant["orgnr"], "--parts", "sie4")
    sie = tmp_path / "bokslut.si"
    sie.write_bytes(SIE_4I)
    added = _run(sandbox, tmp_path, "vouchers", "add", small_tenant["orgnr"], "--sie", str(sie), "--json")
    assert added.returncode == 0, added.stderr
    ids = json.loads(added.stdout)["added"]
    assert len(ids) == 2

    exported = _run(sandbox, tmp_path, "export", small_tenant["orgnr"], "--vouchers", ",".join(ids), "--json")
    assert exported.returncode == 1
    ok, locked = json.loads(exported.stdout)
    assert set(ok) == {"voucher", "status", "fortnox", "error"}
    assert (ok["voucher"], ok["status"], ok["error"]) == (ids[0], "exported", None)
    assert ok["fortnox"]["series"] == "A" and ok["fortnox"]["number"]
    assert (locked["status"], locked["fortnox"]) == ("failed", None) and "låst" in locked["error"]

    again = json.loads(_run(sandbox, tmp_path, "export", small_tenant["orgnr"], "--vouchers", ids[0], "--json").stdout)
    assert [(r["status"], r["fortnox"]) for r in again] == [("skipped", ok["fortnox"])]


def test_an_unreadable_sie_file_exits_1_naming_the_line(sandbox, small_tenant: dict, tmp_path: Path) -> None:
    _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"])
    sie = tmp_path / "trasig.si"
    sie.write_bytes(b'#FLAGGA 0\r\n#SIETYP 4\r\n#VER "" "" 20251231 "T"\r\n{\r\n#TRANS 6420 {} tolv\r\n}\r\n')
    result = _run(sandbox, tmp_path, "vouchers", "add", small_tenant["orgnr"], "--sie", str(sie))
    assert result.returncode == 1 and "Rad 5" in result.stderr


def test_reconcile_prints_every_check_of_the_contract(sandbox, small_tenant: dict, tmp_path: Path) -> None:
    _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"])
    _run(sandbox, tmp_path, "import", small_tenant["orgnr"], "--parts", "sie4,ledgers")
    result = _run(sandbox, tmp_path, "reconcile", small_tenant["orgnr"], "--year", "2025", "--json")
    assert result.returncode == 0, result.stderr
    checks = {check["id"]: check for check in json.loads(result.stdout)["checks"]}
    required = {"ar_vs_gl", "ap_vs_gl", "ib_vs_previous_ub", "trial_balance", "unbalanced_vouchers", "locked_period"}
    assert required <= set(checks)
    assert checks["ar_vs_gl"]["status"] == "ok" and checks["ar_vs_gl"]["difference"] == "0.00"


def test_reconcile_drafts_a_findings_correction_once_by_its_id(quiet_sandbox, tmp_path: Path) -> None:
    """Exports into a sandbox of its own: the shared one's planted findings stay as other tests expect them."""
    sandbox, midsize = quiet_sandbox, httpx.get(f"{quiet_sandbox.url}/sandbox/tenants").json()[1]
    _run(sandbox, tmp_path, "connect", "--tenant-id", midsize["tenant_id"])
    _run(sandbox, tmp_path, "import", midsize["orgnr"], "--parts", "sie4,ledgers")
    payload = json.loads(_run(sandbox, tmp_path, "reconcile", midsize["orgnr"], "--date", "2025-06-30",
                              "--json").stdout)
    manual = next(i for c in payload["checks"] for i in c["items"] if i["kind"] == "manual_posting")
    assert manual["remedy"]["kind"] == "voucher" and manual["resolution"] is None
    first = _run(sandbox, tmp_path, "reconcile", midsize["orgnr"], "draft", manual["id"], "--json")
    second = _run(sandbox, tmp_path, "reconcile", midsize["orgnr"], "draft", manual["id"], "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["voucher"] == json.loads(second.stdout)["voucher"]
    exported = _run(sandbox, tmp_path, "export", midsize["orgnr"], "--vouchers", json.loads(first.stdout)["voucher"],
                    "--json")
    assert exported.returncode == 0, exported.stderr
    fortnox = json.loads(exported.stdout)[0]["fortnox"]
    _run(sandbox, tmp_path, "import", midsize["orgnr"], "--parts", "sie4,ledgers")
    after = json.loads(_run(sandbox, tmp_path, "reconcile", midsize["orgnr"], "--json").stdout)
    items = [i for c in after["checks"] for i in c["items"]]
    assert not [i for i in items if i["kind"] == "own_correction"]
    fixed = next(i for i in items if i["id"] == manual["id"])
    assert fixed["resolution"] == {"kind": "corrected", "voucher": f"{fortnox['series']} {fortnox['number']}"}
    assert fixed["amount"] == "0.00"


def test_a_finding_id_that_does_not_exist_exits_1_in_swedish(sandbox, small_tenant: dict, tmp_path: Path) -> None:
    _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"])
    _run(sandbox, tmp_path, "import", small_tenant["orgnr"], "--parts", "sie4,ledgers")
    result = _run(sandbox, tmp_path, "reconcile", small_tenant["orgnr"], "draft", "0123456789")
    assert result.returncode == 1 and "finns inte i avstämningen" in result.stderr


def test_ledgers_lists_the_open_items_with_reconciles_total(sandbox, tenants: list[dict], tmp_path: Path) -> None:
    midsize = tenants[1]
    _run(sandbox, tmp_path, "connect", "--tenant-id", midsize["tenant_id"])
    _run(sandbox, tmp_path, "import", midsize["orgnr"], "--parts", "sie4,ledgers")
    ledger = json.loads(_run(sandbox, tmp_path, "ledgers", midsize["orgnr"], "--kind", "customer", "--date",
                             "2025-06-30", "--json").stdout)
    checks = json.loads(_run(sandbox, tmp_path, "reconcile", midsize["orgnr"], "--date", "2025-06-30",
                             "--json").stdout)["checks"]
    assert ledger["total_sek"] == next(c for c in checks if c["id"] == "ar_vs_gl")["ledger"]
    assert ledger["items"] and {"invoice", "party", "currency", "remaining", "remaining_sek", "due"} <= set(
        ledger["items"][0])


@pytest.mark.parametrize("source", ["/dev/zero", "folder"])
def test_vouchers_add_refuses_what_is_not_a_regular_file_at_once(
    sandbox, small_tenant: dict, tmp_path: Path, source: str
) -> None:
    _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"])
    path = source if source.startswith("/") else str(tmp_path)
    result = _run(sandbox, tmp_path, "vouchers", "add", small_tenant["orgnr"], "--sie", path)
    assert result.returncode == 2 and "ingen vanlig fil" in result.stderr


def test_vouchers_add_refuses_an_oversized_file_without_reading_it_all(
    sandbox, small_tenant: dict, tmp_path: Path
) -> None:
    _run(sandbox, tmp_path, "connect", "--tenant-id", small_tenant["tenant_id"])
    huge = tmp_path / "stor.si"
    with huge.open("wb") as handle:
        handle.truncate(MAX_SIE_4I_BYTES + 1)  # sparse: takes no disk
    result = _run(sandbox, tmp_path, "vouchers", "add", small_tenant["orgnr"], "--sie", str(huge))
    assert result.returncode == 2 and "större än" in result.stderr


def test_connect_with_an_unknown_tenant_id_says_the_tenant_is_unknown(sandbox, tmp_path: Path) -> None:
    result = _run(sandbox, tmp_path, "connect", "--tenant-id", "999999999")
    assert result.returncode == 1
    assert "känner inte till den databasen" in result.stderr and "klient-id" not in result.stderr
