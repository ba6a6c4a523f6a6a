"""Who may do what: the allow-list, the two roles and per-company access."""

from __future__ import annotations

import pytest

from services.companies.access import CLI_ACTOR, can, decide, identify, verified_address
from services.companies.model import Person
from services.config import parse_staff_policy

POLICY = parse_staff_policy(
    "rita@byra.se, @support.byra.se, kim@byra.se",
    "rita@byra.se=redovisning, kim@byra.se=redovisning",
    "kim@byra.se=556677-8899 fortnox-2",
    "support",
)


def test_a_listed_address_is_identified_with_its_role() -> None:
    assert identify(POLICY, "Rita@Byra.se") == Person("rita@byra.se", "redovisning", None)


def test_a_listed_domain_lets_its_people_in_with_the_default_role() -> None:
    assert identify(POLICY, "sam@support.byra.se") == Person("sam@support.byra.se", "support", None)


def test_an_address_outside_the_allow_list_is_not_identified() -> None:
    assert identify(POLICY, "extern@example.net") is None


def test_a_subdomain_does_not_match_its_parent_domain() -> None:
    assert identify(POLICY, "eve@evil.support.byra.se") is None


@pytest.mark.parametrize("action", ["connect", "import", "review", "reconcile", "map"])
def test_support_may_do_the_everyday_work(action: str) -> None:
    assert can(Person("sam@support.byra.se", "support"), action, "fortnox-1").allowed


@pytest.mark.parametrize("action", ["export", "delete"])
def test_support_may_not_export_or_delete_and_is_told_why_in_swedish(action: str) -> None:
    decision = can(Person("sam@support.byra.se", "support"), action, "fortnox-1")
    assert not decision.allowed and decision.reason_sv.startswith("Rollen support får inte")


@pytest.mark.parametrize("action", ["export", "delete"])
def test_redovisning_may_export_and_delete(action: str) -> None:
    assert can(Person("rita@byra.se", "redovisning"), action, "fortnox-1").allowed


def test_per_company_access_refuses_a_company_not_listed() -> None:
    kim = identify(POLICY, "kim@byra.se")
    assert kim is not None
    decision = can(kim, "review", "fortnox-1", "559900-1122")
    assert not decision.allowed and "inte behörighet till det här företaget" in decision.reason_sv


def test_per_company_access_matches_an_organisation_number_or_an_internal_id() -> None:
    kim = identify(POLICY, "kim@byra.se")
    assert kim is not None
    assert can(kim, "export", "fortnox-9", "556677-8899").allowed and can(kim, "export", "fortnox-2").allowed


def test_the_command_line_has_full_rights() -> None:
    assert decide(POLICY, CLI_ACTOR, "delete", "fortnox-1").allowed


def test_without_an_allow_list_access_control_is_off() -> None:
    assert decide(parse_staff_policy("", "", "", "support"), "demo", "export", "fortnox-1").allowed


def test_an_unknown_role_in_the_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="okänd roll"):
        parse_staff_policy("a@b.se", "a@b.se=admin", "", "support")


def test_an_address_the_provider_says_is_verified_is_the_person() -> None:
    assert verified_address({"email": "Rita@Byra.se", "email_verified": True, "name": "Rita"}) == "rita@byra.se"


def test_an_unverified_address_is_not_trusted() -> None:
    assert verified_address({"email": "rita@byra.se", "email_verified": False}) is None
    assert verified_address({"email": "rita@byra.se"}) is None


def test_the_display_name_is_never_taken_for_an_address() -> None:
    assert verified_address({"name": "rita@byra.se"}) is None


def test_entra_ids_sign_in_name_is_trusted_and_its_unverified_email_claim_is_not() -> None:
    claims = {"iss": "https://login.microsoftonline.com/7f0c/v2.0", "preferred_username": "Rita@Byra.se",
              "email": "vd@annan-byra.se", "name": "Rita"}
    assert verified_address(claims) == "rita@byra.se"


def test_preferred_username_from_another_provider_is_not_trusted() -> None:
    assert verified_address({"iss": "https://accounts.google.com", "preferred_username": "rita@byra.se"}) is None
