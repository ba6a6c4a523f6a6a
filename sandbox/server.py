"""The sandbox as one Starlette application: settings, wiring of books, grants, file archive, clock, limiter and
routes.

`create_app(settings)` is all a test needs (drive it with `starlette.testclient.TestClient` or
`httpx.ASGITransport`); `sandbox.background` and `python -m sandbox` serve the same app with uvicorn.

Handlers read SQLite, build SIE files and PDFs: blocking work. Each request therefore runs in Starlette's thread
pool once its body has been read, so the server's event loop keeps accepting and answering other requests.
"""

from __future__ import annotations

import asyncio
import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox import admin, api, files_api, ledgers_api, oauth, oidc
from sandbox.clock import Clock, SystemClock
from sandbox.context import Sandbox
from sandbox.faults import FaultBook
from sandbox.books_store import books_path, open_books
from sandbox.file_archive import open_archive
from sandbox.grant_store import GrantStore
from sandbox.ratelimit import RequestCounter, SlidingWindowLimiter


@dataclass(frozen=True)
class SandboxSettings:
    """How a sandbox instance behaves; `data_dir=None` means a fresh temporary folder.

    `all_books`: generate every company's books before the first request (a served sandbox does, so no request
    waits seconds for the large company); otherwise a deferred company's books are made on its first use.
    """

    seed: int = 1
    data_dir: Path | None = None
    rate_requests: int = 25
    rate_window: float = 5.0
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    staff_client_id: str = "staff-client"
    staff_client_secret: str = "staff-secret"
    all_books: bool = False


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


def _off_the_event_loop(route: BaseRoute) -> BaseRoute:
    """The route with its endpoint run in the thread pool, in an event loop of that thread's own, after the request
    body is read on the server's loop (the handlers' `await request.json()` / `form()` then read it from memory)."""
    if not isinstance(route, Route):
        return route
    endpoint = route.endpoint

    @functools.wraps(endpoint)
    async def threaded(request: Request) -> Response:
        await request.body()
        return await run_in_threadpool(asyncio.run, endpoint(request))

    return Route(route.path, threaded, methods=route.methods, name=route.name)


def create_app(settings: SandboxSettings | None = None, clock: Clock | None = None) -> Starlette:
    """Build a sandbox app; pass a `sandbox.clock.ManualClock` to control time in tests."""
    settings = settings or SandboxSettings()
    data_dir = Path(settings.data_dir) if settings.data_dir else Path(tempfile.mkdtemp(prefix="fortnox-sandbox-"))
    store = open_books(data_dir, settings.seed, settings.all_books)
    if clock is None:
        clock = SystemClock(offset=float(store.meta("clock_offset") or 0.0))
    sandbox = Sandbox(
        settings=settings,
        store=store,
        grants=GrantStore(books_path(data_dir, settings.seed)),
        clock=clock,
        limiter=SlidingWindowLimiter(settings.rate_requests, settings.rate_window, clock),
        faults=FaultBook(),
        counter=RequestCounter(),
        archive=open_archive(data_dir, settings.seed),
    )
    routes = [*oauth.ROUTES, *oidc.ROUTES, *admin.ROUTES, *ledgers_api.ROUTES, *files_api.ROUTES, *api.ROUTES]
    app = Starlette(routes=[_off_the_event_loop(route) for route in routes])
    app.state.sandbox = sandbox
    app.state.data_dir = data_dir
    app.state.staff_idp = oidc.StaffIdp(data_dir, settings.staff_client_id, settings.staff_client_secret)
    app.add_middleware(FortnoxHeaders)
    return app
