"""Structured log lines (logfmt) for what happens out of sight: retries and 429 waits, token refreshes, export
look-ups, import runs. One line per event, `event=… company=… run=… request=… outcome=… wait=…`, at INFO, so a
support agent can follow what a company's import or export went through. Never a token or an organisation number:
a company id that holds one (`sie-<orgnr>`) is logged as a short hash, and any value shaped like an organisation
or personal identity number is masked. The level is `LOG_LEVEL` (default INFO)."""

from __future__ import annotations

import hashlib
import json
import logging
import re

ROOT_LOGGER = "services"
FORTNOX_COMPANY_PREFIX = "fortnox-"  # an internal id built from Fortnox's tenant id, no personal data in it
_IDENTITY_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
_NEEDS_QUOTES = re.compile(r'[\s"=\\]')
_HANDLER_NAME = "skatt-bokslut-logfmt"


def company_ref(company_id: str) -> str:
    """A company as logged: Fortnox companies by their id, any other (its id may hold the orgnr) by a hash."""
    if company_id.startswith(FORTNOX_COMPANY_PREFIX):
        return company_id
    return "h:" + hashlib.sha256(company_id.encode()).hexdigest()[:12]


def _value(value: object) -> str:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    text = _IDENTITY_NUMBER.sub("[nummer]", text)
    return json.dumps(text, ensure_ascii=False) if not text or _NEEDS_QUOTES.search(text) else text


def event(logger: logging.Logger, name: str, **fields: object) -> None:
    """One logfmt line at INFO: `event=<name>` and the fields given (None left out); `company` as `company_ref`."""
    if not logger.isEnabledFor(logging.INFO):
        return
    company = fields.get("company")
    if isinstance(company, str):
        fields["company"] = company_ref(company)
    pairs = {"event": name, **fields}
    logger.info(" ".join(f"{key}={_value(value)}" for key, value in pairs.items() if value is not None))


def configure(level: str) -> None:
    """Send the product's log lines (loggers under `services`) to stderr at `level`; safe to call again."""
    logger = logging.getLogger(ROOT_LOGGER)
    logger.setLevel(level)
    if not any(handler.get_name() == _HANDLER_NAME for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
