"""One SQLite file shared by uvicorn's event loop, Starlette's thread pool and test threads: a single connection
in WAL mode behind a re-entrant lock, with write transactions taken up front."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


# Every store of the sandbox file keeps its settings (schema version, seed, token secret, clock offset) here.
META_TABLE = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class SqliteFile:
    """Base of the sandbox's stores; subclasses set `self._conn` (usually `connect(path)`)."""

    _conn: sqlite3.Connection

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def meta(self, key: str) -> str | None:
        """A value of the file's `meta` table (None also before the table exists)."""
        try:
            rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        except sqlite3.OperationalError:
            return None
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         (key, value))
