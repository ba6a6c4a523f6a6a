"""Per-process set-up and per-session context: settings, the chosen company, one-shot messages."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitSecretNotFoundError

from services.companies import api as companies_api
from services.companies.model import Company, Decision, Requester, SignIn
from services.config import Settings
from services.context import Acting
from services.errors import Refused, ServiceError, failure_message
from services.startup import prepare
from ui import assets
from ui.text import escape_markdown

COMPANY_KEY = "company_id"
URL_KEY = "company"
OVERVIEW_PAGE = "app_pages/oversikt.py"
REFUSED_IN_URL = ("Företaget i adressen finns inte här, eller så har du inte behörighet till det. Välj ett företag "
                  "i listan till vänster eller gå till Översikt. Be den som administrerar appen om behörighet om du "
                  "behöver se företaget.")
FLASH_KEY = "flash"
XSRF_COOKIE = "_streamlit_xsrf"
FLASH_STYLES = {
    "success": lambda message: st.success(message, icon=":material/check_circle:"),
    "error": lambda message: st.error(message, icon=":material/error:"),
}


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """Once per process (see services.startup); a database that can't be used stops every page with the reason."""
    try:
        return prepare()
    except ServiceError as exc:  # StoreProblem: the database can't be used
        st.error(exc.message, icon=":material/database:")
        st.stop()


def companies() -> list[Company]:
    """The companies the person may see (all of them when access control is off)."""
    return companies_api.companies(acting())


def settle_company(known: list[Company]) -> tuple[Company | None, bool]:
    """The company of this run and whether the URL named one the person can't have, decided once per run in app.py
    before anything draws: the URL's `?company=` when present (a reload, a bookmark, a link), else the one chosen
    earlier in this session, else the one connected last. The URL is written back on every run, since a page change
    through the navigation drops its query parameters. A company the person may not see, or that does not exist,
    is refused (see refuse_company_in_url): another company is never shown in its place."""
    key = st.query_params.get(URL_KEY)
    if key:
        company = companies_api.named(known, key)
        if company is None:
            st.session_state.pop(COMPANY_KEY, None)
            return None, True
    else:
        company = current_company(known)
    if company is not None:
        _remember(company)
    return company, False


def refuse_company_in_url() -> None:
    """The refusal in place of the page, without echoing the key (a sole trader's orgnr is a personnummer)."""
    st.title("Skatt & Bokslut", anchor=False)
    st.error(REFUSED_IN_URL, icon=":material/block:")
    st.page_link(OVERVIEW_PAGE, label="Till Översikt", icon=":material/dashboard:")
    st.stop()


def current_company(known: list[Company] | None = None) -> Company | None:
    """The company of this run (see settle_company); by default the one connected last."""
    known = companies() if known is None else known
    chosen = st.session_state.get(COMPANY_KEY)
    for company in known:
        if company.id == chosen:
            return company
    return known[0] if known else None


def company_or_stop(what_to_do: str) -> Company:
    """The chosen company; without one the page says what to do first and draws nothing more."""
    company = current_company()
    if company is None:
        st.info(f"Inget företag är anslutet. {what_to_do}", icon=":material/info:")
        st.stop()
    return company


def choose_company(company_id: str) -> None:
    """This session's company from now on (after Anslut, an imported SIE file, the sidebar's choice)."""
    company = next((company for company in companies() if company.id == company_id), None)
    if company is not None:
        _remember(company)


def _remember(company: Company) -> None:
    """In the session and in the URL (organisation number), so a reload, a bookmark or a copied link keeps it."""
    st.session_state[COMPANY_KEY] = company.id
    if st.query_params.get(URL_KEY) != company.orgnr:
        st.query_params[URL_KEY] = company.orgnr


def _signed_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))


def actor() -> str:
    """Who is doing this, for import runs, findings, mappings and the audit log: the address the identity provider
    vouches for. A sign-in that has ended meanwhile (Logga ut in another tab, or its hours are up) stops here, so a
    dialog or fragment rerun can't act on it either."""
    if not _signed_in():
        return "demo" if settings().demo_mode else "okänd användare"
    address = companies_api.verified_address(st.user.to_dict())
    if address is None:
        return "okänd användare"
    _stop_unless_active(address)
    return address


def _browser() -> str:
    """A hash of this browser's secret XSRF token (Streamlit's cookie `2|mask|masked token|time`, masked anew on
    every page load): the same in every tab of one browser, unknown to any other; "" without the cookie."""
    parts = st.context.cookies.get(XSRF_COOKIE, "").strip("\"'").split("|")
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except (IndexError, ValueError):
        return ""
    if parts[0] != "2" or len(mask) != 4:
        return ""
    return hashlib.sha256(bytes(byte ^ mask[i % 4] for i, byte in enumerate(masked))).hexdigest()


def requester() -> Requester:
    """Who presses Anslut, and in which browser: the Fortnox login must come back to the same person and browser."""
    return Requester(actor=actor(), browser=_browser())


def acting() -> Acting:
    """The person and settings every service call of this run acts with."""
    return Acting(settings(), actor())


def allowed(action: str, company: Company | None) -> Decision:
    """Whether the person may do the action on the company (the services check again on their own)."""
    return companies_api.decide(acting(), action, company)


def sign_in_configured() -> bool:
    """Whether `[auth]` (st.login's OpenID Connect provider) is in secrets.toml."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError:
        return False


def _refuse(message: str) -> None:
    st.title("Skatt & Bokslut", anchor=False)
    st.error(message, icon=":material/block:")
    if _signed_in():
        st.button("Logga ut", on_click=sign_out, key="gate.logout")
    st.stop()


SIGN_IN_ENDED = {
    SignIn.ENDED: "Du har loggat ut. Logga in igen för att fortsätta.",
    SignIn.EXPIRED: "Inloggningen har gått ut. Logga in igen för att fortsätta.",
}


def _stop_unless_active(address: str) -> None:
    """The server-side check of this sign-in (services.companies.sign_ins); an ended one gets only Logga in igen."""
    status = companies_api.sign_in_status(settings(), address, st.user.to_dict())
    if status is SignIn.ACTIVE:
        return
    st.title("Skatt & Bokslut", anchor=False)
    st.warning(SIGN_IN_ENDED[status], icon=":material/lock_clock:")
    st.button("Logga in igen", type="primary", on_click=st.login, key="gate.sign_in_again", icon=":material/login:")
    st.stop()


def sign_out() -> None:
    """Logga ut: end every sign-in of the person (other tabs and copied cookies too), then Streamlit's own."""
    address = companies_api.verified_address(st.user.to_dict())
    if address is not None:
        companies_api.sign_out(settings(), address)
    st.logout()


def require_sign_in() -> None:
    """The gate in front of every page: sign-in when `[auth]` is configured, then the allow-list."""
    staff = settings().staff
    if not sign_in_configured():
        if staff.enabled:
            _refuse("Listan över personal (STAFF_ALLOWLIST) är satt men inloggning saknas: lägg till [auth] i "
                    ".streamlit/secrets.toml (se README).")
        return
    if not st.user.is_logged_in:
        st.title("Skatt & Bokslut", anchor=False)
        st.write("Logga in med ditt jobbkonto för att fortsätta. Appen visar klientföretagens bokföring och kan "
                 "skriva verifikationer i Fortnox, så bara behörig personal kommer in.")
        st.button("Logga in", type="primary", on_click=st.login, key="gate.login", icon=":material/login:")
        st.stop()
    if not staff.enabled:
        _refuse("Ingen personal är behörig ännu: ange STAFF_ALLOWLIST (e-postadresser eller @domän) i "
                "konfigurationen.")
    if companies_api.verified_address(st.user.to_dict()) is None:
        _refuse("Identitetsleverantören har inte bekräftat någon e-postadress för kontot, så appen vet inte vem du "
                "är. Logga ut och logga in med ditt jobbkonto, eller be den som administrerar inloggningen se till "
                "att e-postadressen skickas som bekräftad (email_verified).")
    if companies_api.person(settings(), actor()) is None:
        companies_api.refuse_sign_in(settings(), actor(), "inte med i listan över personal")
        _refuse(f"{escape_markdown(actor())} har inte behörighet till Skatt & Bokslut. Be den som administrerar "
                "appen lägga till dig i listan över personal, eller logga ut och logga in med ett annat konto.")


def _unlinked(text: str) -> str:
    """`text` escaped for Markdown, with a <wbr> before any @ so that an address is not turned into a mailto: link
    (to oneself, and in a pale blue that fails WCAG contrast in the sidebar). Only for captions that allow HTML."""
    return escape_markdown(text).replace("\\@", "<wbr>\\@")


def draw_identity() -> None:
    """Who is signed in (and a way out), or plainly that sign-in is off."""
    if not sign_in_configured():
        assets.caption("lock_open", "Inloggning är avstängd (demoläge)" if settings().demo_mode
                       else "Inloggning är avstängd: alla som når appen kan använda den.")
        return
    who = actor()
    person = companies_api.person(settings(), who)
    role = f" · roll {person.role}" if person else ""
    assets.caption("person", f"{_unlinked(st.user.get('name') or who)} ({_unlinked(who)}){role}")
    st.button("Logga ut", on_click=sign_out, key="sidebar.logout")


def flash(kind: str, message: str) -> None:
    """A message to show once on the next page drawn (survives st.switch_page); shown as plain text, since
    messages carry client text (company names, voucher texts, Fortnox's answers)."""
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind is not None:
        FLASH_STYLES[kind](escape_markdown(message))


def act(call: Callable[[], object], done: str) -> None:
    """A button's one service call: its refusal or failure shown where the button is, else `done` shown once over the
    rerun that draws the new state."""
    try:
        call()
    except ServiceError as exc:
        show_error(exc)
        return
    flash("success", done)
    st.rerun()


def show_error(exc: ServiceError, where: DeltaGenerator | None = None, *, lead: str = "", note: str = "",
               icon: str | None = None) -> None:
    """Any service's refusal or failure, shown the same way on every page: its Swedish message as text (it may quote
    client text), a refusal with the block icon; `lead` and `note` put it in the page's words."""
    icon = icon or (":material/block:" if isinstance(exc, Refused) else ":material/error:")
    (where or st).error(" ".join(part for part in (lead, escape_markdown(exc.message), note) if part), icon=icon)


def failed(exc: Exception) -> None:
    """Show what stopped the page: a service's Swedish message (`show_error`); anything else logged with its traceback
    and shown as a short Swedish apology (a full disk or a damaged database says so), never as a traceback."""
    if isinstance(exc, ServiceError):
        show_error(exc)
        return
    logging.getLogger(__name__).error("the page stopped on an unexpected error", exc_info=exc)
    st.error(failure_message(exc) or "Något gick fel och sidan kunde inte visas färdigt. Inget har ändrats av "
             "felet. Ladda om sidan; kontakta supporten om det händer igen.", icon=":material/error:")
