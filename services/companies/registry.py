"""The client companies the product knows, keyed by an internal id and found by organisation number."""

from __future__ import annotations

import re

from sqlite_utils import Database

from services.companies.model import Company, UnknownCompany
from services.timestamps import now_iso

_IDENTITY_NUMBER = re.compile(r"(16|18|19|20)?(\d{6})[-+]?(\d{4})", re.ASCII)


def checked_orgnr(text: str) -> str | None:
    """An organisation number or a personnummer (a sole trader's; samordningsnummer too) as NNNNNN-NNNN: ten
    digits, or twelve with the century, with or without the hyphen, and a correct check digit (Luhn). None for
    anything else, so no id or path is ever built from unchecked text."""
    found = _IDENTITY_NUMBER.fullmatch(text.strip())
    if found is None:
        return None
    digits = found[2] + found[3]
    return f"{digits[:6]}-{digits[6:]}" if _luhn_total(digits) % 10 == 0 else None


def _luhn_total(digits: str) -> int:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total


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
