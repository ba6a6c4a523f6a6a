"""What happens around every Fortnox API call: authentication, request counting, the rate limit, injected faults
and the scope check, in that order, before the resource handler runs.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from sandbox.context import Caller, Sandbox, sandbox_of
from sandbox.errors import (
    ApiError,
    api_status_response,
    missing_licence,
    missing_scope,
    token_status_response,
    too_many_requests,
    unauthorized,
)
from sandbox.faults import DroppedResponse, Fault, capitalised_errors, first_of, malformed, sparse_items

Handler = Callable[[Request, Caller], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def fortnox_api(scope: str) -> Callable[[Handler], Endpoint]:
    """Turn a resource handler into a Starlette endpoint guarded like api.fortnox.se, requiring `scope` ("" = none)."""

    def decorate(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            return await run_api_call(request, scope, handler)

        return endpoint

    return decorate


async def run_api_call(request: Request, scope: str, handler: Handler) -> Response:
    sandbox = sandbox_of(request)
    caller = sandbox.authenticate(request)
    if caller is None:
        return unauthorized()
    allowed = sandbox.limiter.allow((caller.client_id, caller.tenant_id))
    sandbox.counter.count(caller.tenant_id, rate_limited=not allowed)
    if not allowed:
        return too_many_requests()
    hits = sandbox.faults.take(request.method, request.url.path, caller.tenant_id, scope)
    early = await faults_before(sandbox, hits, caller.tenant_id, caller.jti, token_endpoint=False)
    if early is not None:
        return in_casing(hits, early)
    if scope and scope not in caller.scopes:
        return in_casing(hits, missing_scope(scope))
    try:
        response = await handler(request, caller)
    except ApiError as error:
        response = error.response()
    return faults_after(hits, response)


async def faults_before(sandbox: Sandbox, hits: list[Fault], tenant_id: str | None, jti: str | None,
                        token_endpoint: bool) -> Response | None:
    """Apply the faults that act before the handler; returns an answer when one replaces the real one."""
    for fault in hits:
        if fault.kind.startswith("delay:"):
            await asyncio.sleep(float(fault.argument))
    if first_of(hits, "revoke_refresh") and tenant_id is not None:
        sandbox.grants.revoke_refresh_tokens_of_tenant(tenant_id)
    if first_of(hits, "expire_token") and jti is not None:
        sandbox.grants.kill_access_token(jti)
        return unauthorized()
    status = first_of(hits, "status")
    if status is not None:
        code = int(status.argument)
        return token_status_response(code) if token_endpoint else api_status_response(code)
    licence = first_of(hits, "licence_missing")
    if licence is not None:
        return missing_licence(licence.argument)
    return None


def in_casing(hits: list[Fault], response: Response) -> Response:
    """The answer with its error keys in the casing an `errors:capitalised` fault asks for."""
    return capitalised_errors(response) if first_of(hits, "errors:capitalised") else response


def faults_after(hits: list[Fault], response: Response) -> Response:
    """Apply the faults that change or spoil an answer that was already produced (and committed)."""
    response = in_casing(hits, response)
    if first_of(hits, "body:sparse_items"):
        response = sparse_items(response)
    if first_of(hits, "body:malformed"):
        response = malformed(response)
    if first_of(hits, "drop_after_commit"):
        response = DroppedResponse(response)
    return response
