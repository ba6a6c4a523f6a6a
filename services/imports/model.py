"""What an import run is: its status and parts (with their Swedish labels), its progress, what it published, and
the ways it can fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from services.errors import ServiceError
from services.fortnox.resources import FinancialYear
from services.labels import LabelledEnum
from services.sie import SieDocument, SieMessage


class RunStatus(LabelledEnum):
    RUNNING = "running", "Pågår"
    OK = "ok", "Klar"
    FAILED = "failed", "Fel"
    CANCELLED = "cancelled", "Avbruten"


class ImportPart(LabelledEnum):
    """What a run imports: the article's three parts from Fortnox, or a SIE file uploaded by hand."""

    SIE4 = "sie4", "SIE4-data"
    LEDGERS = "ledgers", "Kund- och leverantörsreskontra"
    ATTACHMENTS = "attachments", "Bilagor"
    SIE_FILE = "siefile", "SIE-fil"

FORTNOX_PARTS = (ImportPart.SIE4, ImportPart.LEDGERS, ImportPart.ATTACHMENTS)


class ImportFailed(ServiceError):
    """The run failed; the message is Swedish and says what to do. Earlier data is untouched."""


class ImportCancelled(ImportFailed):
    """Someone pressed Avbryt; what was staged stays for the next run to resume from."""


class ImportAlreadyRunning(ImportFailed):
    """Someone else (another session, the command line) is importing the company right now: follow that run."""


@dataclass
class PartProgress:
    """One part's items and requests. Its totals are set once, when the part is planned, and never grow after."""

    items_done: int = 0
    items_total: int = 0
    requests_done: int = 0
    requests_planned: int = 0
    planned: bool = False

    @property
    def share(self) -> float:
        """How far the part has come, 0–1: by requests (the time Fortnox's rate limit takes), by items when none."""
        if not self.planned:
            return 0.0
        if self.requests_planned:
            return min(self.requests_done / self.requests_planned, 1.0)
        return min(self.items_done / self.items_total, 1.0) if self.items_total else 1.0


@dataclass
class RunProgress:
    """Per part: items and requests done of the total. A run first plans (asks Fortnox how much there is: list
    pages, which files are new) and only then knows its totals; the ETA follows from the rate limit, the real
    bound, and exists only once every part is planned."""

    requests_per_second: float
    parts: dict[str, PartProgress] = field(default_factory=dict)
    planned: bool = False
    year_ids: list[str] = field(default_factory=list)  # the financial years the run imports

    def part(self, name: str) -> PartProgress:
        return self.parts.setdefault(name, PartProgress())

    @property
    def requests_done(self) -> int:
        return sum(p.requests_done for p in self.parts.values())

    @property
    def requests_planned(self) -> int:
        return sum(p.requests_planned for p in self.parts.values())

    @property
    def share(self) -> float:
        """The whole run's progress, 0–1, by requests; 0 until the plan is known."""
        if not self.planned:
            return 0.0
        return min(self.requests_done / self.requests_planned, 1.0) if self.requests_planned else 1.0

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left at the rate limit; None while planning (any figure then would be a guess that jumps)."""
        if not self.planned:
            return None
        return self.requests_left / self.requests_per_second if self.requests_per_second else 0.0

    @property
    def requests_left(self) -> int:
        """Requests still to send to Fortnox; none left while planned means the run is saving what it fetched."""
        return sum(max(p.requests_planned - p.requests_done, 0) for p in self.parts.values())

    def to_json(self) -> str:
        return json.dumps({"requests_per_second": self.requests_per_second, "planned": self.planned,
                           "year_ids": self.year_ids, "parts": {name: asdict(p) for name, p in self.parts.items()}})

    @classmethod
    def from_json(cls, text: str | None) -> RunProgress | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(data["requests_per_second"], {n: PartProgress(**p) for n, p in data["parts"].items()},
                   data.get("planned", False), data.get("year_ids", []))


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
