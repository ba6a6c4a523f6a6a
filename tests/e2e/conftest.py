"""Browser tests: Debian's Chromium driven by Playwright against a real `streamlit run` of app.py.

Each test module gets a freshly started app with its own data folder, talking to the session's sandbox.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.client_speed import FAST_CLIENT

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    data_dir: Path


def _write_auth_secrets(data_dir: Path, port: int, auth: dict[str, str]) -> Path:
    """A secrets.toml with `[auth]` for st.login; redirect_uri and cookie_secret are filled in for this server."""
    values = {"redirect_uri": f"http://localhost:{port}/oauth2callback", "cookie_secret": secrets.token_hex(32),
              **auth}
    path = data_dir / "secrets.toml"
    path.write_text("[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items()))
    return path


@contextmanager
def running_app(sandbox, data_dir: Path, *, auth: dict[str, str] | None = None,
                extra_env: dict[str, str] | None = None) -> Iterator[RunningApp]:
    """`streamlit run app.py` in demo mode on a free port, against the test sandbox, until the block ends.

    `auth` (client_id, client_secret, server_metadata_url …) turns staff sign-in on through a secrets.toml of the
    server's own (`--secrets.files`); `extra_env` adds settings such as STAFF_ALLOWLIST.
    """
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "SANDBOX_PORT": str(sandbox.port), "DATA_DIR": str(data_dir), **FAST_CLIENT,
           **(extra_env or {})}
    env.pop("FORTNOX_CLIENT_ID", None)
    secrets_args = ["--secrets.files", str(_write_auth_secrets(data_dir, port, auth))] if auth else []
    log_path = data_dir / "streamlit.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--server.headless", "true",
                "--server.fileWatcherType", "none",
                "--browser.gatherUsageStats", "false",
                *secrets_args,
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://localhost:{port}"
            _wait_until_healthy(url, process, log_path)
            yield RunningApp(url=url, data_dir=data_dir)
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text())
        time.sleep(0.2)
    raise RuntimeError(f"Streamlit did not start within 60 s:\n{log_path.read_text()}")


@pytest.fixture(scope="module")
def app(sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """A fresh app with an empty data folder for each test module."""
    with running_app(sandbox, tmp_path_factory.mktemp("app-data")) as started:
        yield started


def wait_for_app(page: Page) -> None:
    """Wait until the app is connected and its script has finished running."""
    expect(page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']")).to_be_attached(timeout=30_000)
    page.wait_for_timeout(200)
    expect(page.locator("[data-testid='stApp'][data-test-script-state='notRunning']")).to_be_attached(timeout=60_000)
