"""The companies' and the people's front door: which companies a person may see, connecting a company to Fortnox
and disconnecting it, deleting its data, and the sign-in gate (staff list, sign-ins that have ended). Pages and
`ui/` call only these functions (and `model`).

Every function takes the `Acting` person first (the gate's, before anyone is known, take the settings); writes check
access, leave an audit line and a log line. Errors are `services.errors.ServiceError`s with a Swedish message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from services import logs
from services.companies import access, connections, deletion, sign_ins
from services.companies.model import Company, Decision, DeleteResult, Person, Requester, SignIn
from services.companies.registry import list_companies
from services.config import Settings
from services.context import Acting

log = logging.getLogger(__name__)


def companies(acting: Acting) -> list[Company]:
    """The companies the person may see (all of them when access control is off), the one connected last first."""
    with acting.db() as db:
        known = list_companies(db)
    return [company for company in known if decide(acting, "review", company).allowed]


def decide(acting: Acting, action: str, company: Company | None) -> Decision:
    """Whether the person may do the action on the company: what a page offers (the services check again)."""
    return access.decide(acting.settings.staff, acting.actor, action, company.id if company else None,
                         company.orgnr if company else None)


def start_connection(acting: Acting, requester: Requester) -> str:
    """Anslut: the Fortnox login URL to send the browser to (a fresh single-use state for this person and browser)."""
    return connections.start_authorization(acting.settings, requester)


def finish_connection(acting: Acting, requester: Requester, *, code: str | None, state: str | None,
                      error: str | None) -> Company:
    """Fortnox sent the browser back: check the state is the requester's, exchange the code, store the tokens."""
    company = connections.finish_authorization(acting.settings, code=code, state=state, error=error,
                                               requester=requester)
    logs.event(log, "company.connect", company=company.id)
    return company


def disconnect(acting: Acting, company_id: str) -> str | None:
    """Koppla från: revoke at Fortnox and forget the tokens; a Swedish warning when Fortnox could not be told."""
    warning = connections.disconnect(acting.settings, company_id, acting.actor)
    logs.event(log, "company.disconnect", company=company_id, outcome="warning" if warning else "ok")
    return warning


def delete_data(acting: Acting, company_id: str) -> DeleteResult:
    """Radera företagets data (see `deletion` for what stays)."""
    result = deletion.delete_company_data(acting.settings, company_id, acting.actor)
    logs.event(log, "company.delete", company=company_id, files=result.files_removed)
    return result


def verified_address(claims: Mapping[str, object]) -> str | None:
    """The e-mail address the identity provider vouches for, if any."""
    return access.verified_address(claims)


def person(settings: Settings, address: str) -> Person | None:
    """The staff member with that address (role, companies), or None when not on the staff list."""
    return access.identify(settings.staff, address)


def refuse_sign_in(settings: Settings, address: str, reason: str) -> None:
    """An audit line for someone signed in but not on the staff list (at most one an hour per person)."""
    access.log_sign_in_refusal(settings, address, reason)


def sign_in_status(settings: Settings, address: str, claims: Mapping[str, object]) -> SignIn:
    """Whether this sign-in is still good here (not ended by Logga ut elsewhere, not past its hours)."""
    return sign_ins.check(settings, address, claims)


def sign_out(settings: Settings, address: str) -> None:
    """Logga ut: end every sign-in of the person, in every tab and browser."""
    sign_ins.end_all(settings, address)
    logs.event(log, "sign_out")
