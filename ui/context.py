"""Per-process set-up and per-session context: settings, the chosen company, one-shot messages."""

from __future__ import annotations

import streamlit as st

from services import store
from services.companies import Company, list_companies
from services.config import Settings
from services.startup import prepare

COMPANY_KEY = "company_id"
FLASH_KEY = "flash"
FLASH_STYLES = {
    "success": lambda message: st.success(message, icon=":material/check_circle:"),
    "error": lambda message: st.error(message, icon=":material/error:"),
}


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """Once per process (see services.startup)."""
    return prepare()


def companies() -> list[Company]:
    with store.open_db(settings().database_path) as db:
        return list_companies(db)


def current_company(known: list[Company] | None = None) -> Company | None:
    """The company chosen in the sidebar; by default the one connected last."""
    known = companies() if known is None else known
    chosen = st.session_state.get(COMPANY_KEY)
    for company in known:
        if company.id == chosen:
            return company
    return known[0] if known else None


def choose_company(company_id: str) -> None:
    st.session_state[COMPANY_KEY] = company_id


def actor() -> str:
    """Who is doing this, for import runs and the audit log (staff sign-in comes with st.login)."""
    user = st.user
    if getattr(user, "is_logged_in", False):
        return str(user.get("email") or user.get("name"))
    return "demo" if settings().demo_mode else "okänd användare"


def flash(kind: str, message: str) -> None:
    """A message to show once on the next page drawn (survives st.switch_page)."""
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind is not None:
        FLASH_STYLES[kind](message)
