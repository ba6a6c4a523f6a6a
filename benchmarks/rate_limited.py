"""A sandbox and the app's settings sharing one rate limit of 25 requests per window, Fortnox's 5 s divided by a
stated scale, so benchmarks can run at Fortnox's pace in minutes instead of hours."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from sandbox.background import RunningSandbox, start_server
from services import store
from services.config import Settings, load_settings

FORTNOX_WINDOW = 5.0


@dataclass(frozen=True)
class Setup:
    server: RunningSandbox
    settings: Settings
    window: float

    @property
    def limit(self) -> float:
        """Requests per second the limit allows."""
        return 25 / self.window

    def tenant(self, index: int) -> dict:
        return httpx.get(f"{self.server.url}/sandbox/tenants").json()[index]


@contextmanager
def rate_limited(scale: float) -> Iterator[Setup]:
    window = FORTNOX_WINDOW / scale
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        server = start_server(port=0, seed=1, data_dir=root / "sandbox", rate_requests=25, rate_window=window)
        try:
            settings = load_settings(
                {"DATA_DIR": str(root), "SANDBOX_PORT": str(server.port), "FORTNOX_RATE_LIMIT": f"25/{window}"},
                secrets_file=root / "none.toml",
            )
            store.migrate(settings.database_path)
            yield Setup(server, settings, window)
        finally:
            server.stop()
