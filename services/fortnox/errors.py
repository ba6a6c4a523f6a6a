"""One exception hierarchy for everything Fortnox can answer; each carries a Swedish message for people."""

from __future__ import annotations

import html
import json
import re

import httpx

from services.errors import ServiceError

MISSING_SCOPE_CODE = 2000663
MISSING_LICENCE_CODES = (2001101, 2001103)
# A Fortnox code written into a text answer, e.g. "Kan inte logga in … saknas(2000311)." (recordings/SOURCE.md).
_CODE_IN_TEXT = re.compile(r"\((\d{7})\)")
_TAG = re.compile(r"<[^>]*>")


class FortnoxError(ServiceError):
    """Base class. `message` is Swedish and safe to show: it never contains a token or secret."""

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class FortnoxUnavailable(FortnoxError):
    """Fortnox could not be reached or did not answer (connection refused, timeout, 5xx)."""


class AuthError(FortnoxError):
    """The OAuth server refused a token request."""


class AuthExpired(AuthError):
    """The connection is gone (refresh token used, expired or revoked): the user must connect again."""


class Unauthorized(FortnoxError):
    """The API refused the access token even after a refresh."""


class MissingScope(FortnoxError):
    pass


class MissingLicence(FortnoxError):
    pass


class RateLimited(FortnoxError):
    pass


class NotFound(FortnoxError):
    pass


class FortnoxApiError(FortnoxError):
    """Fortnox understood the request and refused it (ErrorInformation with a code)."""


def parse_error_information(body: bytes) -> tuple[int | None, str | None]:
    """Read `ErrorInformation` in either casing Fortnox uses (codes may arrive as strings), or the code in an error
    Fortnox sent as text or HTML."""
    try:
        data = json.loads(body)
    except ValueError:
        return _code_in_text(body)
    if not isinstance(data, dict):
        return None, None
    info = data.get("ErrorInformation")
    if not isinstance(info, dict):
        message = data.get("message") or data.get("Message")
        return None, message if isinstance(message, str) else None
    lowered = {str(key).lower(): value for key, value in info.items()}
    code = lowered.get("code")
    try:
        code = int(code) if code not in (None, "") else None
    except (TypeError, ValueError):
        code = None
    message = lowered.get("message")
    return code, str(message) if message is not None else None


def _code_in_text(body: bytes) -> tuple[int | None, str | None]:
    """Code and text of an error Fortnox sent as text or HTML; the text is kept as Fortnox wrote it (tags and
    spacing aside), and only when it carries a code, so a bare gateway page keeps the generic message."""
    text = " ".join(html.unescape(_TAG.sub(" ", body.decode("utf-8", errors="replace"))).split())
    found = _CODE_IN_TEXT.search(text)
    return (int(found.group(1)), text) if found else (None, None)


def error_from_response(response: httpx.Response) -> FortnoxError:
    """Map an unsuccessful API answer to the right exception."""
    status = response.status_code
    code, message = parse_error_information(response.content)
    if status == 401:
        return Unauthorized(
            "Fortnox godtog inte inloggningen för företaget. Anslut igen under Underhåll → Import.", status=status
        )
    if status == 429:
        return RateLimited("Fortnox begränsar antalet anrop just nu. Vänta några sekunder och försök igen.", status=status)
    if code == MISSING_SCOPE_CODE:
        return MissingScope(
            f"Fortnox saknar behörighet för anropet ({message or 'okänd behörighet'}). "
            "Anslut igen och godkänn alla behörigheter.",
            status=status,
            code=code,
        )
    if code in MISSING_LICENCE_CODES:
        return MissingLicence(
            f"Företaget saknar licens i Fortnox för detta ({message}). Aktivera licensen i Fortnox och försök igen.",
            status=status,
            code=code,
        )
    if status == 404:
        return NotFound(message or "Fortnox hittade inte det som efterfrågades.", status=status, code=code)
    if status >= 500:
        return FortnoxUnavailable(
            f"Fortnox svarade med ett serverfel (HTTP {status}). Försök igen om en stund.", status=status, code=code
        )
    return FortnoxApiError(message or f"Fortnox svarade med HTTP {status}.", status=status, code=code)
