"""A large SIE upload is saved to disk a chunk at a time, known by its content, read streaming (checked once,
published in batches), and the page's upload limit is the one the server enforces."""

from __future__ import annotations

import io
import stat
import tracemalloc
from pathlib import Path

import tomllib

from services import store
from services.config import Settings
from services.imports.model import MAX_UPLOAD_MB
from services.imports.sie_file import import_sie_file, review_sie_file, save_upload
from tests.unit.sie_text import BANK_AND_SALES, IDENTIFICATION, YEAR_2024, sie_bytes

ROOT = Path(__file__).resolve().parents[2]
VOUCHERS = 40_000


def _large_file(vouchers: int = VOUCHERS) -> bytes:
    lines = [*IDENTIFICATION, "#ORGNR 556677-8899", YEAR_2024, *BANK_AND_SALES, "#IB 0 1930 1000.00"]
    for number in range(1, vouchers + 1):
        lines += [f'#VER A {number} 20240105 "Försäljning {number}"', "{", "#TRANS 1930 {} 125.00",
                  "#TRANS 3010 {} -125.00", "}"]
    return sie_bytes(*lines)


class _OneChunkAtATime(io.BytesIO):
    """An upload that counts how much was asked of it at once."""

    largest = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "the upload was read whole"
        chunk = super().read(size)
        self.largest = max(self.largest, len(chunk))
        return chunk


def test_an_upload_is_saved_in_chunks_under_its_content_hash_readable_by_the_owner_only(settings: Settings) -> None:
    data = _large_file()
    upload = _OneChunkAtATime(data)
    path = save_upload(settings, upload)
    assert path.read_bytes() == data and upload.largest < len(data)
    assert path.name.endswith(".se") and len(path.stem) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert save_upload(settings, io.BytesIO(data)) == path  # the same content: the same file


def _review_peak(settings: Settings, vouchers: int) -> int:
    path = save_upload(settings, io.BytesIO(_large_file(vouchers)))
    tracemalloc.start()
    try:
        review = review_sie_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert review.importable and (review.vouchers, review.transactions) == (vouchers, 2 * vouchers)
    assert review.document.vouchers == []  # checked as they streamed past, not kept
    return peak


def test_a_saved_file_is_reviewed_streaming_so_memory_does_not_grow_with_its_size(settings: Settings) -> None:
    small, four_times_larger = _review_peak(settings, VOUCHERS // 2), _review_peak(settings, VOUCHERS * 2)
    assert four_times_larger < small * 1.5


def test_a_saved_file_is_published_in_batches_with_every_voucher(settings: Settings) -> None:
    path = save_upload(settings, io.BytesIO(_large_file()))
    result = import_sie_file(settings, path, started_by="test")
    assert (result.vouchers, result.transactions) == (VOUCHERS, 2 * VOUCHERS)
    with store.open_db(settings.database_path) as db:
        assert db["transactions"].count_where("company_id = ?", [result.company_id]) == 2 * VOUCHERS
        assert db["balances"].count_where("company_id = ?", [result.company_id]) == 1


def test_the_page_says_the_upload_limit_the_server_enforces() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
