"""Look into "Fortnox" (the sandbox) the way an integration would, with a service-account token."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from tests.sandbox_flows import bearer, service_token


def fortnox_get(sandbox_url: str, tenant_id: str, path: str, params: dict[str, Any] | None = None) -> dict:
    with httpx.Client(base_url=sandbox_url) as client:
        response = client.get(path, params=params, headers=bearer(service_token(client, tenant_id)))
    response.raise_for_status()
    return json.loads(response.content, parse_float=Decimal)


def voucher_count(sandbox_url: str, tenant_id: str, year_id: str) -> int:
    """How many vouchers the financial year has in Fortnox."""
    data = fortnox_get(sandbox_url, tenant_id, "/3/vouchers", {"financialyear": year_id, "limit": 1})
    return int(data["MetaInformation"]["@TotalResources"])


def vouchers_with_comment(sandbox_url: str, tenant_id: str, year_id: str, text: str) -> list[dict]:
    """Every voucher of the year whose Comments contain `text` (all pages)."""
    found, page = [], 1
    while True:
        data = fortnox_get(sandbox_url, tenant_id, "/3/vouchers", {"financialyear": year_id, "limit": 500, "page": page})
        found += [v for v in data["Vouchers"] if text in (v.get("Comments") or "")]
        if page >= int(data["MetaInformation"]["@TotalPages"]):
            return found
        page += 1


def voucher_rows(sandbox_url: str, tenant_id: str, series: str, number: str, year_id: str) -> set[tuple[str, int, int]]:
    """A voucher's rows in Fortnox as (account, debit öre, credit öre)."""
    voucher = fortnox_get(sandbox_url, tenant_id, f"/3/vouchers/{series}/{number}", {"financialyear": year_id})
    return {
        (str(row["Account"]), _ore(row["Debit"]), _ore(row["Credit"])) for row in voucher["Voucher"]["VoucherRows"]
    }


def _ore(amount: Any) -> int:
    return int(Decimal(str(amount)).scaleb(2))
