"""After-import hooks: what an entry point composes in runs once per published import, in the order registered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlite_utils import Database

from services.imports import hooks
from services.demo import add_demo_drafts
from services.imports.model import ImportResult
from tests.conftest import demo_composition

RESULT = ImportResult(run_id=1, company_id="c1", years=[])


@pytest.fixture(autouse=True)
def _no_hooks_but_these(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry of this test's own: the worker's process may hold a browser test session's demo hook."""
    monkeypatch.setattr(hooks, "_registered", [])


@pytest.fixture
def calls() -> Iterator[list[str]]:
    seen: list[str] = []

    def first(db: Database, result: ImportResult) -> None:
        seen.append(f"first {result.company_id}")

    def second(db: Database, result: ImportResult) -> None:
        seen.append(f"second {result.run_id}")

    hooks.register(first)
    hooks.register(second)
    hooks.register(first)
    yield seen
    hooks.unregister(first)
    hooks.unregister(second)


def test_each_hook_runs_once_in_the_order_registered(calls: list[str]) -> None:
    hooks.after_import(Database(memory=True), RESULT)
    assert calls == ["first c1", "second 1"]


def test_an_unregistered_hook_no_longer_runs(calls: list[str]) -> None:
    hooks.unregister(hooks._registered[0])
    hooks.after_import(Database(memory=True), RESULT)
    assert calls == ["second 1"]


def test_only_the_registration_that_added_a_hook_says_so(calls: list[str]) -> None:
    def third(db: Database, result: ImportResult) -> None:
        calls.append("third")

    assert hooks.register(third) is True
    assert hooks.register(third) is False
    hooks.unregister(third)


def test_a_nested_demo_composition_leaves_the_outer_ones_hook_in_place() -> None:
    with demo_composition():
        with demo_composition():
            pass
        assert add_demo_drafts in hooks._registered
    assert add_demo_drafts not in hooks._registered
