"""Structured log lines: logfmt, company and run named, no organisation number, level from LOG_LEVEL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from services import logs
from services.config import load_settings
from services.fortnox.client import request_class

log = logging.getLogger("services.test")
NO_SECRETS = Path("/nonexistent/secrets.toml")


def _line(caplog: pytest.LogCaptureFixture, name: str, **fields: object) -> str:
    with caplog.at_level(logging.INFO, logger="services"):
        logs.event(log, name, **fields)
    return caplog.records[-1].getMessage()


def test_an_event_is_one_logfmt_line(caplog: pytest.LogCaptureFixture) -> None:
    line = _line(caplog, "fortnox.retry", company="fortnox-42", run=7, request="vouchers", outcome="http_429",
                 wait=1.5)
    assert line == "event=fortnox.retry company=fortnox-42 run=7 request=vouchers outcome=http_429 wait=1.500"


def test_fields_without_a_value_are_left_out_and_spaces_are_quoted(caplog: pytest.LogCaptureFixture) -> None:
    assert _line(caplog, "x", run=None, error="Fortnox svarade inte") == 'event=x error="Fortnox svarade inte"'


def test_a_company_id_holding_an_organisation_number_is_logged_as_a_hash(caplog: pytest.LogCaptureFixture) -> None:
    line = _line(caplog, "import.start", company="sie-556677-8899")
    assert "556677" not in line and line.startswith("event=import.start company=h:")


def test_anything_shaped_like_a_personal_identity_number_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    line = _line(caplog, "x", detail="19800101-1234 och 5566778899")
    assert "1234" not in line and "5566778899" not in line


def test_the_request_class_is_the_api_area_without_ids() -> None:
    assert [request_class(p) for p in ("/3/vouchers/2024/A/7", "/api/fileattachments/attachments-v1?x=1",
                                       "/3/sie/4", "/")] == ["vouchers", "fileattachments", "sie", "other"]


def test_log_level_comes_from_the_environment_and_defaults_to_info() -> None:
    assert load_settings({}, secrets_file=NO_SECRETS).log_level == "INFO"
    assert load_settings({"LOG_LEVEL": "debug"}, secrets_file=NO_SECRETS).log_level == "DEBUG"
    with pytest.raises(ValueError, match="LOG_LEVEL ska vara en av"):
        load_settings({"LOG_LEVEL": "pratig"}, secrets_file=NO_SECRETS)


def test_configure_sets_the_level_of_the_products_loggers() -> None:
    logs.configure("WARNING")
    try:
        assert not logging.getLogger("services.imports.pipeline").isEnabledFor(logging.INFO)
    finally:
        logs.configure("INFO")
