"""Fortnox lists, a page at a time: `MetaInformation` says how many pages and resources there are, which the
import uses to plan its requests before it makes them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from services.fortnox.client import FortnoxClient

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    number: int
    total_pages: int
    total_resources: int


def _count(meta: dict[str, Any], key: str, default: int) -> int:
    try:
        return int(meta.get(key, default))
    except (TypeError, ValueError):
        return default


def fetch_page(
    client: FortnoxClient, path: str, key: str, params: dict[str, Any] | None = None, *, page: int = 1,
    limit: int = MAX_PAGE_SIZE,
) -> Page:
    data = client.get_json(path, {**(params or {}), "limit": limit, "page": page})
    items = list(data.get(key) or [])
    meta = data.get("MetaInformation") or {}
    return Page(items, page, max(_count(meta, "@TotalPages", 1), 1), _count(meta, "@TotalResources", len(items)))


def paginate(
    client: FortnoxClient, path: str, key: str, params: dict[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Every item of a list, following `@TotalPages`."""
    page = fetch_page(client, path, key, params, limit=limit)
    yield from page.items
    for number in range(2, page.total_pages + 1):
        yield from fetch_page(client, path, key, params, page=number, limit=limit).items
