"""Walk every page of a Fortnox list, following `MetaInformation.@TotalPages`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from services.fortnox.client import FortnoxClient

MAX_PAGE_SIZE = 500


def paginate(
    client: FortnoxClient, path: str, key: str, params: dict[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    page = 1
    while True:
        data = client.get_json(path, {**(params or {}), "limit": limit, "page": page})
        yield from data.get(key) or []
        meta = data.get("MetaInformation") or {}
        try:
            total_pages = int(meta.get("@TotalPages", 1))
        except (TypeError, ValueError):
            total_pages = 1
        if page >= total_pages:
            return
        page += 1
