"""Settings of the product, read once from the environment or `.streamlit/secrets.toml`.

Services never read `st.secrets`: the same settings serve the Streamlit app, the command line and the tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

from services.fortnox.config import FortnoxConfig
from services.fortnox.retry import RetryPolicy
from services.fortnox.throttling import RateLimit

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"

DEMO_CLIENT_ID = "sandbox-client"
DEMO_CLIENT_SECRET = "sandbox-secret"

# Every scope the product uses, asked for once at connection time (NOTES.md §1.10).
FORTNOX_SCOPES = (
    "companyinformation",
    "bookkeeping",
    "settings",
    "customer",
    "supplier",
    "invoice",
    "supplierinvoice",
    "payment",
    "archive",
    "inbox",
    "connectfile",
    "costcenter",
    "project",
)


ROLES = ("support", "redovisning")


@dataclass(frozen=True)
class StaffPolicy:
    """Who of the staff may sign in, in which role, and (when listed) to which companies.

    Keys are lower-case e-mail addresses or `@domain`; an empty allow-list means access control is off (demo).
    """

    allowed: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    companies: Mapping[str, frozenset[str]] = field(default_factory=dict)
    default_role: str = "support"

    @property
    def enabled(self) -> bool:
        return bool(self.allowed)


def _entries(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


def parse_staff_policy(allowlist: str, roles: str, companies: str, default_role: str) -> StaffPolicy:
    """`STAFF_ALLOWLIST="rita@byra.se, @byra.se"`, `STAFF_ROLES="rita@byra.se=redovisning"`,
    `STAFF_COMPANIES="sam@byra.se=556677-8899 fortnox-1234; …"` (organisation numbers or internal ids)."""
    role_map: dict[str, str] = {}
    for entry in _entries(roles, ","):
        who, _, role = entry.partition("=")
        role = role.strip().lower()
        if role not in ROLES:
            raise ValueError(f"STAFF_ROLES: okänd roll {role!r} (ska vara support eller redovisning).")
        role_map[who.strip().lower()] = role
    if default_role not in ROLES:
        raise ValueError(f"STAFF_DEFAULT_ROLE: okänd roll {default_role!r} (ska vara support eller redovisning).")
    company_map: dict[str, frozenset[str]] = {}
    for entry in _entries(companies, ";"):
        who, _, listed = entry.partition("=")
        company_map[who.strip().lower()] = frozenset(listed.replace(",", " ").split())
    return StaffPolicy(
        allowed=tuple(entry.lower() for entry in _entries(allowlist, ",")),
        roles=role_map,
        companies=company_map,
        default_role=default_role,
    )


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved; demo mode points Fortnox's URLs at the local sandbox."""

    fortnox: FortnoxConfig
    data_dir: Path
    app_secret_key: str | None = field(repr=False)
    port: int
    sandbox_port: int
    demo_mode: bool
    staff: StaffPolicy = field(default_factory=StaffPolicy)
    sign_in_seconds: int = 8 * 3600  # how long a staff sign-in holds (SIGN_IN_HOURS)
    log_level: str = "INFO"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "app.db"

    @property
    def sandbox_data_dir(self) -> Path:
        return self.data_dir / "sandbox"

    @property
    def throttle_dir(self) -> Path:
        return self.data_dir / "throttle"


def _read_secrets(path: Path) -> dict[str, str]:
    """Top-level string keys of secrets.toml (the `[auth]` table belongs to st.login, not to us)."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {key: str(value) for key, value in data.items() if not isinstance(value, dict)}


def parse_rate_limit(text: str) -> RateLimit:
    """`25/5` = 25 requests per 5 seconds; tests and benchmarks scale the window down, e.g. `25/0.05`."""
    requests, _, window = text.partition("/")
    try:
        limit = RateLimit(requests=int(requests), window=float(window))
    except ValueError:
        raise ValueError(f"FORTNOX_RATE_LIMIT ska skrivas som anrop/sekunder, t.ex. 25/5 (fick {text!r}).") from None
    if limit.requests < 1 or limit.window <= 0:
        raise ValueError(f"FORTNOX_RATE_LIMIT måste vara positivt (fick {text!r}).")
    return RateLimit(limit.requests, limit.window, margin=limit.window / 40)


def parse_sign_in_hours(text: str) -> int:
    """`SIGN_IN_HOURS=8` (decimals allowed, e.g. 0.5) as seconds."""
    try:
        hours = float(text)
    except ValueError:
        raise ValueError(f"SIGN_IN_HOURS ska vara ett antal timmar, t.ex. 8 (fick {text!r}).") from None
    if hours <= 0:
        raise ValueError(f"SIGN_IN_HOURS måste vara positivt (fick {text!r}).")
    return round(hours * 3600)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def parse_log_level(text: str) -> str:
    level = text.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"LOG_LEVEL ska vara en av {', '.join(LOG_LEVELS)} (fick {text!r}).")
    return level


def load_settings(environ: Mapping[str, str] | None = None, secrets_file: Path = SECRETS_FILE) -> Settings:
    """Resolve the settings: environment first, then secrets.toml, then the documented defaults."""
    env = os.environ if environ is None else environ
    secrets = _read_secrets(secrets_file)

    def get(name: str, default: str = "") -> str:
        value = env.get(name)
        if value is None or value == "":
            value = secrets.get(name, default)
        return value or default

    port = int(get("PORT", "8501"))
    sandbox_port = int(get("SANDBOX_PORT", "8765"))
    data_dir = Path(get("DATA_DIR", str(PROJECT_ROOT / "data"))).resolve()
    client_id = get("FORTNOX_CLIENT_ID")
    demo_mode = client_id == ""
    if demo_mode:
        sandbox = f"http://127.0.0.1:{sandbox_port}"
        client_id, client_secret = DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
        auth_url, api_url = f"{sandbox}/oauth-v1", sandbox
    else:
        client_secret = get("FORTNOX_CLIENT_SECRET")
        auth_url = get("FORTNOX_AUTH_URL", "https://apps.fortnox.se/oauth-v1")
        api_url = get("FORTNOX_API_URL", "https://api.fortnox.se")
    return Settings(
        fortnox=FortnoxConfig(
            client_id=client_id,
            client_secret=client_secret,
            auth_url=auth_url.rstrip("/"),
            api_url=api_url.rstrip("/"),
            redirect_uri=get("FORTNOX_REDIRECT_URI", f"http://localhost:{port}/anslut"),
            scopes=FORTNOX_SCOPES,
            rate_limit=parse_rate_limit(get("FORTNOX_RATE_LIMIT", "25/5")),
            retry=RetryPolicy(base_delay=float(get("FORTNOX_RETRY_DELAY", "0.5"))),
            timeout=float(get("FORTNOX_TIMEOUT", "30")),
        ),
        data_dir=data_dir,
        app_secret_key=get("APP_SECRET_KEY") or None,
        port=port,
        sandbox_port=sandbox_port,
        demo_mode=demo_mode,
        staff=parse_staff_policy(get("STAFF_ALLOWLIST"), get("STAFF_ROLES"), get("STAFF_COMPANIES"),
                                 get("STAFF_DEFAULT_ROLE", "support").lower()),
        sign_in_seconds=parse_sign_in_hours(get("SIGN_IN_HOURS", "8")),
        log_level=parse_log_level(get("LOG_LEVEL", "INFO")),
    )
