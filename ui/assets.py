"""The app's own look, served from this repository: the favicon, one stylesheet, the page's language, and icons
that screen readers skip. An internal tool loads nothing from outside (a Material icon as page_icon made every
browser fetch the favicon from fonts.gstatic.com)."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FAVICON = ASSETS / "favicon.svg"
STYLESHEET = ASSETS / "app.css"
_ICON_NAME = re.compile(r"[a-z0-9_]+")
# Streamlit's page says lang="en", so a screen reader would read the Swedish text with an English voice.
_SWEDISH_PAGE = "<script>document.documentElement.lang = 'sv'</script>"


def apply() -> None:
    """Once per run, before anything is drawn: the stylesheet (it takes no room on the page)."""
    st.html(STYLESHEET)


def mark_page_swedish() -> None:
    """lang="sv" on the page, from a script drawn where it is called (the sidebar: a sign-in or refusal page has
    none and must not get one)."""
    st.html(_SWEDISH_PAGE, unsafe_allow_javascript=True, width="content")


def caption(icon: str, markdown: str, where: DeltaGenerator | None = None) -> None:
    """A caption led by the Material icon `icon` ("link_off"), seen but not read aloud: Streamlit's
    `:material/link_off:` is announced as "link_off icon". The caption allows HTML for the icon's span, so
    `markdown` must already be escaped (ui.text.escape_markdown, which escapes `<` too) where it carries outside
    text."""
    (where or st).caption(f"{icon_html(icon)} {markdown}", unsafe_allow_html=True)


def icon_html(icon: str) -> str:
    """The Material icon `icon` as markup that is seen but not read aloud, for text drawn with unsafe_allow_html."""
    if not _ICON_NAME.fullmatch(icon):
        raise ValueError(f"not a Material icon name: {icon!r}")
    return f'<span class="decorative-icon" aria-hidden="true" translate="no">{icon}</span>'
