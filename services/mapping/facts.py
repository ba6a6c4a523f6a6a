"""What only Fortnox knows about a company's books: the locked period and which accounts are inactive (a SIE file
carries neither). Read from Fortnox and kept here, so Avstämning and Kontomappning read one source and a page
still knows the last answer when Fortnox cannot be reached."""

from __future__ import annotations

import json
from datetime import date

from sqlite_utils import Database

from services import store
from services.companies.connections import open_client
from services.config import Settings
from services.fortnox import resources
from services.fortnox.errors import FortnoxError
from services.mapping.model import Facts
from services.timestamps import now_iso

NOT_CONNECTED = "Företaget är inte anslutet till Fortnox; låst period och inaktiva konton är okända."


def stored(db: Database, company_id: str, year_id: str) -> Facts:
    """The last answer Fortnox gave for this company and year."""
    for row in db.query("select locked_until, inactive, checked_at from account_facts "
                        "where company_id = ? and year_id = ?", [company_id, year_id]):
        locked = date.fromisoformat(row["locked_until"]) if row["locked_until"] else None
        return Facts(True, locked, frozenset(json.loads(row["inactive"])), checked_at=row["checked_at"])
    return Facts(False, note=NOT_CONNECTED)


def refresh(settings: Settings, company_id: str, year_id: str) -> Facts:
    """Ask Fortnox now (two or three requests) and keep the answer; when it cannot be asked, the last answer with
    a note saying so, or unknown."""
    try:
        with open_client(settings, company_id) as client:
            locked = resources.locked_period(client)
            inactive = frozenset(a.number for a in resources.accounts(client, year_id) if not a.active)
    except FortnoxError as exc:
        with store.open_db(settings.database_path) as db:
            last = stored(db, company_id, year_id)
        reason = f"Låst period och inaktiva konton kunde inte hämtas från Fortnox: {exc.message}"
        if last.known:
            return Facts(True, last.locked_until, last.inactive_accounts,
                         f"{reason} Visar svaret från {last.checked_at[:16].replace('T', ' ')}.", last.checked_at)
        return Facts(False, note=reason)
    facts = Facts(True, locked, inactive, checked_at=now_iso())
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        db["account_facts"].upsert({"company_id": company_id, "year_id": year_id,
                                    "locked_until": locked.isoformat() if locked else None,
                                    "inactive": json.dumps(sorted(inactive)), "checked_at": facts.checked_at},
                                   pk=("company_id", "year_id"))
    return facts
