"""Serving the sandbox over real HTTP from a daemon thread: for integration tests and for the app's demo mode.

`start_server` returns only once the server answers; `ensure_running` starts one on a fixed port unless something
there already answers `GET /sandbox/tenants` (the app calls it in demo mode, so a sandbox started by another process
— or by `python -m sandbox` — is reused rather than fought over).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette

from sandbox.faults import quiet_dropped_connections
from sandbox.server import SandboxSettings, create_app

STARTUP_TIMEOUT = 15.0

# Servers started by ensure_running, kept referenced for the life of the process.
_STARTED: dict[tuple[str, int], RunningSandbox] = {}
_STARTED_LOCK = threading.Lock()


@dataclass
class RunningSandbox:
    """A sandbox served by uvicorn in a daemon thread."""

    host: str
    port: int
    server: uvicorn.Server = field(repr=False)
    thread: threading.Thread = field(repr=False)
    data_dir: Path
    app: Starlette = field(repr=False)

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:8765` (both the OAuth and the API live under it)."""
        return f"http://{self.host}:{self.port}"

    def stop(self, timeout: float = 5.0) -> None:
        """Ask uvicorn to shut down and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout)
        if not self.thread.is_alive():
            self.app.state.sandbox.store.close()
            self.app.state.sandbox.grants.close()


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a sandbox at host:port answers `GET /sandbox/tenants` with 200."""
    try:
        response = httpx.get(f"http://{host}:{port}/sandbox/tenants", timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def start_server(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 1,
    data_dir: Path | str | None = None,
    rate_requests: int = 25,
    rate_window: float = 5.0,
) -> RunningSandbox:
    """Serve a sandbox on host:port (0 = a free port) in a daemon thread; return once it answers HTTP.

    Every company's books are generated before the server starts, so no request waits for them (on a busy machine
    the large company would outlast a client's timeout)."""
    settings = SandboxSettings(seed=seed, data_dir=Path(data_dir) if data_dir else None,
                               rate_requests=rate_requests, rate_window=rate_window, all_books=True)
    app = create_app(settings)
    sock = _bind(host, port)
    actual_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", server_header=False, access_log=False, lifespan="off")
    quiet_dropped_connections()
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"fortnox-sandbox-{actual_port}",
                              daemon=True)
    thread.start()
    running = RunningSandbox(host, actual_port, server, thread, app.state.data_dir, app)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.started and answers(host, actual_port, timeout=0.5):
            return running
        if not thread.is_alive():
            break
        time.sleep(0.02)
    running.stop()
    raise RuntimeError(f"Fortnox-sandlådan startade inte på {host}:{actual_port}.")


def ensure_running(host: str = "127.0.0.1", port: int = 8765, data_dir: Path | str | None = None,
                   seed: int = 1) -> bool:
    """Start a sandbox at host:port unless one already answers there; True when this call started it."""
    with _STARTED_LOCK:
        if answers(host, port):
            return False
        try:
            _STARTED[(host, port)] = start_server(host, port, seed=seed, data_dir=data_dir)
        except OSError:
            # Another process bound the port between our check and our bind: use that one if it answers.
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while time.monotonic() < deadline:
                if answers(host, port):
                    return False
                time.sleep(0.1)
            raise
        return True
