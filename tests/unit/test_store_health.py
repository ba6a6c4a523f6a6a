"""A damaged database file or a full disk is found and said in Swedish before anything runs on, and a write that
fails leaves the database as it was; the files under DATA_DIR are readable by their owner only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from services import store
from services.data_dir import make_private
from services.errors import failure_message

ROOT = Path(__file__).resolve().parents[2]


def _filled_database(path: Path) -> None:
    store.migrate(path)
    with store.open_db(path) as db, store.write_lock(db):
        db["transactions"].insert_all(
            {"company_id": "c", "year_id": "1", "series": "A", "number": str(n), "row_no": 1, "account": "1930",
             "amount_ore": n, "text": "x" * 200, "objects": "[]"} for n in range(5000))
    with store.open_db(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _damage_middle_pages(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(b"\xa5" * 3 * 4096)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_database_with_pages_damaged_mid_file_is_refused_at_start_in_swedish(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _filled_database(path)
    _damage_middle_pages(path)
    with pytest.raises(store.StoreProblem, match="skadad.*säkerhetskopia"):
        store.open_checked(path)


def test_a_file_that_is_no_database_is_refused_at_start_in_swedish(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    path.write_bytes(b"inte en databas" * 1000)
    with pytest.raises(store.StoreProblem, match="skadad"):
        store.open_checked(path)


def test_the_command_line_on_a_damaged_database_exits_1_with_the_swedish_reason(tmp_path: Path) -> None:
    _filled_database(tmp_path / "app.db")
    _damage_middle_pages(tmp_path / "app.db")
    env = {**os.environ, "DATA_DIR": str(tmp_path), "SANDBOX_PORT": "9", "FORTNOX_CLIENT_ID": "x"}
    done = subprocess.run([sys.executable, "-m", "services", "companies"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "skadad" in done.stderr and "Traceback" not in done.stderr


def test_a_write_that_finds_the_disk_full_is_rolled_back_and_said_in_swedish(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _filled_database(path)
    with store.open_db(path) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        with pytest.raises(Exception) as failed, store.write_lock(db):
            db["transactions"].delete_where("number < '2'")
            db["transactions"].insert_all(
                {"company_id": "c", "year_id": "2", "series": "A", "number": str(n), "row_no": 1, "account": "1930",
                 "amount_ore": n, "text": "y" * 200, "objects": "[]"} for n in range(5000))
    assert "Disken" in failure_message(failed.value)
    with store.open_db(path) as db:
        assert db["transactions"].count == 5000


def test_a_new_database_and_its_wal_and_shm_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    with store.open_db(path) as db:
        db["companies"].insert({"id": "x", "orgnr": "556000-0000", "name": "X AB", "source": "fortnox"})
        assert {_mode(p) for p in tmp_path.glob("app.db*")} == {0o600}
        assert len(list(tmp_path.glob("app.db*"))) == 3


def test_data_dir_and_everything_in_it_are_made_private_at_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "attachments" / "ab").mkdir(parents=True, mode=0o755)
    (data_dir / "app.db").write_bytes(b"")
    (data_dir / "attachments" / "ab" / "abcd").write_bytes(b"%PDF-")
    for path in (data_dir / "app.db", data_dir / "attachments" / "ab" / "abcd"):
        path.chmod(0o644)
    data_dir.chmod(0o755)
    make_private(data_dir)
    assert _mode(data_dir) == _mode(data_dir / "attachments") == _mode(data_dir / "attachments" / "ab") == 0o700
    assert _mode(data_dir / "app.db") == _mode(data_dir / "attachments" / "ab" / "abcd") == 0o600
