"""The client companies the product knows, keyed by an internal id and found by organisation number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from services.timestamps import now_iso


@dataclass(frozen=True)
class Company:
    id: str
    orgnr: str
    name: str
    source: str
    tenant_id: str | None
    connected: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} ({self.orgnr})"


class UnknownCompany(LookupError):
    def __init__(self) -> None:  # the key is not echoed: a sole trader's organisation number is a personal number
        super().__init__("Företaget finns inte här. Anslut det först under Underhåll → Import.")


def normalise_orgnr(orgnr: str) -> str:
    """'5566778899' → '556677-8899' (SIE files write both forms); anything else is kept as given."""
    digits = orgnr.replace("-", "").strip()
    if len(digits) == 12 and digits.isdigit():  # with century, as some programs write personal numbers
        digits = digits[2:]
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 and digits.isdigit() else orgnr.strip()


def fortnox_company_id(tenant_id: str) -> str:
    return f"fortnox-{tenant_id}"


def upsert_fortnox_company(db: Database, tenant_id: str, orgnr: str, name: str) -> Company:
    company_id = fortnox_company_id(tenant_id)
    existing = db["companies"].count_where("id = ?", [company_id])
    row = {"id": company_id, "orgnr": orgnr, "name": name, "source": "fortnox", "tenant_id": tenant_id}
    if not existing:
        row["created_at"] = now_iso()
    db["companies"].upsert(row, pk="id")
    return Company(id=company_id, orgnr=orgnr, name=name, source="fortnox", tenant_id=tenant_id, connected=True)


_SELECT = """
    select c.id, c.orgnr, c.name, c.source, c.tenant_id, k.company_id is not null as connected
    from companies c left join connections k on k.company_id = c.id
"""


def _company(row: dict) -> Company:
    return Company(
        id=row["id"],
        orgnr=row["orgnr"],
        name=row["name"],
        source=row["source"],
        tenant_id=row["tenant_id"],
        connected=bool(row["connected"]),
    )


def list_companies(db: Database) -> list[Company]:
    return [_company(row) for row in db.query(_SELECT + " order by k.connected_at is null, k.connected_at desc, c.name")]


def find_company(db: Database, key: str) -> Company:
    """By internal id or organisation number (NNNNNN-NNNN)."""
    for row in db.query(_SELECT + " where c.id = ? or c.orgnr = ? limit 1", [key, key]):
        return _company(row)
    raise UnknownCompany
