"""How long an import's publish holds the database's write lock while other sessions' threads keep Python busy.

The Streamlit process runs every session's script and the background imports as threads of one process. Rows written
one by one (executemany) give up Python's lock at every row and queue behind those threads for it again;
`store.TableRows` writes a table's rows in one statement. Baseline: the same rows by executemany on an idle process.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from benchmarks.timing import best_of
from services import store

ROWS = 60_000  # the large demo company's voucher rows
BUSY_THREADS = 8


def _rows() -> store.TableRows:
    return store.TableRows.of("transactions", (
        {"company_id": "c", "year_id": "1", "series": "A", "number": str(index // 3), "row_no": index % 3,
         "account": "1930", "amount_ore": index * 100, "text": "Leverantörsfaktura", "objects": "[]"}
        for index in range(ROWS)))


@contextmanager
def _busy_threads(count: int) -> Iterator[None]:
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1_000))

    threads = [threading.Thread(target=spin, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _publish(folder: Path, write: Callable[[Database], None]) -> Callable[[], None]:
    path = folder / "app.db"
    store.migrate(path)

    def once() -> None:
        with store.open_db(path) as db, store.write_lock(db):
            db.execute("delete from transactions")
            write(db)
    return once


def run(repeat: int = 3) -> None:
    rows = _rows()
    sql = (f"insert into transactions ({', '.join(rows.columns)}) values ({', '.join('?' * len(rows.columns))})")

    def row_by_row(db: Database) -> None:
        db.conn.executemany(sql, rows.values)

    with tempfile.TemporaryDirectory() as folder:
        baseline = best_of(repeat, _publish(Path(folder), row_by_row))
        with _busy_threads(BUSY_THREADS):
            contended = best_of(repeat, _publish(Path(folder), row_by_row))
            one_statement = best_of(repeat, _publish(Path(folder), rows.insert))
    print(f"publish_contention  {ROWS} voucher rows, {BUSY_THREADS} busy threads in the process")
    print(f"  executemany, idle      : {baseline:6.2f} s  (baseline)")
    print(f"  executemany, contended : {contended:6.2f} s  ({contended / baseline:.1f}× baseline)")
    print(f"  TableRows, contended   : {one_statement:6.2f} s  ({one_statement / baseline:.1f}× baseline)")


if __name__ == "__main__":
    run()
