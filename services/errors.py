"""The one error family the services raise for what a person can act on: each carries a Swedish `message` that
says what is wrong and what to do, so the UI shows any of them the same way. `failure_message` says the same for
what storing can run into (a full disk, a damaged database file)."""

from __future__ import annotations

import errno
import sqlite3


class ServiceError(Exception):
    """A refusal or a failure a person can act on; `message` is the Swedish text to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(ServiceError):
    """The person may not do this (role, company list, allow-list)."""


class NotFound(ServiceError):
    """What was asked for does not exist (any more)."""


class Invalid(ServiceError):
    """The input or the request cannot be carried out as given."""


class Conflict(ServiceError):
    """The data changed or is in a state that forbids the action now."""


CORRUPT = ("Databasen (app.db i DATA_DIR) är skadad: SQLite:s kontroll av filen hittade fel, så inget körs mot "
           "den. Stäng appen och kommandoraden, ersätt filen med den senaste säkerhetskopian och starta igen; utan "
           "kopia: flytta undan app.db (med -wal och -shm) så skapas en tom databas, och anslut och importera på nytt.")


DISK_FULL = ("Disken där databasen ligger är full, så inget kunde sparas. Det som redan fanns är kvar och "
             "oförändrat. Frigör utrymme i DATA_DIR (eller flytta den) och försök igen.")


def failure_message(exc: BaseException) -> str | None:
    """What a person is told, in Swedish, when storing failed (a full disk, a damaged database file, a file that
    can't be written); None for anything else. A failed write is rolled back, so nothing half-written stays."""
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        if "full" in text:
            return DISK_FULL
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return CORRUPT
        return "Databasen kunde inte skrivas just nu. Inget ändrades; försök igen om en stund."
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        return f"En fil kunde inte läsas eller skrivas ({exc.strerror or exc}). Inget ändrades; försök igen."
    return None
