"""SIE reading speed on the largest real Fortnox export, against splitting the same text into fields.

Baseline: decode CP437 and `str.split()` every line — the least any reader must do.
"""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.timing import best_of
from services.sie import read_sie

SAMPLES = Path(os.environ.get("SIE_SAMPLES", Path(__file__).resolve().parents[2] / "shared" / "sie-samples"))
SAMPLE = SAMPLES / "fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se"


def _baseline(data: bytes) -> int:
    return sum(len(line.split()) for line in data.decode("cp437").splitlines())


def run(repeat: int = 5) -> None:
    data = SAMPLE.read_bytes()
    baseline = best_of(repeat, lambda: _baseline(data))
    reader = best_of(repeat, lambda: read_sie(data))
    megabytes = len(data) / 1_000_000
    print(f"sie_read  {SAMPLE.name} ({megabytes:.2f} MB)")
    print(f"  baseline split : {baseline * 1000:8.1f} ms")
    print(f"  read_sie       : {reader * 1000:8.1f} ms  ({megabytes / reader:.1f} MB/s, {reader / baseline:.1f}× baseline)")
