"""An import whose process dies — kill -9, a crash, an app restart — never locks the company: its run is marked
Avbruten as soon as anyone looks, the next import resumes from what it staged, and Radera is not refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from services import store
from services.companies.connections import connect_service_account
from services.companies.deletion import delete_company_data
from services.companies.model import Company
from services.config import Settings
from services.imports.model import RunStatus
from services.imports.pipeline import run_import
from services.imports.runs import ABANDONED, import_runs, running_run
from services.startup import prepare
from tests.client_speed import FAST_CLIENT

ROOT = Path(__file__).resolve().parents[2]
KILL_AFTER_FIRST_YEAR = """
import os, signal, sys
from services.config import load_settings
from services.imports.pipeline import run_import

def die(progress):
    if progress.part("sie4").items_done == 1:
        os.kill(os.getpid(), signal.SIGKILL)

run_import(load_settings(), sys.argv[1], on_progress=die)
"""


def _env(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "SANDBOX_PORT": str(settings.sandbox_port), **FAST_CLIENT}
    env.pop("FORTNOX_CLIENT_ID", None)
    return env


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


@pytest.fixture
def killed_import(settings: Settings, company: Company) -> dict:
    """An import killed with SIGKILL after staging the first year's SIE file: its run row says running."""
    done = subprocess.run([sys.executable, "-c", KILL_AFTER_FIRST_YEAR, company.id], cwd=ROOT, env=_env(settings),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    [run] = import_runs(settings, company.id)
    assert run["status"] == RunStatus.RUNNING
    return run


def test_the_next_import_after_a_killed_one_starts_and_resumes_from_its_staging(
    settings: Settings, company: Company, killed_import: dict
) -> None:
    resumed = run_import(settings, company.id)
    assert resumed.requests == 1 + 1  # the years, and only the SIE file the killed run did not stage
    killed = next(run for run in import_runs(settings, company.id) if run["id"] == killed_import["id"])
    assert (killed["status"], killed["error"]) == (RunStatus.CANCELLED, ABANDONED)


def test_underhall_stops_showing_a_killed_import_as_running(
    settings: Settings, company: Company, killed_import: dict
) -> None:
    assert running_run(settings, company.id) is None
    assert import_runs(settings, company.id)[0]["status"] == RunStatus.CANCELLED


def test_a_company_whose_import_was_killed_can_be_deleted(
    settings: Settings, company: Company, killed_import: dict
) -> None:
    delete_company_data(settings, company.id, "test")
    with store.open_db(settings.database_path) as db:
        assert db["companies"].count_where("id = ?", [company.id]) == 0


def test_after_a_restart_no_import_run_stays_running(
    settings: Settings, company: Company, killed_import: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _env(settings).items():
        monkeypatch.setenv(name, value)
    prepare()
    with store.open_db(settings.database_path) as db:
        assert db["import_runs"].count_where("status = ?", [RunStatus.RUNNING]) == 0
