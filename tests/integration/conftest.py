"""Fixtures for tests that drive the Fortnox sandbox: an in-process app per test (fresh state in tmp_path, a
manual clock), a TestClient, and tokens for the demo tenants; and demo mode composed as the app composes it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.clock import ManualClock
from sandbox.context import Sandbox
from sandbox.server import SandboxSettings, create_app
from sandbox.world import MIDSIZE_TENANT_ID, SMALL_TENANT_ID
from tests.conftest import demo_composition
from tests.sandbox_flows import bearer, service_token

with warnings.catch_warnings():
    # Starlette 1.10 prefers the httpx2 package for its TestClient; httpx works the same.
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

# A fixed "now" (2026-03-02 09:00 UTC): after both demo companies' latest year, like the real date.
SANDBOX_EPOCH = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def _demo_drafts_after_imports() -> Iterator[None]:
    """These tests call the services in demo mode (tests.conftest.settings_for) without the app's start-up, so they
    register what services.startup.prepare registers in demo mode; taken off again after each test."""
    with demo_composition():
        yield


@pytest.fixture
def sandbox_clock() -> ManualClock:
    return ManualClock(start=SANDBOX_EPOCH)


@pytest.fixture
def sandbox_settings(tmp_path: Path) -> SandboxSettings:
    return SandboxSettings(seed=1, data_dir=tmp_path / "sandbox", rate_requests=25, rate_window=5.0)


@pytest.fixture
def sandbox_app(sandbox_settings: SandboxSettings, sandbox_clock: ManualClock):
    return create_app(sandbox_settings, clock=sandbox_clock)


@pytest.fixture
def sandbox_instance(sandbox_app) -> Sandbox:
    return sandbox_app.state.sandbox


@pytest.fixture
def sandbox_client(sandbox_app) -> Iterator[TestClient]:
    with TestClient(sandbox_app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def small_tenant_id() -> str:
    return SMALL_TENANT_ID


@pytest.fixture
def midsize_tenant_id() -> str:
    return MIDSIZE_TENANT_ID


@pytest.fixture
def sandbox_auth(sandbox_client: TestClient) -> dict[str, str]:
    """Bearer headers for a service account of the small company with every scope."""
    return bearer(service_token(sandbox_client, SMALL_TENANT_ID))
