"""What every entry point (the app, the command line) does first."""

from __future__ import annotations

from services import logs, store
from services.config import Settings, load_settings
from services.demo import ensure_sandbox


def prepare() -> Settings:
    """Read the settings, set the log level, create or migrate the database, and in demo mode make sure the
    sandbox answers."""
    settings = load_settings()
    logs.configure(settings.log_level)
    store.migrate(settings.database_path)
    if settings.demo_mode:
        ensure_sandbox(settings)
    return settings
