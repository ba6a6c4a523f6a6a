"""Koppla från while an import runs: the run is cancelled and has ended before the connection goes, so it ends as
Avbruten (what it staged kept) instead of failing half-way without a connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from services import store
from services.companies.connections import connect_service_account, disconnect
from services.companies.model import Company
from services.config import Settings
from services.errors import Conflict
from services.imports.model import ImportFailed, RunProgress, RunStatus
from services.imports.pipeline import run_import
from services.imports.runs import import_runs, running_run, stop_running


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


def _cancel_asked(settings: Settings) -> bool:
    with store.open_db(settings.database_path) as db:
        return bool(db.execute("select max(cancel_requested) from import_runs").fetchone()[0])


@contextmanager
def _running_import(settings: Settings, company: Company, hold: threading.Event | None) -> Iterator[threading.Thread]:
    """An import on its own thread that, at its first progress, waits for `hold` (or, without one, until someone
    asks it to stop): a run that is certainly live when the test acts."""
    started = threading.Event()

    def on_progress(_: RunProgress) -> None:
        if started.is_set():
            return
        started.set()
        while not (hold.is_set() if hold else _cancel_asked(settings)):
            time.sleep(0.05)

    def work() -> None:
        try:
            run_import(settings, company.id, parts=["sie4"], on_progress=on_progress)
        except ImportFailed:
            pass

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    assert started.wait(60)
    try:
        yield thread
    finally:
        if hold:
            hold.set()
        thread.join(60)


def test_koppla_fran_cancels_the_running_import_first_then_disconnects(settings: Settings, company: Company) -> None:
    with _running_import(settings, company, hold=None):
        assert disconnect(settings, company.id, "support@byra.se") is None
        assert running_run(settings, company.id) is None
    [run] = import_runs(settings, company.id)
    assert run["status"] == RunStatus.CANCELLED and run["cancel_requested"] == 1
    with store.open_db(settings.database_path) as db:
        assert not db["connections"].count_where("company_id = ?", [company.id])
        actions = [row["action"] for row in db["audit_log"].rows_where("company_id = ?", [company.id],
                                                                       order_by="id")]
    assert actions[-1] == "disconnect"


def test_a_run_that_does_not_stop_in_time_keeps_the_connection_and_says_so(settings: Settings,
                                                                          company: Company) -> None:
    with _running_import(settings, company, hold=threading.Event()):
        with pytest.raises(Conflict, match="Importen har inte stannat ännu"):
            stop_running(settings, company.id, "support@byra.se", timeout=0.3)
        with store.open_db(settings.database_path) as db:
            assert db["connections"].count_where("company_id = ?", [company.id]) == 1


def test_without_a_running_import_stop_running_does_nothing(settings: Settings, company: Company) -> None:
    assert stop_running(settings, company.id, "support@byra.se") is False
