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


def _rows(path: Path, table: str) -> list[dict]:
    with store.open_db(path) as db:
        return list(db[table].rows)


def test_table_rows_store_every_value_with_its_type(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    row = {"company_id": "c", "year_id": "1", "series": "A", "number": "0012", "row_no": 1, "account": "1930",
           "amount_ore": -(10**15 - 1), "text": 'Kvitto "ÅÄÖ" \\ {1 "100"} =SUM(A1)', "objects": "[]"}
    with store.open_db(path) as db:
        store.TableRows.of("transactions", [row]).insert(db)
    assert _rows(path, "transactions") == [row]


def test_table_rows_keep_a_missing_value_empty(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    with store.open_db(path) as db:
        store.TableRows.of("vouchers", [{"company_id": "c", "year_id": "1", "series": "A", "number": "1",
                                         "date": "2025-01-01", "text": "", "reg_date": None}]).insert(db)
    assert _rows(path, "vouchers")[0]["reg_date"] is None


def test_table_rows_that_replace_keep_the_last_of_a_repeated_key(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    balances = [{"company_id": "c", "year_id": "1", "kind": "UB", "account": "1930", "amount_ore": amount}
                for amount in (100, 200, 300)]
    with store.open_db(path) as db:
        store.TableRows.of("balances", balances, replace=True).insert(db)
    assert [row["amount_ore"] for row in _rows(path, "balances")] == [300]


def test_no_table_rows_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store.migrate(path)
    with store.open_db(path) as db:
        store.TableRows.of("vouchers", []).insert(db)
    assert _rows(path, "vouchers") == []
