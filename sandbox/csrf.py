"""CSRF protection for the sandbox's HTML forms (Fortnox login/consent and the staff sign-in).

The authorization request's random id travels in a hidden field; the page that shows the first form also sets a
cookie holding an HMAC of that id under the sandbox's secret (SameSite=Lax, HttpOnly, path-limited). Every POST must
come with the matching cookie, so another site can't make a browser submit a form it did not load from here:
a cross-site POST carries no Lax cookie, and the value can't be computed without the secret.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import Response

COOKIE_PREFIX = "sandbox_csrf_"
COOKIE_LIFETIME = 30 * 60


def _cookie_name(request_id: str) -> str:
    return COOKIE_PREFIX + hashlib.sha256(request_id.encode()).hexdigest()[:16]


def _token(secret: bytes, request_id: str) -> str:
    return hmac.new(secret, b"csrf:" + request_id.encode(), hashlib.sha256).hexdigest()


def bind(response: Response, secret: bytes, request_id: str, path: str) -> Response:
    """Tie the authorization request to this browser before its first form is shown."""
    response.set_cookie(_cookie_name(request_id), _token(secret, request_id), max_age=COOKIE_LIFETIME, path=path,
                        httponly=True, samesite="lax")
    return response


def verified(request: Request, secret: bytes, request_id: str) -> bool:
    """Whether a form POST comes from the browser the request was bound to."""
    presented = request.cookies.get(_cookie_name(request_id), "")
    return bool(request_id) and hmac.compare_digest(presented.encode(), _token(secret, request_id).encode())
