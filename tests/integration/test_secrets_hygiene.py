"""After a whole demo run with logging at DEBUG, no token, secret or password is in the database file or a log line.

The run: connect through Fortnox's login, import everything, refresh the token, export through a dropped answer and
a 429 (so the export looks itself up and retries), disconnect. The values searched for are the real ones handed out
by the sandbox, captured where the app receives them; the structured log lines of those events are checked too.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.companies.connections import StoredTokens, disconnect
from services.config import Settings
from services.fortnox import auth
from services.imports.pipeline import run_import
from services.vouchers.drafts import list_vouchers
from services.vouchers.export import export_vouchers
from tests.conftest import settings_for
from tests.integration.test_company_data import connect_as_user

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

APP_SECRET_KEY = "nyckel-som-aldrig-far-synas-4711"


@dataclass(frozen=True)
class DemoRun:
    settings: Settings
    tokens: list[str]  # every access and refresh token handed out
    orgnr: str
    log: str  # every captured log record, arguments and exception text included


@pytest.fixture
def run(tmp_path: Path, sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> DemoRun:
    settings = settings_for(tmp_path, sandbox.port, APP_SECRET_KEY=APP_SECRET_KEY)
    tokens: list[str] = []
    token_set = auth._token_set

    def recording(token: dict) -> auth.TokenSet:
        issued = token_set(token)
        tokens.extend(value for value in (issued.access_token, issued.refresh_token) if value)
        return issued

    monkeypatch.setattr(auth, "_token_set", recording)
    caplog.set_level(logging.DEBUG)
    company = connect_as_user(settings)
    run_import(settings, company.id, parts=("sie4", "ledgers", "attachments"))
    current = StoredTokens(settings, company.id).access_token()
    StoredTokens(settings, company.id).access_token(rejected=current)
    draft = list_vouchers(settings, company.id)[0]
    httpx.put(f"{sandbox.url}/sandbox/faults", json=[
        {"method": "POST", "path": "/3/vouchers*", "kind": "drop_after_commit", "times": 1,
         "tenant_id": company.tenant_id},
        {"method": "GET", "path": "/3/vouchers", "kind": "status:429", "times": 1, "tenant_id": company.tenant_id},
    ]).raise_for_status()
    try:
        [result] = export_vouchers(settings, company.id, [draft.id], actor="rita@byra.se")
    finally:
        httpx.delete(f"{sandbox.url}/sandbox/faults").raise_for_status()
    assert result.ok, result.message
    assert disconnect(settings, company.id, "rita@byra.se") is None
    log = "\n".join(f"{record.getMessage()} {record.args!r} {record.exc_text or ''}" for record in caplog.records)
    return DemoRun(settings, tokens, company.orgnr, log)


def _secrets(settings: Settings, tokens: list[str]) -> list[str]:
    client = f"{settings.fortnox.client_id}:{settings.fortnox.client_secret}"
    return [*tokens, settings.fortnox.client_secret, base64.b64encode(client.encode()).decode(), APP_SECRET_KEY,
            "password=demo"]


def _database_bytes(settings: Settings) -> bytes:
    path = settings.database_path
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def test_the_run_handed_out_tokens_to_search_for(run: DemoRun) -> None:
    assert len(run.tokens) >= 4 and run.orgnr and run.log


def test_no_log_line_holds_the_organisation_number(run: DemoRun) -> None:
    """A sole trader's organisation number is their personal identity number."""
    assert run.orgnr not in run.log and run.orgnr.replace("-", "") not in run.log


def test_the_raw_database_file_holds_no_token_secret_or_password(run: DemoRun) -> None:
    raw = _database_bytes(run.settings)
    assert [s for s in _secrets(run.settings, run.tokens) if s.encode() in raw] == []


def test_no_log_line_holds_a_token_secret_or_password(run: DemoRun) -> None:
    assert [s for s in _secrets(run.settings, run.tokens) if s in run.log] == []


@pytest.mark.parametrize("line", [
    "event=import.start company=fortnox-",
    "event=import.end company=fortnox-",
    "event=token.refresh company=fortnox-",
    "request=vouchers method=GET attempt=1 outcome=http_429 wait=",
    "event=export.lookup company=fortnox-",
    "outcome=found",
    "event=export.voucher company=fortnox-",
])
def test_retries_429_waits_refreshes_and_export_look_ups_leave_a_structured_line(run: DemoRun, line: str) -> None:
    assert line in run.log
