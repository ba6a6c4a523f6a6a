"""Frozen record dataclasses as SQLite tables, and lazily paged query results.

A ledger record (invoice, payment, register entry …) is stored one column per field, keyed by tenant: dates as
ISO text, Decimals as text, booleans as 0/1 and a `VoucherRef` spread over voucher_series/number/year. Keeping
the mapping generic means a field added to a record needs no hand-written SQL.
"""

from __future__ import annotations

import functools
import sqlite3
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

from sandbox.records import VoucherRef

T = TypeVar("T")

_VOUCHER_COLUMNS = ("voucher_series", "voucher_number", "voucher_year")
_SQL_TYPES = {int: "INTEGER", bool: "INTEGER"}


def _base_type(hint: Any) -> Any:
    """`date | None` → date; plain types unchanged."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if args else hint


@dataclass(frozen=True)
class RecordTable(Generic[T]):
    """One record type's table: `key` names the field that identifies a record within a tenant."""

    name: str
    record: type[T]
    key: str

    @functools.cached_property
    def _types(self) -> dict[str, Any]:
        hints = typing.get_type_hints(self.record)
        return {f.name: _base_type(hints[f.name]) for f in fields(self.record)}  # type: ignore[arg-type]

    @functools.cached_property
    def columns(self) -> list[str]:
        out = [] if "tenant_id" in self._types else ["tenant_id"]
        for name in self._types:
            out += list(_VOUCHER_COLUMNS) if name == "voucher" else [name]
        return out

    def create_sql(self) -> str:
        types = self._types
        parts = []
        for column in self.columns:
            kind = types.get(column, int if column in ("voucher_number", "voucher_year") else str)
            parts.append(f"{column} {_SQL_TYPES.get(kind, 'TEXT')}")
        return (f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(parts)}, PRIMARY KEY (tenant_id, {self.key}));")

    def insert_sql(self) -> str:
        return f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({', '.join('?' * len(self.columns))})"

    def insert(self, conn: sqlite3.Connection, tenant_id: str, records: Iterable[T]) -> None:
        """Write a tenant's records into the table."""
        conn.executemany(self.insert_sql(), [self.values(tenant_id, r) for r in records])

    def values(self, tenant_id: str, record: T) -> tuple[object, ...]:
        out: list[object] = [] if "tenant_id" in self._types else [tenant_id]
        for name in self._types:
            value = getattr(record, name)
            if name == "voucher":
                out += [value.series, value.number, value.year_id] if value else [None, None, None]
            elif isinstance(value, bool):
                out.append(int(value))
            elif isinstance(value, (date, Decimal)):
                out.append(str(value))
            else:
                out.append(value)
        return tuple(out)

    def read(self, row: sqlite3.Row) -> T:
        kwargs: dict[str, object] = {}
        for name, kind in self._types.items():
            if name == "voucher":
                series = row["voucher_series"]
                kwargs[name] = VoucherRef(series, row["voucher_number"], row["voucher_year"]) if series else None
                continue
            value = row[name]
            if value is not None and kind is date:
                value = date.fromisoformat(value)
            elif value is not None and kind is Decimal:
                value = Decimal(value)
            elif kind is bool:
                value = bool(value)
            kwargs[name] = value
        return self.record(**kwargs)


class LazyRows(Sequence[T]):
    """A query's result as a sequence that counts and slices in SQL: `len` is a COUNT, a slice adds LIMIT/OFFSET.

    `query` is `FROM … WHERE …` (no ORDER BY); rows are only read when iterated.
    """

    def __init__(self, run: Callable[[str, list[object]], list[sqlite3.Row]], query: str, params: list[object],
                 order: str, convert: Callable[[sqlite3.Row], T], start: int = 0, stop: int | None = None) -> None:
        self._run, self._query, self._params, self._order, self._convert = run, query, params, order, convert
        self._start, self._stop = start, stop

    def __len__(self) -> int:
        total = int(self._run(f"SELECT COUNT(*) AS n {self._query}", self._params)[0]["n"])
        end = total if self._stop is None else min(total, self._stop)
        return max(0, end - self._start)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> LazyRows[T]: ...

    def __getitem__(self, index: int | slice) -> T | LazyRows[T]:
        if isinstance(index, slice):
            if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
                raise ValueError("LazyRows supports plain non-negative slices only")
            start = self._start + (index.start or 0)
            stop = None if index.stop is None else self._start + index.stop
            if self._stop is not None:
                stop = self._stop if stop is None else min(stop, self._stop)
            return LazyRows(self._run, self._query, self._params, self._order, self._convert, start, stop)
        items = list(self[index:index + 1]) if index >= 0 else []
        if not items:
            raise IndexError(index)
        return items[0]

    def __iter__(self) -> Iterator[T]:
        limit = -1 if self._stop is None else max(0, self._stop - self._start)
        rows = self._run(f"SELECT * {self._query} ORDER BY {self._order} LIMIT ? OFFSET ?",
                         [*self._params, limit, self._start])
        return iter([self._convert(r) for r in rows])
