"""What a connection may really import, found out before anyone clicks Importera data.

Two things can stop a part: a scope the user did not approve (or lacks in Fortnox), and a licence the company has
not bought. The granted scopes come with the token; licences only show when asked, so each part's resources are
probed with one tiny request each. The answer is kept per company until someone checks again.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from services import store
from services.companies.connections import open_client
from services.companies.model import Blocker
from services.config import Settings
from services.fortnox.errors import FortnoxApiError, MissingLicence, MissingScope, NotFound
from services.imports.model import ImportPart
from services.timestamps import now_iso

# (scope, a cheap request that needs it) per part
REQUIREMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    ImportPart.SIE4: (("bookkeeping", "/3/financialyears"),),
    ImportPart.LEDGERS: (
        ("customer", "/3/customers"),
        ("supplier", "/3/suppliers"),
        ("invoice", "/3/invoices"),
        ("supplierinvoice", "/3/supplierinvoices"),
        ("payment", "/3/invoicepayments"),
    ),
    ImportPart.ATTACHMENTS: (("connectfile", "/3/supplierinvoicefileconnections"), ("archive", "/3/archive")),
}


def check(settings: Settings, company_id: str) -> list[Blocker]:
    """Ask Fortnox what this connection may do, remember the answer and return what blocks which part."""
    with store.open_db(settings.database_path) as db:
        row = db.execute("select scope from connections where company_id = ?", [company_id]).fetchone()
    granted = set((row[0] if row else "").split())
    blockers = []
    with open_client(settings, company_id) as client:
        for part, needs in REQUIREMENTS.items():
            for scope, path in needs:
                if scope not in granted:
                    blockers.append(Blocker(part, scope, "scope"))
                    continue
                try:
                    client.get_any(path, {"limit": 1})
                except MissingScope:
                    blockers.append(Blocker(part, scope, "scope"))
                except MissingLicence:
                    blockers.append(Blocker(part, scope, "licence"))
                except (NotFound, FortnoxApiError):
                    pass  # answered, so neither scope nor licence is missing; the import will say what is wrong
    with store.open_db(settings.database_path) as db:
        db["connection_permissions"].insert(
            {"company_id": company_id, "checked_at": now_iso(), "missing": json.dumps([asdict(b) for b in blockers])},
            replace=True,
        )
    return blockers


def known_blockers(settings: Settings, company_id: str) -> list[Blocker] | None:
    """The last check's answer, or None when the connection has not been checked yet."""
    with store.open_db(settings.database_path) as db:
        row = db.execute("select missing from connection_permissions where company_id = ?", [company_id]).fetchone()
    return [Blocker(**item) for item in json.loads(row[0])] if row else None


def blocked_parts(blockers: list[Blocker]) -> dict[str, list[Blocker]]:
    by_part: dict[str, list[Blocker]] = {}
    for blocker in blockers:
        by_part.setdefault(blocker.part, []).append(blocker)
    return by_part
