"""Shared fixtures: one Fortnox sandbox per test session (per pytest-xdist worker) over real HTTP, and settings
pointing at it.

Tests assert on the demo companies as seeded, so a test module that writes to Fortnox (exports, uploads, moving
the clock) is marked `writes_to_fortnox` and gets a sandbox of its own as `sandbox`: no other test sees its
writes, and every test passes alone and in any order. The sandbox's rate limit is raised here so the suite never
waits on it; the rate limit itself is tested against its own sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sandbox.background import RunningSandbox, start_server
from services import store
from services.config import Settings, load_settings
from services.demo import add_demo_drafts
from services.imports import hooks
from tests import hypothesis_budget
from tests.client_speed import FAST_CLIENT

SMALL_COMPANY = 0  # index in GET /sandbox/tenants


def _start_sandbox(data_dir: Path) -> RunningSandbox:
    return start_server(port=0, seed=1, data_dir=data_dir, rate_requests=100_000, rate_window=5.0)


def pytest_configure(config: pytest.Config) -> None:
    hypothesis_budget.load_profile()
    config.addinivalue_line("markers", "writes_to_fortnox: the module changes the sandbox (exports, uploads, its "
                                       "clock), so it runs against a sandbox of its own")
    config.addinivalue_line("markers", "alone: the module loads the whole machine (ten browser sessions at once), so "
                                       "make test runs it after the parallel run, by itself")
    config.addinivalue_line("markers", "slow: a unit test that generates a whole sandbox world again (same seed, "
                                       "same bytes); make check leaves it to make test")


@contextmanager
def demo_composition() -> Iterator[None]:
    """What services.startup.prepare adds in demo mode, for tests that call the services in demo mode without the
    app's start-up (settings_for): the demo's drafts follow a published import. Nested in one that registered
    it already (a browser test file's session after an integration test file's, on one worker), it leaves the hook
    in place when it ends."""
    added = hooks.register(add_demo_drafts)
    try:
        yield
    finally:
        if added:
            hooks.unregister(add_demo_drafts)


@pytest.fixture(scope="session")
def session_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    server = _start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sandbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """The session's sandbox, or one of the module's own when the module is marked `writes_to_fortnox`."""
    if request.node.get_closest_marker("writes_to_fortnox") is None:
        yield request.getfixturevalue("session_sandbox")
        return
    server = _start_sandbox(tmp_path_factory.mktemp("own-sandbox"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def quiet_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """A sandbox of the module's own, for tests that count requests or changes and must not see other tests'
    writes (the session sandbox is shared)."""
    server = _start_sandbox(tmp_path_factory.mktemp("quiet-sandbox"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tenants(sandbox: RunningSandbox) -> list[dict]:
    return httpx.get(f"{sandbox.url}/sandbox/tenants").json()


@pytest.fixture
def small_tenant(tenants: list[dict]) -> dict:
    return tenants[SMALL_COMPANY]


def settings_for(data_dir: Path, sandbox_port: int, **extra: str) -> Settings:
    """Demo-mode settings exactly as the app resolves them (with the fast client), with their own database."""
    environ = {"DATA_DIR": str(data_dir), "SANDBOX_PORT": str(sandbox_port), "PORT": "8501", **FAST_CLIENT, **extra}
    settings = load_settings(environ, secrets_file=data_dir / "no-secrets.toml")
    store.migrate(settings.database_path)
    return settings


@pytest.fixture
def settings(tmp_path: Path, sandbox: RunningSandbox) -> Settings:
    return settings_for(tmp_path, sandbox.port)


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that injects sandbox faults never leaks them into the next test."""
    yield
    if "sandbox" in request.fixturenames:
        httpx.delete(f"{request.getfixturevalue('sandbox').url}/sandbox/faults")
