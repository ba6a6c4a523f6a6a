from pathlib import Path

import pytest

from services import store


def test_migrations_are_idempotent_and_use_wal(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    store.migrate(path)
    with store.open_db(path) as db:
        assert db.journal_mode == "wal"
        assert {"companies", "connections", "vouchers", "transactions", "adjustment_vouchers"} <= set(db.table_names())


def test_a_failed_write_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    with store.open_db(path) as db:
        with pytest.raises(RuntimeError), store.write_lock(db):
            db["companies"].insert({"id": "x", "orgnr": "556000-0000", "name": "X AB", "source": "fortnox"})
            raise RuntimeError
        assert db["companies"].count == 0


def test_the_transactions_account_index_the_reconciliation_names_exists(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    with store.open_db(path) as db:
        assert store.TRANSACTIONS_BY_ACCOUNT in {index.name for index in db["transactions"].indexes}
