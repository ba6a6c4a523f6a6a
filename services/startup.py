"""What every entry point (the app, the command line) does first."""

from __future__ import annotations

from services import logs, store
from services.config import Settings, load_settings
from services.data_dir import make_private
from services.demo import add_demo_drafts, ensure_sandbox
from services.imports import hooks
from services.imports.runs import end_abandoned_runs


def prepare() -> Settings:
    """Read the settings, set the log level, make DATA_DIR private, check and create or migrate the database (StoreProblem when it
    can't be used), end the import runs of processes that are gone (after a restart none stays running), and in
    demo mode make sure the sandbox answers and give each company its demo drafts after its first import."""
    settings = load_settings()
    logs.configure(settings.log_level)
    make_private(settings.data_dir)
    store.open_checked(settings.database_path)
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        end_abandoned_runs(db)
    if settings.demo_mode:
        ensure_sandbox(settings)
        hooks.register(add_demo_drafts)
    return settings
