"""The in-memory form of a SIE document (types 1-4, 4E and 4I).

Conventions:

* Amounts are **integer öre** (``-0.96`` is ``-96``), never floats.
* Identifiers (account numbers, voucher series and numbers, dimension and
  object ids, ``#FNR``) are **strings**, so ``0027`` keeps its leading zero.
* Dates are :class:`datetime.date`; an absent optional date is ``None``.
* Sign convention as in the file: debit positive, credit negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from .errors import SieMessage

TRANS = "TRANS"
RTRANS = "RTRANS"
BTRANS = "BTRANS"

IB = "IB"
UB = "UB"
RES = "RES"
OIB = "OIB"
OUB = "OUB"
PSALDO = "PSALDO"
PBUDGET = "PBUDGET"


@dataclass(frozen=True, slots=True)
class SieYear:
    """A ``#RAR`` record: fiscal year ``index`` (0 current, -1 previous...)."""

    index: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class SieAccount:
    """An account from ``#KONTO`` with its ``#KTYP`` (T/S/K/I) and ``#SRU``.

    ``sru`` is the first ``#SRU`` code given for the account (the standard
    allows several).
    """

    number: str
    name: str
    type: str | None = None
    sru: str | None = None
    unit: str | None = None  # #ENHET
    # Every #SRU code, in file order (``sru`` is the first of them).
    sru_codes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class SieAddress:
    """The ``#ADRESS`` record: four strings, any of them possibly empty."""

    contact: str = ""
    street: str = ""
    postal: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class SieObjectBalance:
    """An ``#OIB`` or ``#OUB`` record: a balance per account and object list."""

    kind: str  # "OIB" | "OUB"
    year: int
    account: str
    objects: tuple[tuple[str, str], ...]
    amount_ore: int
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SiePeriodBalance:
    """A ``#PSALDO`` or ``#PBUDGET`` record: the change (or budget) of one
    month ``period`` (``"YYYYMM"``) for an account, optionally per object."""

    kind: str  # "PSALDO" | "PBUDGET"
    year: int
    period: str
    account: str
    objects: tuple[tuple[str, str], ...]
    amount_ore: int
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SieBalance:
    """An ``#IB``, ``#UB`` or ``#RES`` record for fiscal year ``year``."""

    kind: str  # "IB" | "UB" | "RES"
    year: int
    account: str
    amount_ore: int
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class SieTransaction:
    """A voucher row: ``#TRANS``, ``#RTRANS`` (added) or ``#BTRANS`` (struck).

    ``shadow`` is true for the ``#TRANS`` that repeats the ``#RTRANS`` just
    before it (FORMAT.md §8); it is kept for fidelity but is not a current row.
    ``sign`` is the optional signature field (Fortnox and BL put the user's
    name there on ``#RTRANS``/``#BTRANS``).
    """

    account: str
    amount_ore: int
    objects: tuple[tuple[str, str], ...]
    date: date | None
    text: str
    quantity: Decimal | None
    kind: str  # "TRANS" | "RTRANS" | "BTRANS"
    line: int
    sign: str | None = None
    shadow: bool = False

    @property
    def is_current(self) -> bool:
        """Whether the row is part of the voucher's current content."""
        if self.kind == TRANS:
            return not self.shadow
        return self.kind == RTRANS


@dataclass(frozen=True, slots=True)
class SieVoucher:
    """A ``#VER`` record with its rows, in file order.

    ``transactions`` holds every row record as written, including the shadow
    ``#TRANS`` after an ``#RTRANS`` and the struck ``#BTRANS`` rows. ``rows``
    gives the current content, which is what balances and sums use.
    """

    series: str
    number: str
    date: date
    text: str
    reg_date: date | None
    transactions: tuple[SieTransaction, ...]
    line: int
    sign: str | None = None

    @property
    def rows(self) -> tuple[SieTransaction, ...]:
        """Current rows: plain ``#TRANS`` and ``#RTRANS``; no shadows, no ``#BTRANS``."""
        return tuple(t for t in self.transactions if t.is_current)

    @property
    def struck(self) -> tuple[SieTransaction, ...]:
        """Rows struck by a correction (``#BTRANS``): history, never part of a sum."""
        return tuple(t for t in self.transactions if t.kind == BTRANS)

    @property
    def total_ore(self) -> int:
        """Sum of the current rows; 0 for a balanced voucher."""
        return sum(t.amount_ore for t in self.transactions if t.is_current)

    @property
    def is_balanced(self) -> bool:
        return self.total_ore == 0

    @property
    def label(self) -> str:
        """Human-readable id such as ``A 12`` (series and number as written)."""
        return voucher_label(self.series, self.number)


def voucher_label(series: str, number: str) -> str:
    """A voucher's label (``SieVoucher.label``), also where none is built."""
    return f"{series} {number}".strip()


# The reader makes SieTransaction and SieVoucher by the hundred thousand, and a
# frozen dataclass's __init__ (object.__setattr__ per field) costs about four
# times a plain one. These twins have the same slots and a plain __init__ that
# ends by turning the object into the frozen class: the result is an ordinary
# frozen SieTransaction / SieVoucher, equal to one made the usual way.


class new_transaction:
    """``new_transaction(...)`` is ``SieTransaction(...)`` (all arguments positional), faster."""

    __slots__ = SieTransaction.__slots__

    def __init__(self, account, amount_ore, objects, date, text, quantity, kind, line, sign=None, shadow=False):  # type: ignore[no-untyped-def]
        self.account = account
        self.amount_ore = amount_ore
        self.objects = objects
        self.date = date
        self.text = text
        self.quantity = quantity
        self.kind = kind
        self.line = line
        self.sign = sign
        self.shadow = shadow
        self.__class__ = SieTransaction  # type: ignore[assignment]


class new_voucher:
    """``new_voucher(...)`` is ``SieVoucher(...)`` (all arguments positional), faster."""

    __slots__ = SieVoucher.__slots__

    def __init__(self, series, number, date, text, reg_date, transactions, line, sign=None):  # type: ignore[no-untyped-def]
        self.series = series
        self.number = number
        self.date = date
        self.text = text
        self.reg_date = reg_date
        self.transactions = transactions
        self.line = line
        self.sign = sign
        self.__class__ = SieVoucher  # type: ignore[assignment]


def _same_fields(twin: type, cls: type) -> bool:
    names = [f.name for f in fields(cls)]
    code = twin.__init__.__code__  # type: ignore[misc]
    return list(twin.__slots__) == names and list(code.co_varnames[1 : code.co_argcount]) == names


assert _same_fields(new_transaction, SieTransaction) and _same_fields(new_voucher, SieVoucher)


@dataclass(slots=True)
class SieDocument:
    """Everything the reader understood of one SIE file."""

    encoding: str
    format: str | None = None
    sietype: int = 1
    program: str = ""
    program_version: str = ""
    generated: date | None = None
    company_name: str = ""
    orgnr: str | None = None
    fnr: str | None = None
    kptyp: str | None = None
    currency: str | None = None
    years: list[SieYear] = field(default_factory=list)
    accounts: dict[str, SieAccount] = field(default_factory=dict)
    dimensions: dict[str, str] = field(default_factory=dict)
    objects: dict[tuple[str, str], str] = field(default_factory=dict)
    balances: list[SieBalance] = field(default_factory=list)
    vouchers: list[SieVoucher] = field(default_factory=list)
    warnings: list[SieMessage] = field(default_factory=list)
    # Errors, when the reader was asked to collect them (``check``) rather than stop.
    errors: list[SieMessage] = field(default_factory=list)
    address: SieAddress | None = None
    taxar: int | None = None
    omfattn: date | None = None
    # #UNDERDIM: sub-dimension -> its super-dimension (names are in ``dimensions``).
    subdimensions: dict[str, str] = field(default_factory=dict)
    object_balances: list[SieObjectBalance] = field(default_factory=list)
    period_balances: list[SiePeriodBalance] = field(default_factory=list)
    # "verified", "mismatch" or "absent" (FORMAT.md §6).
    ksumma: str = "absent"
    # Number of vouchers read, also when they were streamed rather than kept.
    voucher_count: int = 0

    @property
    def kind(self) -> str | None:
        """``"4E"`` or ``"4I"`` for type 4 (4I has no #IB/#UB/#RES), else None."""
        if self.sietype != 4:
            return None
        return "4E" if self.balances or self.object_balances or self.period_balances else "4I"

    def year(self, index: int) -> SieYear | None:
        """The ``#RAR`` entry for year ``index`` (0 current, -1 previous)."""
        for y in self.years:
            if y.index == index:
                return y
        return None

    @property
    def transaction_count(self) -> int:
        """Number of current voucher rows in the file."""
        return sum(len(v.rows) for v in self.vouchers)

    @property
    def unbalanced_vouchers(self) -> list[SieVoucher]:
        return [v for v in self.vouchers if not v.is_balanced]

    def balance(self, kind: str, year: int, account: str) -> int | None:
        """The ``#IB``/``#UB``/``#RES`` amount in öre, or None when absent."""
        found = None
        for b in self.balances:
            if b.kind == kind and b.year == year and b.account == account:
                found = b.amount_ore
        return found

    def balances_of(self, kind: str, year: int = 0) -> dict[str, int]:
        """All ``kind`` balances of ``year`` as ``{account: öre}``."""
        return {
            b.account: b.amount_ore
            for b in self.balances
            if b.kind == kind and b.year == year
        }

    def account_totals(self) -> dict[str, int]:
        """Sum of current voucher rows per account, in öre."""
        totals: dict[str, int] = {}
        for v in self.vouchers:
            for t in v.transactions:
                if t.is_current:
                    totals[t.account] = totals.get(t.account, 0) + t.amount_ore
        return totals
