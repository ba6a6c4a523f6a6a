"""What else happens when an import run has published: hooks an entry point registers at start-up (demo mode adds
its drafts, see services.startup), so the pipeline knows nothing of who listens or why."""

from __future__ import annotations

from typing import Protocol

from sqlite_utils import Database

from services.imports.model import ImportResult


class AfterImport(Protocol):
    """Called inside the transaction that publishes a run, so what it writes lands (or fails) with the run."""

    def __call__(self, db: Database, result: ImportResult) -> None: ...


_registered: list[AfterImport] = []


def register(hook: AfterImport) -> bool:
    """Run `hook` after every import that publishes, from now on in this process; registering twice runs it once.
    True when this call added it, so that only the one who added it takes it off again."""
    if hook in _registered:
        return False
    _registered.append(hook)
    return True


def unregister(hook: AfterImport) -> None:
    if hook in _registered:
        _registered.remove(hook)


def after_import(db: Database, result: ImportResult) -> None:
    """Each registered hook, in the order registered."""
    for hook in _registered:
        hook(db, result)
