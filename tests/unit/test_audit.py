"""The audit log's actions: one enum, every action with a Swedish label, every line written the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from services import audit, store
from services.audit import AuditAction


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    store.migrate(tmp_path / "app.db")
    with store.open_db(tmp_path / "app.db") as database:
        yield database


def test_every_action_has_a_capitalised_swedish_label() -> None:
    assert all(action.label[0].isupper() for action in AuditAction)


def test_a_stored_action_reads_as_its_label_and_an_unknown_one_as_it_is() -> None:
    assert audit.label("export") == "Exporterad"
    assert audit.label("an_action_from_an_older_version") == "an_action_from_an_older_version"


def test_a_line_stores_the_actions_value_with_who_and_what(db: Database) -> None:
    with store.write_lock(db):
        audit.record(db, "rita@byra.se", AuditAction.SERIES, None, "Verifikationsserie B", fortnox_ref="B 1")
    [line] = db["audit_log"].rows
    assert (line["actor"], line["action"], line["detail"], line["fortnox_ref"]) == (
        "rita@byra.se", "series", "Verifikationsserie B", "B 1")
    assert line["at"]
