"""The editor's rows: kronor typed in the grid become exact öre, and empty rows are dropped."""

from __future__ import annotations

from services.vouchers.model import AdjustmentRow
from ui.voucher_editor import rows_frame, rows_from_frame


def test_kronor_with_decimals_become_exact_ore() -> None:
    frame = rows_frame([AdjustmentRow("7832"), AdjustmentRow("1229")])
    frame.loc[0, "debit"] = 0.1 + 0.2
    frame.loc[1, "credit"] = 1234567.89
    rows = rows_from_frame(frame)
    assert [(r.debit_ore, r.credit_ore) for r in rows] == [(30, 0), (0, 123456789)]


def test_rows_left_empty_are_dropped() -> None:
    assert rows_from_frame(rows_frame([])) == []


def test_rows_survive_the_grid_unchanged() -> None:
    rows = [AdjustmentRow("7832", 100, 0, "Text", "ADM", "P1"), AdjustmentRow("1229", 0, 100)]
    assert rows_from_frame(rows_frame(rows)) == rows
