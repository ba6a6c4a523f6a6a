"""Who may do what: staff roles, the allow-list and per-company access (no streamlit here).

Roles: `support` may connect, import, review, reconcile and map; `redovisning` may also export and delete.
With no allow-list configured access control is off (demo mode: everyone may do everything). The command line
runs as `kommandorad` with full rights: whoever can run it can read the database file anyway.
A refused action is written to the audit log with the reason. Who someone is comes from the identity provider's
claims, trusted only where the provider vouches for the address.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from services import store
from services.audit import AuditAction, record
from services.companies.model import Decision, Person
from services.config import Settings, StaffPolicy
from services.errors import Refused

CLI_ACTOR = "kommandorad"
ACTIONS = ("connect", "import", "review", "reconcile", "map", "export", "delete")
SUPPORT_ACTIONS = frozenset({"connect", "import", "review", "reconcile", "map"})
ROLE_ACTIONS = {"support": SUPPORT_ACTIONS, "redovisning": SUPPORT_ACTIONS | {"export", "delete"}}
SIGN_IN = "sign_in"
SIGN_IN_REFUSAL_INTERVAL = timedelta(hours=1)
ENTRA_ISSUER = "https://login.microsoftonline.com/"
ACTION_LABELS = {
    "connect": "ansluta företag", "import": "importera", "review": "se företagets data", "reconcile": "stämma av",
    "map": "ändra kontomappningar", "export": "exportera till Fortnox", "delete": "radera företagets data",
}


def _domain_key(email: str) -> str:
    return "@" + email.rpartition("@")[2]


def verified_address(claims: Mapping[str, object]) -> str | None:
    """The sign-in address the identity provider vouches for: `email` when it says `email_verified`, or Entra ID's
    `preferred_username` (its sign-in name, which the tenant controls; Entra sends no `email_verified`, and its
    `email` claim may be any address the user typed). Never the display name: anyone can choose that."""
    email = str(claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified") in (True, "true"):
        return email
    username = str(claims.get("preferred_username") or "").strip().lower()
    if str(claims.get("iss") or "").startswith(ENTRA_ISSUER) and "@" in username:
        return username
    return None


def identify(policy: StaffPolicy, email: str) -> Person | None:
    """The person behind a signed-in e-mail address, or None when not on the allow-list."""
    email = email.strip().lower()
    if not email or "@" not in email or not policy.enabled:
        return None
    keys = (email, _domain_key(email))
    if not any(key in policy.allowed for key in keys):
        return None
    role = next((policy.roles[key] for key in keys if key in policy.roles), policy.default_role)
    companies = next((policy.companies[key] for key in keys if key in policy.companies), None)
    return Person(email=email, role=role, companies=companies)


def can(person: Person, action: str, company_id: str | None, orgnr: str | None = None) -> Decision:
    """Whether `person` may do `action` on the company (None: an action not tied to one company). The one rule for
    reads and writes: a company is the person's when its internal id or its organisation number is listed."""
    if action not in ACTIONS:
        raise ValueError(f"okänd åtgärd {action!r}")
    label = ACTION_LABELS[action]
    if action not in ROLE_ACTIONS.get(person.role, frozenset()):
        return Decision(False, f"Rollen {person.role} får inte {label}. Be en redovisningskonsult göra det.")
    if company_id is None and action == "map" and person.companies is not None:
        return Decision(False, "Referenskontoplanen delas av alla företag: bara personal med tillgång till alla "
                               "företag får ändra den.")
    if company_id is not None and person.companies is not None and not (
            company_id in person.companies or (orgnr is not None and orgnr in person.companies)):
        return Decision(False, f"Du har inte behörighet till det här företaget och får inte {label} där.")
    return Decision(True, "")


def decide(policy: StaffPolicy, actor: str, action: str, company_id: str | None, orgnr: str | None = None
           ) -> Decision:
    """The decision for an actor as recorded in runs and the audit log (an e-mail address when signed in)."""
    if not policy.enabled or actor == CLI_ACTOR:
        return Decision(True, "")
    person = identify(policy, actor)
    if person is None:
        return Decision(False, f"{actor} finns inte bland personalen som får använda Skatt & Bokslut.")
    return can(person, action, company_id, orgnr)


def log_refusal(settings: Settings, actor: str, action: str, company_id: str | None, reason: str) -> None:
    """One `refused` audit line; a company not stored here (yet) is not named: its id may hold an organisation
    number, and a sole trader's is a personal identity number."""
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        stored = company_id is not None and db["companies"].count_where("id = ?", [company_id]) > 0
        record(db, actor, AuditAction.REFUSED, company_id if stored else None, f"{action}: {reason}")


def log_sign_in_refusal(settings: Settings, actor: str, reason: str, now: datetime | None = None) -> None:
    """A `refused` line for someone signed in but not on the staff list, at most one per person per hour: every
    page load of theirs is a new session, and the log would otherwise fill with the same line."""
    now = now or datetime.now(UTC)
    since = (now - SIGN_IN_REFUSAL_INTERVAL).astimezone(UTC).isoformat(timespec="seconds")
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        recent = db["audit_log"].count_where("action = ? and actor = ? and detail like ? and at > ?",
                                             [AuditAction.REFUSED, actor, f"{SIGN_IN}:%", since])
        if not recent:
            record(db, actor, AuditAction.REFUSED, None, f"{SIGN_IN}: {reason}",
                   at=now.astimezone(UTC).isoformat(timespec="seconds"))


def _stored_orgnr(settings: Settings, company_id: str) -> str | None:
    with store.open_db(settings.database_path) as db:
        rows = list(db["companies"].rows_where("id = ?", [company_id], select="orgnr"))
    return rows[0]["orgnr"] if rows else None


def require(settings: Settings, actor: str, action: str, company_id: str | None, orgnr: str | None = None) -> None:
    """Raise `Refused` with the Swedish reason (and log it) unless the actor may do the action; services ask through
    `services.context.Acting.require`. A stored company is checked by its organisation number as well, as the
    company picker does, so a person listed by organisation number may write where they may read."""
    if orgnr is None and company_id is not None and settings.staff.companies:
        orgnr = _stored_orgnr(settings, company_id)
    decision = decide(settings.staff, actor, action, company_id, orgnr)
    if not decision.allowed:
        log_refusal(settings, actor, action, company_id, decision.reason_sv)
        raise Refused(decision.reason_sv)
