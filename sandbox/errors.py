"""Fortnox's answer shapes for failures: `ErrorInformation` bodies, the bare 401/429 bodies, and the JSON style.

Fortnox's JSON is PHP-flavoured: non-ASCII escaped as `\\u00e4` and slashes as `\\/`; the sandbox writes the same
bytes so clients are tested against the real thing.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

# Codes Fortnox documents or that were seen in real answers (NOTES.md §4.3).
SYSTEM_EXCEPTION = 1000003  # "System exception"
NOT_NUMERIC = 2000108  # "Värdet måste vara numeriskt ({Value})"
ACCOUNT_NOT_FOUND = 2000423  # "Kan inte hitta kontot." (GET of a missing account)
LOCKED_PERIOD = 2000401  # "… har låst perioden t.o.m. {date}. Lås upp perioden för att fortsätta."
INVALID_PARAMETER = 2000588  # "Ogiltig parameter i anropet."
NOT_AUTHORISED_FOR_SCOPE = 2000663  # missing scope
NO_LICENCE_FOR_SCOPE = 2001101  # "Det finns ingen aktiv licens för önskat scope"
ACCOUNT_IN_REQUEST_NOT_FOUND = 2001304  # "Kunde inte hitta konto"
NO_DATA = 2001392  # "Ingen eller felaktig typ av data."
TOO_FEW_ROWS = 2001897  # voucher with fewer than two rows
JSON_SYNTAX = 2002115  # "Error deserializing JSON: JSON_ERROR_SYNTAX"
NO_SUCH_ROUTE = 2000762  # "No such route": a path Fortnox has no route for (recordings/SOURCE.md)

# Codes INVENTED by the sandbox: no public source names Fortnox's code for these situations, so they live in an
# obviously made-up range (20099xx). Clients must not rely on them; they are listed in the sandbox's report.
UNBALANCED_VOUCHER = 2009901  # "Verifikationen är inte i balans."
INACTIVE_ACCOUNT = 2009902  # 'Konto "1910" är inte aktivt.'
NO_FINANCIAL_YEAR_FOR_DATE = 2009903  # "Det finns inget räkenskapsår för datumet {date}."
SERIES_NOT_MANUAL = 2009904  # "Verifikationsserien är inte manuell (B)"
SERIES_NOT_FOUND = 2009905  # "Verifikationsserien {code} finns inte."
VOUCHER_NOT_FOUND = 2009906  # "Kan inte hitta verifikationen."
FINANCIAL_YEAR_NOT_FOUND = 2009907  # "Räkenskapsåret {id} finns inte."
REQUIRED_FIELD_MISSING = 2009908  # "Fältet {name} är obligatoriskt."
VOUCHER_IMMUTABLE = 2009909  # PUT/DELETE of a voucher
INVALID_DATE = 2009910  # "Felaktigt datum ({value})."
COST_CENTER_NOT_FOUND = 2009911  # "Kostnadsstället {code} finns inte."
PROJECT_NOT_FOUND = 2009912  # "Projektet {code} finns inte."
RESOURCE_NOT_FOUND = 2009913  # a missing document whose real not-found code no source names

INVENTED_CODES = (
    UNBALANCED_VOUCHER, INACTIVE_ACCOUNT, NO_FINANCIAL_YEAR_FOR_DATE, SERIES_NOT_MANUAL, SERIES_NOT_FOUND,
    VOUCHER_NOT_FOUND, FINANCIAL_YEAR_NOT_FOUND, REQUIRED_FIELD_MISSING, VOUCHER_IMMUTABLE, INVALID_DATE,
    COST_CENTER_NOT_FOUND, PROJECT_NOT_FOUND, RESOURCE_NOT_FOUND,
)


# Statuses whose answer must not carry a body (RFC 9110 §15.3.5, §15.4.5).
BODILESS_STATUSES = (204, 304)


def fortnox_dumps(content: Any) -> bytes:
    """JSON as Fortnox writes it: compact, ASCII-only with \\u escapes, and escaped slashes."""
    text = json.dumps(content, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


class FortnoxJSONResponse(Response):
    """`application/json` in Fortnox's byte style."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return fortnox_dumps(content)


class ApiError(Exception):
    """A refusal that becomes an `ErrorInformation` answer."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return error_information(self.status, self.code, self.message)


def error_information(status: int, code: int, message: str) -> Response:
    """`{"ErrorInformation": {"error": 1, "message": …, "code": …}}` (the lowercase casing Fortnox uses today)."""
    return FortnoxJSONResponse({"ErrorInformation": {"error": 1, "message": message, "code": code}}, status_code=status)


def unauthorized() -> Response:
    """What api.fortnox.se answers for a missing, invalid or expired bearer token."""
    return FortnoxJSONResponse({"message": "unauthorized"}, status_code=401)


def too_many_requests() -> Response:
    """The rate limiter's answer (Fortnox documents the status, not the body)."""
    return FortnoxJSONResponse({"message": "Too Many Requests"}, status_code=429)


def missing_scope(scope: str) -> Response:
    return error_information(
        403, NOT_AUTHORISED_FOR_SCOPE,
        f"Integrationen saknar behörighet för scopet \"{scope}\". Godkänn integrationen på nytt med det scopet.",
    )


def missing_licence(scope: str) -> Response:
    return error_information(403, NO_LICENCE_FOR_SCOPE, "Det finns ingen aktiv licens för önskat scope")


def api_status_response(status: int) -> Response:
    """Fortnox's body for an arbitrary status, used by the `status:<code>` fault."""
    if status == 401:
        return unauthorized()
    if status == 429:
        return too_many_requests()
    if status == 403:
        return error_information(403, NOT_AUTHORISED_FOR_SCOPE, "Saknar behörighet.")
    if status == 404:
        return error_information(404, RESOURCE_NOT_FOUND, "Kan inte hitta resursen.")
    if status in (502, 503, 504):
        phrase = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}[status]
        body = f"<html><head><title>{status} {phrase}</title></head><body><h1>{status} {phrase}</h1></body></html>"
        return Response(body, status_code=status, media_type="text/html")
    if status >= 500:
        return error_information(status, SYSTEM_EXCEPTION, "System exception")
    if status >= 400:
        return error_information(status, INVALID_PARAMETER, "Ogiltig parameter i anropet.")
    if status in BODILESS_STATUSES:
        return Response(status_code=status)
    return FortnoxJSONResponse({}, status_code=status)


def oauth_error(status: int, error: str, description: str) -> Response:
    """Token-endpoint errors: JSON bodies with the odd content types Fortnox really sends (NOTES §1.8)."""
    media = "text/plain;charset=UTF-8" if status == 401 else "text/html; charset=UTF-8"
    body = json.dumps({"error": error, "error_description": description}, separators=(",", ":"))
    return Response(body, status_code=status, headers={"Content-Type": media, "Cache-Control": "no-store"})


def invalid_client(status: int = 401) -> Response:
    return oauth_error(status, "invalid_client", "The client credentials are invalid")


def token_status_response(status: int) -> Response:
    """Fortnox-like token-endpoint body for the `status:<code>` fault."""
    if status == 401:
        return invalid_client()
    if status == 400:
        return oauth_error(400, "invalid_grant", "Invalid refresh token")
    return api_status_response(status)
