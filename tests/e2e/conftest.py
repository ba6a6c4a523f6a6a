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
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.client_speed import FAST_CLIENT
from tests.conftest import demo_composition

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Assertions wait for what they expect up to 20 s (Playwright's default is 5 s): with the suite on every core,
# Streamlit's reruns on a busy machine take longer than that; what is asserted is unchanged.
expect.set_options(timeout=20_000)
NAVIGATIONS_WAITED_FOR = 3  # a page that loads anew while wait_for_app watches it is waited on again, this often


@pytest.fixture(scope="session", autouse=True)
def _demo_drafts_after_imports() -> Iterator[None]:
    """Some tests import into their app's database from this process (tests/e2e/large_company.py), in demo mode as
    the app runs: composed as the app's start-up composes it, so the demo's drafts follow the import."""
    with demo_composition():
        yield


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


STARTS_TRIED = 3  # a port another test's server took between choosing it and binding it is given up, this often


@contextmanager
def running_app(sandbox, data_dir: Path, *, auth: dict[str, str] | None = None,
                extra_env: dict[str, str] | None = None) -> Iterator[RunningApp]:
    """`streamlit run app.py` in demo mode on a free port, against the test sandbox, until the block ends.

    `auth` (client_id, client_secret, server_metadata_url …) turns staff sign-in on through a secrets.toml of the
    server's own (`--secrets.files`); `extra_env` adds settings such as STAFF_ALLOWLIST.
    """
    for _ in range(STARTS_TRIED):
        port = _free_port()
        process, log_path = _start_streamlit(sandbox, data_dir, port, auth, extra_env)
        try:
            if _serves_the_port(process, port, log_path):
                yield RunningApp(url=f"http://localhost:{port}", data_dir=data_dir)
                return
        finally:
            _stop(process)
    raise RuntimeError(f"Streamlit found no free port in {STARTS_TRIED} tries:\n{log_path.read_text()}")


def _start_streamlit(sandbox, data_dir: Path, port: int, auth: dict[str, str] | None,
                     extra_env: dict[str, str] | None) -> tuple[subprocess.Popen, Path]:
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
    return process, log_path


def _serves_the_port(process: subprocess.Popen, port: int, log_path: Path) -> bool:
    """Whether this process, and not another test's server, answers on the port: the free port is chosen before
    Streamlit binds it, so a server started meanwhile on another worker may hold it and answer the health check
    while this one exits with "Port … is not available". Only the server that bound the port prints its URL."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if f"Port {port} is not available" in log_path.read_text():
                return False
            raise RuntimeError(log_path.read_text())
        if f"URL: http://127.0.0.1:{port}" in log_path.read_text() and _healthy(port):
            return True
        time.sleep(0.2)
    raise RuntimeError(f"Streamlit did not start within 60 s:\n{log_path.read_text()}")


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).text == "ok"
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:  # a loaded machine: do not leave the server behind
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def app(sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """A fresh app with an empty data folder for each test module."""
    with running_app(sandbox, tmp_path_factory.mktemp("app-data")) as started:
        yield started


# Watches, in the page, for Streamlit's idle state. After a widget change or a page link the browser sends the
# server a rerun request (a BackMsg whose field 11, rerun_script, is encoded first: tag byte 0x5A), but the page
# keeps saying `data-test-script-state="notRunning"` until the server answers that the run started. A rerun asked
# for while the page says notRunning is therefore "pending" until that attribute next changes (the run started);
# the app is idle when it is connected, not running and no rerun is pending (or one has gone unanswered for 15 s:
# the assertions after the wait still wait for what they expect).
_IDLE_WATCH = """
(() => {
  const UNANSWERED_RERUN_MS = 15000;  // a rerun the server never started (merged into another): stop waiting for it
  if (window.__streamlitIdle) return;
  const app = () => document.querySelector("[data-testid='stApp']");
  const scriptState = () => app()?.getAttribute("data-test-script-state");
  let rerunPending = false;
  let pendingSince = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (bytes !== null && bytes[0] === 0x5a && scriptState() === "notRunning") {
      rerunPending = true;
      pendingSince = Date.now();
    }
    return send.call(this, data);
  };
  new MutationObserver(() => { rerunPending = false; }).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-test-script-state"],
  });
  window.__streamlitIdle = () => {
    const element = app();
    const unanswered = rerunPending && Date.now() - pendingSince > UNANSWERED_RERUN_MS;
    return element !== null && (!rerunPending || unanswered)
      && element.getAttribute("data-test-connection-state") === "CONNECTED"
      && element.getAttribute("data-test-script-state") === "notRunning";
  };
})();
"""


def wait_for_app(page: Page) -> None:
    """Wait until the app is idle: connected, every rerun asked for has started, and its script has finished.

    The watcher is installed on the page's first wait (always after a `goto`, whose first run starts from the
    `initial` state, so nothing is missed) and, through the context, in every page loaded after that."""
    for _ in range(NAVIGATIONS_WAITED_FOR):
        try:
            if not page.evaluate("() => typeof window.__streamlitIdle === 'function'"):
                page.context.add_init_script(script=_IDLE_WATCH)
                page.evaluate(_IDLE_WATCH)
            page.wait_for_function("() => window.__streamlitIdle()", polling=50, timeout=90_000)
            return
        except PlaywrightError as exc:  # the click that came before loads a new page (Logga ut): wait on that one
            if "Execution context was destroyed" not in str(exc):
                raise
            page.wait_for_load_state()
    raise AssertionError(f"the page kept navigating: {page.url}")
