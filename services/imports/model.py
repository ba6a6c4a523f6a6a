"""What an import run is: its status and parts (with their Swedish labels), its progress, what it published, and
the ways it can fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from services.errors import ServiceError
from services.fortnox.resources import FinancialYear
from services.sie import SieDocument, SieMessage


class RunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {RunStatus.RUNNING: "Pågår", RunStatus.OK: "Klar", RunStatus.FAILED: "Fel",
                  RunStatus.CANCELLED: "Avbruten"}


class ImportPart(StrEnum):
    """What a run imports: the article's three parts from Fortnox, or a SIE file uploaded by hand."""

    SIE4 = "sie4"
    LEDGERS = "ledgers"
    ATTACHMENTS = "attachments"
    SIE_FILE = "siefile"

    @property
    def label(self) -> str:
        return _PART_LABELS[self]


_PART_LABELS = {ImportPart.SIE4: "SIE4-data", ImportPart.LEDGERS: "Kund- och leverantörsreskontra",
                ImportPart.ATTACHMENTS: "Bilagor", ImportPart.SIE_FILE: "SIE-fil"}
FORTNOX_PARTS = (ImportPart.SIE4, ImportPart.LEDGERS, ImportPart.ATTACHMENTS)


class ImportFailed(ServiceError):
    """The run failed; the message is Swedish and says what to do. Earlier data is untouched."""


class ImportCancelled(ImportFailed):
    """Someone pressed Avbryt; what was staged stays for the next run to resume from."""


class ImportAlreadyRunning(ImportFailed):
    """Someone else (another session, the command line) is importing the company right now: follow that run."""


@dataclass
class PartProgress:
    items_done: int = 0
    items_total: int = 0
    requests_done: int = 0
    requests_planned: int = 0


@dataclass
class RunProgress:
    """Per part: items and requests done of the total. The ETA follows from the rate limit, the real bound."""

    requests_per_second: float
    parts: dict[str, PartProgress] = field(default_factory=dict)

    def part(self, name: str) -> PartProgress:
        return self.parts.setdefault(name, PartProgress())

    @property
    def eta_seconds(self) -> float:
        remaining = sum(max(p.requests_planned - p.requests_done, 0) for p in self.parts.values())
        return remaining / self.requests_per_second if self.requests_per_second else 0.0

    def to_json(self) -> str:
        return json.dumps({"requests_per_second": self.requests_per_second,
                           "parts": {name: asdict(p) for name, p in self.parts.items()}})

    @classmethod
    def from_json(cls, text: str | None) -> RunProgress | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(data["requests_per_second"], {n: PartProgress(**p) for n, p in data["parts"].items()})


ProgressCallback = Callable[[RunProgress], None]


@dataclass
class ImportResult:
    """What a run published, per part, and what it cost in requests."""

    run_id: int
    company_id: str
    years: list[FinancialYear]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    requests: int = 0
    rate_limited: int = 0
    notes: list[str] = field(default_factory=list)  # things the person should know, e.g. a missing attachment

    def _books(self, key: str) -> int:
        books = self.counts.get("sie4") or self.counts.get("siefile") or {}
        return books.get(key, 0)

    @property
    def accounts(self) -> int:
        return self._books("accounts")

    @property
    def vouchers(self) -> int:
        return self._books("vouchers")

    @property
    def transactions(self) -> int:
        return self._books("transactions")


MAX_UPLOAD_MB = 500  # what the page takes (server.maxUploadSize in .streamlit/config.toml says the same)


@dataclass(frozen=True)
class SieFileReview:
    """What a SIE file holds and what is wrong with it, before anything is stored. The document is the file's
    header, chart and balances: its vouchers were checked as they streamed past, and only counted."""

    document: SieDocument | None
    errors: list[SieMessage]  # any of these stops the import
    warnings: list[SieMessage]
    vouchers: int = 0
    transactions: int = 0

    @property
    def importable(self) -> bool:
        return self.document is not None and not self.errors
