"""The sandbox as one Starlette application: settings, wiring of store, file archive, clock, limiter and routes.

`create_app(settings)` is all a test needs (drive it with `starlette.testclient.TestClient` or
`httpx.ASGITransport`); `sandbox.background` and `python -m sandbox` serve the same app with uvicorn.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox import admin, api, files_api, ledgers_api, oauth, oidc
from sandbox.clock import Clock, SystemClock
from sandbox.context import Sandbox
from sandbox.faults import FaultBook
from sandbox.file_archive import open_archive
from sandbox.ratelimit import RequestCounter, SlidingWindowLimiter
from sandbox.state import open_store


@dataclass(frozen=True)
class SandboxSettings:
    """How a sandbox instance behaves; `data_dir=None` means a fresh temporary folder."""

    seed: int = 1
    data_dir: Path | None = None
    rate_requests: int = 25
    rate_window: float = 5.0
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    staff_client_id: str = "staff-client"
    staff_client_secret: str = "staff-secret"


class FortnoxHeaders:
    """Pure ASGI middleware stamping `Server: Fortnox` on every answer, as the real API does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_server(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                message = {**message, "headers": headers + [(b"server", b"Fortnox")]}
            await send(message)

        await self.app(scope, receive, send_with_server)


def create_app(settings: SandboxSettings | None = None, clock: Clock | None = None) -> Starlette:
    """Build a sandbox app; pass a `sandbox.clock.ManualClock` to control time in tests."""
    settings = settings or SandboxSettings()
    data_dir = Path(settings.data_dir) if settings.data_dir else Path(tempfile.mkdtemp(prefix="fortnox-sandbox-"))
    store = open_store(data_dir, settings.seed)
    if clock is None:
        clock = SystemClock(offset=float(store.meta("clock_offset") or 0.0))
    sandbox = Sandbox(
        settings=settings,
        store=store,
        clock=clock,
        limiter=SlidingWindowLimiter(settings.rate_requests, settings.rate_window, clock),
        faults=FaultBook(),
        counter=RequestCounter(),
        archive=open_archive(data_dir, settings.seed),
    )
    app = Starlette(routes=[*oauth.ROUTES, *oidc.ROUTES, *admin.ROUTES, *ledgers_api.ROUTES, *files_api.ROUTES,
                            *api.ROUTES])
    app.state.sandbox = sandbox
    app.state.data_dir = data_dir
    app.state.staff_idp = oidc.StaffIdp(data_dir, settings.staff_client_id, settings.staff_client_secret)
    app.add_middleware(FortnoxHeaders)
    return app
