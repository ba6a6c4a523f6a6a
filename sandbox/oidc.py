"""A staff identity provider (OpenID Connect) for demos and tests, under `/staff-idp/`.

It is not Fortnox: it stands in for the accounting firm's own identity provider (Microsoft Entra ID, Google …) so
the app's sign-in (`st.login`, authlib) is exercised with the real protocol — discovery, JWKS, the authorization code
flow with state, nonce and PKCE (S256), and RS256-signed ID tokens carrying `email` and `name`. The signing key is
generated once and kept in the sandbox's data folder; pending sign-ins and codes live in memory (a restart only
ends sign-ins in progress). It keeps real time, not the sandbox's Fortnox clock: the app checks the ID token's
`iat` and `exp` against its own clock, and tests that move Fortnox's clock must not sign staff out.

Registered client: id `staff-client`, secret `staff-secret` (HTTP Basic or form post); any http://localhost:* or
http://127.0.0.1:* redirect URI. Staff: see STAFF below, password `demo`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox import csrf
from sandbox.context import sandbox_of
from sandbox.oauth import is_allowed_redirect_uri
from sandbox.pages import error_page, staff_login_page

PREFIX = "/staff-idp"
DISCOVERY_PATH = f"{PREFIX}/.well-known/openid-configuration"
KEY_FILE = "staff-idp-key.pem"
PASSWORD = "demo"
REQUEST_LIFETIME = 30 * 60
CODE_LIFETIME = 5 * 60
TOKEN_LIFETIME = 3600


@dataclass(frozen=True)
class StaffMember:
    email: str
    name: str
    note: str  # what the demo configuration lets this person do, shown on the login page


STAFF = (
    StaffMember("redovisning@example.com", "Rita Redovisning", "roll redovisning"),
    StaffMember("support@example.com", "Sam Support", "roll support"),
    StaffMember("kollega@example.com", "Kim Kollega", "roll redovisning, ett företag"),
    StaffMember("extern@example.net", "Erik Extern", "utanför listan över personal"),
)


@dataclass
class _Pending:
    client_id: str
    redirect_uri: str
    state: str
    nonce: str | None
    code_challenge: str | None
    created_at: float
    email: str | None = None


@dataclass
class StaffIdp:
    """The provider's state: its signing key (loaded on first use: most sandboxes never sign anyone in), sign-ins
    in progress and unused codes."""

    data_dir: Path
    client_id: str
    client_secret: str
    pending: dict[str, _Pending] = field(default_factory=dict)
    codes: dict[str, tuple[_Pending, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _key: rsa.RSAPrivateKey | None = None

    @property
    def key(self) -> rsa.RSAPrivateKey:
        with self.lock:
            if self._key is None:
                self._key = load_key(self.data_dir)
            return self._key

    @property
    def kid(self) -> str:
        numbers = self.key.public_key().public_numbers()
        return hashlib.sha256(numbers.n.to_bytes(256, "big")).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_key(data_dir: Path) -> rsa.RSAPrivateKey:
    """The RSA signing key kept in the data folder (mode 0600), created on first use."""
    path = data_dir / KEY_FILE
    if path.is_file():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key


def _idp(request: Request) -> StaffIdp:
    return request.app.state.staff_idp


def _issuer(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}"


def sign_id_token(idp: StaffIdp, claims: dict[str, object]) -> str:
    """A compact RS256 JWS over the claims."""
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": idp.kid}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = idp.key.sign(f"{header}.{payload}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{_b64(signature)}"


async def discovery(request: Request) -> Response:
    issuer = _issuer(request)
    return JSONResponse({
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "claims_supported": ["sub", "email", "email_verified", "name", "nonce"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    })


async def jwks(request: Request) -> Response:
    idp = _idp(request)
    numbers = idp.key.public_key().public_numbers()
    key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": idp.kid,
           "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
           "e": _b64(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big"))}
    return JSONResponse({"keys": [key]})


def _bad_request(message: str) -> HTMLResponse:
    return HTMLResponse(error_page("Felaktig begäran", message), status_code=400)


def _staff_hint() -> list[tuple[str, str, str]]:
    return [(member.email, member.name, member.note) for member in STAFF]


def _login_form(request_id: str, email: str = "", error: str | None = None) -> HTMLResponse:
    return HTMLResponse(staff_login_page(request_id, f"{PREFIX}/login", _staff_hint(), email=email, error=error))


async def authorize(request: Request) -> Response:
    """`GET /staff-idp/authorize`: check the request, then show the sign-in form bound to this browser."""
    sandbox, idp, query = sandbox_of(request), _idp(request), request.query_params
    if query.get("client_id") != idp.client_id:
        return _bad_request("Okänt client_id.")
    redirect_uri = query.get("redirect_uri", "")
    if not is_allowed_redirect_uri(redirect_uri):
        return _bad_request("Ogiltig redirect_uri. Sandlådan godtar bara http://localhost:* och http://127.0.0.1:*.")
    if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
        return _bad_request("Begäran måste ha response_type=code och scope openid.")
    if not query.get("state"):
        return _bad_request("Parametern state saknas.")
    challenge = query.get("code_challenge")
    if challenge and query.get("code_challenge_method") != "S256":
        return _bad_request("Bara code_challenge_method=S256 stöds.")
    request_id, now = secrets.token_urlsafe(24), time.time()
    with idp.lock:  # forget abandoned sign-ins and unused codes, so a long demo does not pile them up
        idp.pending = {k: p for k, p in idp.pending.items() if p.created_at + REQUEST_LIFETIME > now}
        idp.codes = {k: entry for k, entry in idp.codes.items() if entry[1] > now}
        idp.pending[request_id] = _Pending(idp.client_id, redirect_uri, query["state"], query.get("nonce"),
                                           challenge, now)
    return csrf.bind(_login_form(request_id), sandbox.token_secret, request_id, PREFIX)


async def login(request: Request) -> Response:
    """`POST /staff-idp/login`: check the password, then redirect back with a single-use code."""
    sandbox, idp = sandbox_of(request), _idp(request)
    form = await request.form()
    request_id = str(form.get("request_id", ""))
    with idp.lock:
        pending = idp.pending.get(request_id)
    if pending is None or pending.created_at + REQUEST_LIFETIME <= time.time():
        return _bad_request("Inloggningen har gått ut eller är redan avslutad. Börja om från appen.")
    if not csrf.verified(request, sandbox.token_secret, request_id):
        return HTMLResponse(error_page("Ogiltigt formulär", "Formuläret skickades inte från den här inloggningen. "
                                       "Börja om från appen."), status_code=403)
    email = str(form.get("email", "")).strip().lower()
    member = next((m for m in STAFF if m.email == email), None)
    if member is None or not hmac.compare_digest(str(form.get("password", "")).encode(), PASSWORD.encode()):
        return _login_form(request_id, email=email, error="Fel e-post eller lösenord.")
    code = secrets.token_urlsafe(32)
    with idp.lock:
        idp.pending.pop(request_id, None)
        pending.email = member.email
        idp.codes[code] = (pending, time.time() + CODE_LIFETIME)
    separator = "&" if "?" in pending.redirect_uri else "?"
    return RedirectResponse(f"{pending.redirect_uri}{separator}{urlencode({'code': code, 'state': pending.state})}",
                            status_code=302)


def _client_of(request: Request, form: dict[str, str], idp: StaffIdp) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
    if hmac.compare_digest(client_id.encode(), idp.client_id.encode()) and hmac.compare_digest(
            secret.encode(), idp.client_secret.encode()):
        return client_id
    return None


def _token_error(error: str, status: int = 400) -> Response:
    return JSONResponse({"error": error}, status_code=status, headers={"Cache-Control": "no-store"})


async def token(request: Request) -> Response:
    """`POST /staff-idp/token`: exchange a code (with its PKCE verifier) for an ID token."""
    idp = _idp(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    if _client_of(request, form, idp) is None:
        return _token_error("invalid_client", 401)
    if form.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    with idp.lock:
        entry = idp.codes.pop(form.get("code", ""), None)
    if entry is None or entry[1] <= time.time():
        return _token_error("invalid_grant")
    pending, _ = entry
    if form.get("redirect_uri", "") != pending.redirect_uri:
        return _token_error("invalid_grant")
    if pending.code_challenge is not None:
        verifier = form.get("code_verifier", "")
        expected = _b64(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
        if not verifier or not hmac.compare_digest(expected.encode(), pending.code_challenge.encode()):
            return _token_error("invalid_grant")
    member = next(m for m in STAFF if m.email == pending.email)
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": _issuer(request), "sub": hashlib.sha256(member.email.encode()).hexdigest()[:24],
        "aud": idp.client_id, "iat": now, "exp": now + TOKEN_LIFETIME, "email": member.email,
        "email_verified": True, "name": member.name,
    }
    if pending.nonce:
        claims["nonce"] = pending.nonce
    return JSONResponse({"access_token": secrets.token_urlsafe(32), "token_type": "Bearer",
                         "expires_in": TOKEN_LIFETIME, "id_token": sign_id_token(idp, claims),
                         "scope": "openid email profile"}, headers={"Cache-Control": "no-store"})


ROUTES = [
    Route(DISCOVERY_PATH, discovery, methods=["GET"]),
    Route(f"{PREFIX}/jwks", jwks, methods=["GET"]),
    Route(f"{PREFIX}/authorize", authorize, methods=["GET"]),
    Route(f"{PREFIX}/login", login, methods=["POST"]),
    Route(f"{PREFIX}/token", token, methods=["POST"]),
]
