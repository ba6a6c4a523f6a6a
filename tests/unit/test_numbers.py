"""Every number the app writes is Swedish: grouped thousands, a decimal comma, a unit never trailed by stray marks."""

from __future__ import annotations

from decimal import Decimal

from services.money import format_sek
from services.numbers import format_count, format_counted, format_decimal, format_part_of, format_size

NBSP = "\u00a0"


def test_counts_are_grouped_with_a_non_breaking_space() -> None:
    assert format_count(21122) == f"21{NBSP}122"


def test_an_unknown_count_is_empty_never_none() -> None:
    assert format_count(None) == ""


def test_part_of_a_whole_reads_x_av_y() -> None:
    assert format_part_of(6703, 7583) == f"6{NBSP}703 av 7{NBSP}583"


def test_decimals_use_a_comma_and_grouping() -> None:
    assert format_decimal(Decimal("1234567.25"), 1) == f"1{NBSP}234{NBSP}567,2"


def test_a_size_ends_in_its_unit() -> None:
    assert format_size(200_000) == f"0,2{NBSP}MB"


def test_millions_of_kronor_keep_every_digit() -> None:
    assert format_sek(100_025_540) == f"1{NBSP}000{NBSP}255,40"


def test_a_count_takes_its_noun_in_the_singular_only_for_one() -> None:
    assert [format_counted(n, "rad", "rader") for n in (0, 1, 2, 21122)] == [
        "0 rader", "1 rad", "2 rader", "21\u00a0122 rader"]
