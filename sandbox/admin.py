"""The sandbox's own control endpoints under `/sandbox/...` (DESIGN.md §8): outside Fortnox's namespace, no auth,
not counted as API requests. Tests, benchmarks and the demo use them to list tenants, read and reset request
counts, move the clock, inject faults and read the year-end problems planted in the demo books.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.amounts import to_decimal
from sandbox.context import sandbox_of
from sandbox.faults import FaultSpecError, parse_faults


async def tenants(request: Request) -> Response:
    """`GET /sandbox/tenants` → `[{"tenant_id", "name", "orgnr"}]` in a fixed order (small, mid-size, …)."""
    companies = sandbox_of(request).store.companies()
    return JSONResponse([{"tenant_id": c.tenant_id, "name": c.name, "orgnr": c.orgnr} for c in companies])


async def requests_count(request: Request) -> Response:
    """`GET /sandbox/requests` → `{"<tenant_id>": {"total": n, "rate_limited": m}}`; DELETE resets."""
    counter = sandbox_of(request).counter
    if request.method == "DELETE":
        counter.reset()
        return JSONResponse({})
    return JSONResponse(counter.snapshot())


async def _json_body(request: Request) -> object:
    try:
        return json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise FaultSpecError("Ogiltig JSON.") from exc


async def clock(request: Request) -> Response:
    """`POST /sandbox/clock {"advance_seconds": n}` moves the clock forward; GET shows it."""
    sandbox = sandbox_of(request)
    if request.method == "POST":
        try:
            body = await _json_body(request)
        except FaultSpecError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        seconds = body.get("advance_seconds") if isinstance(body, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            return JSONResponse({"error": "advance_seconds måste vara ett tal >= 0."}, status_code=400)
        sandbox.advance_clock(seconds)
    now = sandbox.clock.now()
    return JSONResponse({
        "now": datetime.fromtimestamp(now, tz=UTC).isoformat(timespec="seconds"),
        "epoch_seconds": now,
        "offset_seconds": sandbox.clock.offset,
    })


async def faults(request: Request) -> Response:
    """`PUT /sandbox/faults` replaces the fault list, `DELETE` clears it, `GET` shows what is left."""
    book = sandbox_of(request).faults
    if request.method == "PUT":
        try:
            book.replace(parse_faults(await _json_body(request)))
        except FaultSpecError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
    elif request.method == "DELETE":
        book.clear()
    return JSONResponse(book.snapshot())


async def findings(request: Request) -> Response:
    """`GET /sandbox/findings[?tenant_id=…]` → the planted year-end problems (DESIGN.md §8).

    Reading a deferred company's findings generates its books, like any other first use of that tenant; pass
    `tenant_id` to read one company's without touching the others.
    """
    store = sandbox_of(request).store
    wanted = request.query_params.get("tenant_id")
    tenants = [c.tenant_id for c in store.companies() if wanted in (None, c.tenant_id)]
    return JSONResponse([{
        "tenant_id": f.tenant_id,
        "kind": f.kind,
        "account": f.account,
        "amount": str(to_decimal(f.amount)),
        "date": f.day.isoformat(),
        "voucher": {"series": f.voucher.series, "number": f.voucher.number, "year": f.voucher.year_id}
        if f.voucher else None,
        "invoice": f.invoice,
        "text": f.text,
    } for tenant in tenants for f in store.findings(tenant)])


ROUTES = [
    Route("/sandbox/tenants", tenants, methods=["GET"]),
    Route("/sandbox/requests", requests_count, methods=["GET", "DELETE"]),
    Route("/sandbox/clock", clock, methods=["GET", "POST"]),
    Route("/sandbox/faults", faults, methods=["GET", "PUT", "DELETE"]),
    Route("/sandbox/findings", findings, methods=["GET"]),
]
