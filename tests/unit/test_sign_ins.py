"""Each staff sign-in is recorded server-side: Logga ut ends all of a person's, and one lasts SIGN_IN_HOURS."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.companies import sign_ins
from services.companies.model import SignIn
from services.config import Settings
from tests.conftest import settings_for

NOON = 1_780_000_000
HOUR = 3600


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, sandbox_port=9)


def _claims(issued: int = NOON, nonce: str = "n1", email: str = "rita@byra.se") -> dict:
    return {"iss": "https://idp", "sub": email, "email": email, "email_verified": True, "iat": issued, "nonce": nonce}


def test_a_fresh_sign_in_is_active(settings: Settings) -> None:
    assert sign_ins.check(settings, "rita@byra.se", _claims(), now=NOON + 5) is SignIn.ACTIVE


def test_a_sign_in_expires_after_eight_hours_by_default(settings: Settings) -> None:
    assert sign_ins.check(settings, "rita@byra.se", _claims(), now=NOON) is SignIn.ACTIVE
    assert sign_ins.check(settings, "rita@byra.se", _claims(), now=NOON + 8 * HOUR - 1) is SignIn.ACTIVE
    assert sign_ins.check(settings, "rita@byra.se", _claims(), now=NOON + 8 * HOUR) is SignIn.EXPIRED


def test_the_lifetime_is_configurable(tmp_path: Path) -> None:
    short = settings_for(tmp_path, sandbox_port=9, SIGN_IN_HOURS="0.5")
    assert sign_ins.check(short, "rita@byra.se", _claims(), now=NOON + HOUR // 2) is SignIn.EXPIRED


def test_a_cookie_first_seen_after_its_lifetime_is_expired(settings: Settings) -> None:
    assert sign_ins.check(settings, "rita@byra.se", _claims(), now=NOON + 30 * 24 * HOUR) is SignIn.EXPIRED


def test_signing_out_ends_every_sign_in_of_the_person(settings: Settings) -> None:
    laptop, phone = _claims(nonce="laptop"), _claims(nonce="phone")
    for claims in (laptop, phone):
        assert sign_ins.check(settings, "rita@byra.se", claims, now=NOON) is SignIn.ACTIVE
    sign_ins.end_all(settings, "rita@byra.se", now=NOON + 60)
    assert [sign_ins.check(settings, "rita@byra.se", c, now=NOON + 61) for c in (laptop, phone)] == [SignIn.ENDED] * 2


def test_a_copied_cookie_never_seen_before_the_sign_out_is_ended_too(settings: Settings) -> None:
    sign_ins.end_all(settings, "rita@byra.se", now=NOON + 60)
    assert sign_ins.check(settings, "rita@byra.se", _claims(issued=NOON), now=NOON + 61) is SignIn.ENDED


def test_signing_in_again_after_signing_out_works(settings: Settings) -> None:
    sign_ins.check(settings, "rita@byra.se", _claims(), now=NOON)
    sign_ins.end_all(settings, "rita@byra.se", now=NOON + 60)
    again = _claims(issued=NOON + 120, nonce="n2")
    assert sign_ins.check(settings, "rita@byra.se", again, now=NOON + 121) is SignIn.ACTIVE


def test_signing_out_leaves_a_colleagues_sign_in_alone(settings: Settings) -> None:
    kim = _claims(email="kim@byra.se")
    sign_ins.check(settings, "kim@byra.se", kim, now=NOON)
    sign_ins.end_all(settings, "rita@byra.se", now=NOON + 60)
    assert sign_ins.check(settings, "kim@byra.se", kim, now=NOON + 61) is SignIn.ACTIVE

